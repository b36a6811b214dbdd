#include "eventtablemodel.h"

#include "../common/palette.h"

#include "core/cluster/humanduration.h"

namespace ragdr::ui {

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void EventTableModel::apply(const core::WatchBatch &batch)
{
    // Events arrive in any order and change in place (count, lastTimestamp): rebuilding the small,
    // capped list is simpler than keeping its order by hand.
    QHash<QString, core::EventRow> byKey;
    if (!batch.reset) {
        for (const core::EventRow &e : std::as_const(m_rows))
            byKey.insert(e.key, e);
    }
    for (const QString &gone : batch.deletions)
        byKey.remove(gone);
    for (const QVariant &v : batch.derived) {
        const core::EventRow e = v.value<core::EventRow>();
        byKey.insert(e.key, e);
    }
    QList<core::EventRow> rows = byKey.values();
    std::sort(rows.begin(), rows.end(), [](const core::EventRow &a, const core::EventRow &b) {
        return a.lastTimestamp != b.lastTimestamp ? a.lastTimestamp > b.lastTimestamp
                                                  : a.key > b.key;
    });
    if (rows.size() > kMaxEvents)
        rows.resize(kMaxEvents);
    beginResetModel();
    m_rows = rows;
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
