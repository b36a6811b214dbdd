#pragma once

#include "core/cluster/clusterrows.h"
#include "core/cluster/resourcewatcher.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSortFilterProxyModel>

namespace ragdr::ui {

// The pods of one region, updated in place from watch batches: dataChanged only for the rows whose
// cells changed (in runs of adjacent rows), one insert for the rows that came, and a reset only
// when most rows changed at once, so that thousands of pods cost the GUI thread little.
class PodTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PodTableModel)

public:
    enum Column { Name, Ready, Status, Restarts, Age, Deployment, Ip, Node, ColumnCount };
    enum Role { HealthRole = Qt::UserRole };

    explicit PodTableModel(QObject *parent = nullptr);

    void apply(const core::WatchBatch &batch);
    const core::PodRow &pod(int row) const { return m_rows.at(row); }
    int rowOf(const QString &name) const { return m_index.value(name, -1); }
    // AGE moves on without events: call it now and then.
    void refreshAges();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section,
                        Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void rebuildIndex();

    QList<core::PodRow> m_rows;
    QList<QString> m_sources; // which watcher each row came from
    QHash<QString, int> m_index;
};

// Sorts by the model's rows directly (no QVariant per comparison) and filters on name, status,
// node and deployment.
class PodSortFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PodSortFilterModel)

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setNeedle(const QString &needle);

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_needle;
};

} // namespace ragdr::ui
