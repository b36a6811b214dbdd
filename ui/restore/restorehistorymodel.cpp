#include "restorehistorymodel.h"

#include "../common/palette.h"

#include "core/base/duration.h"
#include "core/base/files.h"

namespace ragdr::ui {

namespace {

QString against(std::optional<qint64> secs, qint64 target)
{
    return secs ? QStringLiteral("%1 / %2").arg(core::formatDuration(*secs),
                                                core::formatDuration(target))
                : QStringLiteral("–");
}

} // namespace

RestoreHistoryModel::RestoreHistoryModel(core::Profile profile, QObject *parent)
    : QAbstractTableModel(parent)
    , m_profile(std::move(profile))
{}

void RestoreHistoryModel::setEntries(const QList<core::RestoreListing::Entry> &entries)
{
    if (m_entries.size() != entries.size()) {
        beginResetModel();
        m_entries = entries;
        endResetModel();
    } else if (!entries.isEmpty()) {
        m_entries = entries;
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

const core::RestoreListing::Entry *RestoreHistoryModel::entry(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr;
}

int RestoreHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RestoreHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RestoreHistoryModel::data(const QModelIndex &index, int role) const
{
    const core::RestoreListing::Entry *e = entry(index.row());
    if (!e)
        return {};
    const core::RestoreState &s = e->state;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Started:
            return s.startedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case Kind:
            return s.kind;
        case Status:
            if (e->interrupted)
                return tr("INTERRUPTED in %1").arg(s.step);
            if (e->alive && s.waiting.startsWith(QLatin1String("continue:")))
                return tr("waiting to start %1").arg(s.waiting.mid(9));
            if (e->alive)
                return tr("running: %1").arg(s.step);
            return s.phaseName();
        case Backup:
            return s.backupId;
        case Rto:
            return against(s.times.rtoSecs(), m_profile.rtoSecs);
        case Rpo:
            return against(s.times.rpoSecs(), m_profile.rpoSecs);
        }
    }
    if (role == Qt::ForegroundRole) {
        if (index.column() == Status) {
            if (e->interrupted || s.phase == core::RestoreState::Phase::Failed)
                return Palette::bad();
            if (s.phase == core::RestoreState::Phase::Done)
                return Palette::good();
            return Palette::warning();
        }
        const auto secs = index.column() == Rto   ? s.times.rtoSecs()
                          : index.column() == Rpo ? s.times.rpoSecs()
                                                  : std::nullopt;
        const qint64 target = index.column() == Rto ? m_profile.rtoSecs : m_profile.rpoSecs;
        if (secs)
            return *secs <= target ? Palette::good() : Palette::bad();
    }
    if (role == Qt::ToolTipRole)
        return s.message.isEmpty() ? s.id : s.id + QStringLiteral(": ") + s.message;
    return {};
}

QVariant RestoreHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const QStringList headers{tr("Started (UTC)"),
                              tr("Kind"),
                              tr("Result"),
                              tr("Backup"),
                              tr("RTO / target"),
                              tr("RPO / target")};
    return headers.value(section);
}

KeptDatabaseModel::KeptDatabaseModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void KeptDatabaseModel::setDatabases(const QList<core::KeptDatabase> &databases)
{
    if (m_databases.size() != databases.size()) {
        beginResetModel();
        m_databases = databases;
        endResetModel();
    } else if (!databases.isEmpty()) {
        m_databases = databases;
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

const core::KeptDatabase *KeptDatabaseModel::database(int row) const
{
    return row >= 0 && row < m_databases.size() ? &m_databases.at(row) : nullptr;
}

int KeptDatabaseModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_databases.size());
}

int KeptDatabaseModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KeptDatabaseModel::data(const QModelIndex &index, int role) const
{
    const core::KeptDatabase *d = database(index.row());
    if (!d || role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name:
        return d->name;
    case Kind:
        return d->kind;
    case Since:
        return d->at.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case Size:
        return d->bytes >= 0 ? core::files::humanSize(d->bytes) : QStringLiteral("?");
    }
    return {};
}

QVariant KeptDatabaseModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const QStringList headers{tr("Kept database"), tr("Kind"), tr("Since (UTC)"), tr("Size")};
    return headers.value(section);
}

} // namespace ragdr::ui
