#pragma once

#include "core/restore/restoreoperations.h"

#include <QAbstractTableModel>

namespace ragdr::ui {

// Restores and rollbacks as `ragdr restores` lists them, newest first, with their RTO and RPO
// against the profile's targets.
class RestoreHistoryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestoreHistoryModel)

public:
    enum Column { Started, Kind, Status, Backup, Rto, Rpo, ColumnCount };

    RestoreHistoryModel(core::Profile profile, QObject *parent = nullptr);

    void setEntries(const QList<core::RestoreListing::Entry> &entries);
    const core::RestoreListing::Entry *entry(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    core::Profile m_profile;
    QList<core::RestoreListing::Entry> m_entries;
};

// The databases kept for a rollback, with their size.
class KeptDatabaseModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeptDatabaseModel)

public:
    enum Column { Name, Kind, Since, Size, ColumnCount };

    explicit KeptDatabaseModel(QObject *parent = nullptr);

    void setDatabases(const QList<core::KeptDatabase> &databases);
    const core::KeptDatabase *database(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<core::KeptDatabase> m_databases;
};

} // namespace ragdr::ui
