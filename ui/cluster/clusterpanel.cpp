#include "clusterpanel.h"

#include "../common/paneltitle.h"

#include "regionview.h"

#include "core/cluster/clusterservice.h"
#include "core/ops/workspace.h"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

namespace ragdr::ui {

ClusterPanel::ClusterPanel(core::Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_service(std::make_unique<core::ClusterService>(workspace->profile(), &workspace->kube()))
    , m_tabs(new QTabWidget(this))
{
    setObjectName(QStringLiteral("clusterPanel"));
    auto *title = panelTitle(tr("Cluster"), this);
    m_tabs->setObjectName(QStringLiteral("regionTabs"));
    for (const core::Region &region : workspace->profile().regions) {
        auto *view = new RegionView(workspace, region, m_tabs);
        m_views.insert(region.name, view);
        connect(view, &RegionView::refreshRequested, this, [this, name = region.name] {
            m_service->refresh(name);
        });
        m_tabs->addTab(view, tr("%1 · %2").arg(region.name, region.kube.context));
    }
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_tabs, 1);

    connect(m_service.get(),
            &core::ClusterService::batch,
            this,
            [this](const QString &region,
                   core::ClusterService::Feed feed,
                   const core::WatchBatch &batch) {
                if (RegionView *view = m_views.value(region))
                    view->apply(feed, batch);
            });
    connect(m_service.get(),
            &core::ClusterService::statusChanged,
            this,
            [this](const core::RegionStatus &status) {
                if (RegionView *view = m_views.value(status.region))
                    view->setStatus(status);
            });
    m_service->start();
}

ClusterPanel::~ClusterPanel() = default;

void ClusterPanel::showRegion(const QString &region)
{
    if (RegionView *view = m_views.value(region))
        m_tabs->setCurrentWidget(view);
}

} // namespace ragdr::ui
