#include "backuptablemodel.h"

#include "../common/palette.h"

#include "core/base/duration.h"
#include "core/base/files.h"

#include <QFont>
#include <QHash>

namespace ragdr::ui {

using core::BackupEntry;

BackupTableModel::BackupTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void BackupTableModel::setListings(const QList<core::RegionListing> &listings)
{
    QList<BackupEntry> fresh;
    for (const core::RegionListing &l : listings)
        fresh.append(l.entries);
    QHash<QString, int> freshIndex;
    for (int i = 0; i < fresh.size(); ++i)
        freshIndex.insert(keyOf(fresh.at(i)), i);

    // Rows that went away, from the bottom so that the indexes above stay valid.
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        if (!freshIndex.contains(keyOf(m_entries.at(row)))) {
            beginRemoveRows({}, row, row);
            m_entries.removeAt(row);
            endRemoveRows();
        }
    }
    QHash<QString, int> current;
    for (int row = 0; row < m_entries.size(); ++row)
        current.insert(keyOf(m_entries.at(row)), row);
    for (const BackupEntry &e : std::as_const(fresh)) {
        const auto it = current.constFind(keyOf(e));
        if (it != current.cend()) {
            m_entries[*it] = e;
            Q_EMIT dataChanged(index(*it, 0), index(*it, ColumnCount - 1));
        } else {
            const int row = int(m_entries.size());
            beginInsertRows({}, row, row);
            m_entries.append(e);
            endInsertRows();
        }
    }
}

void BackupTableModel::setRunning(const QString &region, double fraction, const QString &step)
{
    const int row = int(m_entries.size());
    if (!m_running) {
        beginInsertRows({}, row, row);
        m_running = Running{region, fraction, step};
        endInsertRows();
        return;
    }
    m_running = Running{region, fraction, step};
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void BackupTableModel::clearRunning()
{
    if (!m_running)
        return;
    const int row = int(m_entries.size());
    beginRemoveRows({}, row, row);
    m_running.reset();
    endRemoveRows();
}

const BackupEntry *BackupTableModel::entry(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr;
}

int BackupTableModel::rowOf(const QString &region, const QString &id) const
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).region == region && m_entries.at(row).id == id)
            return row;
    }
    return -1;
}

int BackupTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size()) + (m_running ? 1 : 0);
}

int BackupTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BackupTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id:
        return tr("Backup");
    case Created:
        return tr("Created (UTC)");
    case Age:
        return tr("Age");
    case Size:
        return tr("Size");
    case Region:
        return tr("Region");
    case Verification:
        return tr("Verification");
    case Copies:
        return tr("Copies");
    }
    return {};
}

QVariant BackupTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.row() == m_entries.size())
        return m_running ? runningData(index.column(), role) : QVariant();
    return entryData(m_entries.at(index.row()), index.column(), role);
}

QVariant BackupTableModel::runningData(int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Id:
            return tr("new backup…");
        case Created:
            return tr("running");
        case Region:
            return m_running->region;
        case Verification:
            return m_running->step;
        default:
            return {};
        }
    case ProgressRole:
        return column == Verification ? QVariant(m_running->fraction) : QVariant();
    case RunningRole:
        return true;
    case SortRole:
        return QDateTime::currentDateTimeUtc().addYears(100);
    case Qt::FontRole: {
        QFont f;
        f.setItalic(true);
        return f;
    }
    default:
        return {};
    }
}

QVariant BackupTableModel::entryData(const BackupEntry &e, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Id:
            return e.isLatest ? tr("%1   ← latest").arg(e.id) : e.id;
        case Created:
            return e.createdAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Age:
            return core::formatAge(e.createdAt);
        case Size:
            return core::files::humanSize(e.size);
        case Region:
            return e.region;
        case Verification:
            return e.verificationText();
        case Copies:
            return e.copiesText();
        }
        return {};
    case Qt::ToolTipRole:
        if (column == Verification) {
            if (const core::VerificationRecord *v = e.lastVerification()) {
                QString tip = tr("%1 verification, %2, by %3")
                                  .arg(core::levelName(v->level),
                                       v->at.toString(Qt::ISODate),
                                       v->by);
                if (!v->reason.isEmpty())
                    tip += QLatin1Char('\n') + v->reason;
                for (const QString &u : v->unchecked)
                    tip += tr("\nnot checked: %1").arg(u);
                return tip;
            }
            return e.manifestProblem.isEmpty() ? QVariant() : QVariant(e.manifestProblem);
        }
        if (column == Copies) {
            QStringList lines;
            for (const core::CopyState &c : e.copies)
                lines.append(QStringLiteral("%1: %2%3")
                                 .arg(c.repository,
                                      core::CopyState::name(c.state),
                                      c.detail.isEmpty()
                                          ? QString()
                                          : QStringLiteral(" (") + c.detail + QLatin1Char(')')));
            return lines.join(QLatin1Char('\n'));
        }
        return {};
    case Qt::ForegroundRole:
        if (column == Verification) {
            if (e.isCorrupt())
                return Palette::bad();
            if (e.isVerifiedGood())
                return Palette::good();
            return Palette::warning();
        }
        if (column == Copies && e.goodCopies() < e.copies.size())
            return Palette::warning();
        return {};
    case Qt::BackgroundRole:
        return e.isCorrupt() ? QVariant(Palette::tint(Palette::bad())) : QVariant();
    case Qt::FontRole:
        if (e.isLatest) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::TextAlignmentRole:
        return column == Size || column == Age ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                               : QVariant();
    case SortRole:
        switch (column) {
        case Size:
            return e.size;
        case Created:
        case Age:
        case Id:
            return e.createdAt;
        default:
            return entryData(e, column, Qt::DisplayRole);
        }
    case KeyRole:
        return keyOf(e);
    case RunningRole:
        return false;
    default:
        return {};
    }
}

} // namespace ragdr::ui
