#pragma once

#include "core/cluster/clusterservice.h"
#include "core/profile/profile.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace ragdr::core {
class Workspace;
struct OperationResult;
} // namespace ragdr::core

namespace ragdr::ui {

class DeploymentCard;
class EventTableModel;
class LogView;
class PodSortFilterModel;
class PodTableModel;

// One region's cluster: the connection line (every feed's watch, when the server was last heard,
// Refresh), a card per deployment (scale, restart), the pods live (filterable, coloured by
// health), the selected pod's log, and the namespace's events.
class RegionView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegionView)

public:
    RegionView(core::Workspace *workspace, const core::Region &region, QWidget *parent = nullptr);

    void apply(core::ClusterService::Feed feed, const core::WatchBatch &batch);
    void setStatus(const core::RegionStatus &status);

Q_SIGNALS:
    void refreshRequested();

public:
    PodTableModel *pods() const { return m_pods; }
    QString region() const { return m_region.name; }

private:
    void askScale(const QString &deployment, int replicas);
    void askRestart(const QString &deployment);
    void watchOperation(const QString &deployment, class QObject *operation);
    void onPodSelected();
    void showStatus();

    core::Workspace *m_workspace;
    core::Region m_region;
    core::RegionStatus m_status;
    QLabel *m_connection;
    QPushButton *m_refresh;
    QHash<QString, DeploymentCard *> m_cards;
    PodTableModel *m_pods;
    PodSortFilterModel *m_podProxy;
    QTableView *m_podTable;
    QLineEdit *m_filter;
    QLabel *m_podCount;
    LogView *m_log;
    EventTableModel *m_events;
    QTimer m_ages;
    QTimer m_heardTicker; // "last event N s ago" moves on by itself
};

} // namespace ragdr::ui
