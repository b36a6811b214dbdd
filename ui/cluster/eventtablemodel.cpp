#include "eventtablemodel.h"

#include "../common/palette.h"

#include "core/cluster/humanduration.h"

namespace ragdr::ui {

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void EventTableModel::apply(const core::WatchBatch &batch)
{
    // A relist can bring tens of thousands of events: pick the newest kMaxEvents by pointer, and
    // copy only those.
    QHash<QString, const core::EventRow *> byKey;
    byKey.reserve(int(batch.derived.size()) + (batch.reset ? 0 : int(m_rows.size())));
    if (!batch.reset) {
        for (const core::EventRow &e : std::as_const(m_rows))
            byKey.insert(e.key, &e);
    }
    for (const QString &gone : batch.deletions)
        byKey.remove(gone);
    for (const QVariant &v : batch.derived) {
        const auto *e = static_cast<const core::EventRow *>(v.constData());
        byKey.insert(e->key, e);
    }
    QList<const core::EventRow *> newest;
    newest.reserve(byKey.size());
    for (const core::EventRow *e : std::as_const(byKey))
        newest.append(e);
    auto later = [](const core::EventRow *a, const core::EventRow *b) {
        return a->lastTimestamp != b->lastTimestamp ? a->lastTimestamp > b->lastTimestamp
                                                    : a->key > b->key;
    };
    if (newest.size() > kMaxEvents) {
        std::nth_element(newest.begin(), newest.begin() + kMaxEvents, newest.end(), later);
        newest.resize(kMaxEvents);
    }
    std::sort(newest.begin(), newest.end(), later);
    QList<core::EventRow> rows;
    rows.reserve(newest.size());
    for (const core::EventRow *e : std::as_const(newest))
        rows.append(*e);
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int EventTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

QVariant EventTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const core::EventRow &e = m_rows.at(index.row());
    if (role == Qt::ForegroundRole && e.type == QLatin1String("Warning"))
        return Palette::warning();
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case LastSeen:
        return e.lastTimestamp.isValid() ? core::humanDuration(std::chrono::milliseconds(
                   e.lastTimestamp.msecsTo(QDateTime::currentDateTimeUtc())))
                                         : e.lastSeen;
    case Type:
        return e.type;
    case Reason:
        return e.reason;
    case Object:
        return e.object;
    case Message:
        return e.count > 1 ? tr("%1 (×%2)").arg(e.message).arg(e.count) : e.message;
    }
    return {};
}

} // namespace ragdr::ui
