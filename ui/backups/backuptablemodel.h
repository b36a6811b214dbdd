#pragma once

#include "core/backup/backupcatalog.h"

#include <QAbstractTableModel>
#include <QDateTime>

#include <optional>

namespace ragdr::ui {

// Every backup of every listed region, one row each, updated in place when a new listing
// arrives; plus, while a backup runs, a row for it with its progress.
class BackupTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackupTableModel)

public:
    enum Column { Id, Created, Age, Size, Region, Verification, Copies, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole,
        ProgressRole, // 0..1 for the running backup's row, else invalid
        KeyRole,      // "region/id"
        RunningRole,
    };

    explicit BackupTableModel(QObject *parent = nullptr);

    void setListings(const QList<core::RegionListing> &listings);
    void setRunning(const QString &region, double fraction, const QString &step);
    void clearRunning();

    const core::BackupEntry *entry(int row) const;
    int rowOf(const QString &region, const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section,
                        Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Running
    {
        QString region;
        double fraction = -1;
        QString step;
    };
    QVariant entryData(const core::BackupEntry &e, int column, int role) const;
    QVariant runningData(int column, int role) const;
    static QString keyOf(const core::BackupEntry &e) { return e.region + QLatin1Char('/') + e.id; }

    QList<core::BackupEntry> m_entries;
    std::optional<Running> m_running; // shown as the last source row
};

} // namespace ragdr::ui
