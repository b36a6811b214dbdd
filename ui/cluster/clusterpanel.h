#pragma once

#include <QHash>
#include <QWidget>

#include <memory>

class QTabWidget;

namespace ragdr::core {
class ClusterService;
class Workspace;
} // namespace ragdr::core

namespace ragdr::ui {

class RegionView;

// Cluster: a tab per region with its deployments, pods, logs and events, kept live by one
// ClusterService (list + watch on a worker thread).
class ClusterPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterPanel)

public:
    explicit ClusterPanel(core::Workspace *workspace, QWidget *parent = nullptr);
    ~ClusterPanel() override;

    void showRegion(const QString &region);
    RegionView *regionView(const QString &region) const { return m_views.value(region); }

private:
    std::unique_ptr<core::ClusterService> m_service;
    QTabWidget *m_tabs;
    QHash<QString, RegionView *> m_views;
};

} // namespace ragdr::ui
