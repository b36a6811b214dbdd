#include "podtablemodel.h"

#include "../common/palette.h"

#include "core/cluster/humanduration.h"

#include <QSet>

#include <algorithm>

namespace ragdr::ui {

namespace {
// Past this share of the rows changing in one batch, a reset is cheaper than the signals.
constexpr double kResetShare = 0.5;
} // namespace

PodTableModel::PodTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void PodTableModel::rebuildIndex()
{
    m_index.clear();
    m_index.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_index.insert(m_rows.at(i).name, i);
}

void PodTableModel::apply(const core::WatchBatch &batch)
{
    const int changes = int(batch.derived.size() + batch.deletions.size());
    const bool large = m_rows.size() > 100 && changes > kResetShare * m_rows.size();
    if (batch.reset || large) {
        beginResetModel();
        if (batch.reset) {
            // Only this watcher's rows are replaced; another selector's stay.
            for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
                if (m_sources.at(i) == batch.source) {
                    m_rows.removeAt(i);
                    m_sources.removeAt(i);
                }
            }
            rebuildIndex();
        }
        const QSet<QString> gone(batch.deletions.cbegin(), batch.deletions.cend());
        if (!gone.isEmpty()) {
            for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
                if (gone.contains(m_rows.at(i).name)) {
                    m_rows.removeAt(i);
                    m_sources.removeAt(i);
                }
            }
            rebuildIndex();
        }
        for (const QVariant &v : batch.derived) {
            const core::PodRow row = v.value<core::PodRow>();
            const int at = m_index.value(row.name, -1);
            if (at >= 0) {
                m_rows[at] = row;
            } else {
                m_index.insert(row.name, int(m_rows.size()));
                m_rows.append(row);
                m_sources.append(batch.source);
            }
        }
        endResetModel();
        return;
    }

    // Deletions: from the bottom, in runs of adjacent rows.
    QList<int> doomed;
    for (const QString &name : batch.deletions) {
        const int at = m_index.value(name, -1);
        if (at >= 0)
            doomed.append(at);
    }
    std::sort(doomed.begin(), doomed.end(), std::greater<int>());
    for (int i = 0; i < doomed.size();) {
        int last = doomed.at(i), first = last;
        int j = i + 1;
        while (j < doomed.size() && doomed.at(j) == first - 1)
            first = doomed.at(j++);
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        m_sources.remove(first, last - first + 1);
        endRemoveRows();
        i = j;
    }
    if (!doomed.isEmpty())
        rebuildIndex();

    // Only rows whose cells changed, in runs of adjacent rows: one range from the first changed
    // row to the last would make the sorting proxy look at thousands of rows in a storm that
    // touches a few hundred scattered ones, most of them without a visible change.
    QList<int> changed;
    QList<core::PodRow> added;
    for (const QVariant &v : batch.derived) {
        const core::PodRow row = v.value<core::PodRow>();
        const int at = m_index.value(row.name, -1);
        if (at < 0) {
            added.append(row);
        } else if (!(m_rows.at(at) == row)) {
            m_rows[at] = row;
            changed.append(at);
        }
    }
    std::sort(changed.begin(), changed.end());
    for (int i = 0; i < changed.size();) {
        int j = i + 1;
        while (j < changed.size() && changed.at(j) <= changed.at(j - 1) + 1)
            ++j;
        Q_EMIT dataChanged(index(changed.at(i), 0), index(changed.at(j - 1), ColumnCount - 1));
        i = j;
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (const core::PodRow &row : std::as_const(added)) {
            m_index.insert(row.name, int(m_rows.size()));
            m_rows.append(row);
            m_sources.append(batch.source);
        }
        endInsertRows();
    }
}

void PodTableModel::refreshAges()
{
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, Age), index(int(m_rows.size()) - 1, Age), {Qt::DisplayRole});
}

int PodTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PodTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PodTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[]
        = {"NAME", "READY", "STATUS", "RESTARTS", "AGE", "DEPLOYMENT", "IP", "NODE"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

QVariant PodTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const core::PodRow &p = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return p.name;
        case Ready:
            return p.ready;
        case Status:
            return p.status;
        case Restarts:
            return p.restarts;
        case Age:
            return p.created.isValid() ? core::humanDuration(std::chrono::milliseconds(
                       p.created.msecsTo(QDateTime::currentDateTimeUtc())))
                                       : QStringLiteral("<unknown>");
        case Deployment:
            return p.owner;
        case Ip:
            return p.ip;
        case Node:
            return p.node;
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Status || index.column() == Ready) {
            switch (p.health) {
            case core::Health::Good:
                return {};
            case core::Health::Progressing:
                return Palette::warning();
            case core::Health::Bad:
                return Palette::bad();
            }
        }
        if (index.column() == Restarts && p.restartCount > 0)
            return Palette::warning();
        return {};
    case Qt::BackgroundRole:
        return p.health == core::Health::Bad ? QVariant(Palette::tint(Palette::bad())) : QVariant();
    case HealthRole:
        return int(p.health);
    default:
        return {};
    }
}

bool PodSortFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const auto *model = static_cast<const PodTableModel *>(sourceModel());
    const core::PodRow &a = model->pod(left.row());
    const core::PodRow &b = model->pod(right.row());
    switch (left.column()) {
    case PodTableModel::Ready:
        return a.ready < b.ready;
    case PodTableModel::Status:
        return int(a.health) != int(b.health) ? int(a.health) > int(b.health) : a.status < b.status;
    case PodTableModel::Restarts:
        return a.restartCount < b.restartCount;
    case PodTableModel::Age:
        return a.created > b.created;
    case PodTableModel::Deployment:
        return a.owner != b.owner ? a.owner < b.owner : a.name < b.name;
    case PodTableModel::Ip:
        return a.ip < b.ip;
    case PodTableModel::Node:
        return a.node < b.node;
    default:
        return a.name < b.name;
    }
}

void PodSortFilterModel::setNeedle(const QString &needle)
{
    m_needle = needle.trimmed();
    invalidateFilter();
}

bool PodSortFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const QString &needle = m_needle;
    if (needle.isEmpty())
        return true;
    const core::PodRow &p = static_cast<const PodTableModel *>(sourceModel())->pod(sourceRow);
    return p.name.contains(needle, Qt::CaseInsensitive)
           || p.status.contains(needle, Qt::CaseInsensitive)
           || p.node.contains(needle, Qt::CaseInsensitive)
           || p.owner.contains(needle, Qt::CaseInsensitive);
}

} // namespace ragdr::ui
