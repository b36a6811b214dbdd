#pragma once

#include "resourcewatcher.h"

#include "core/profile/profile.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace ragdr::core {

class KubeConnections;

// The live view of every region's cluster for the console: on one worker thread ("cluster"), a
// watcher each for the pods of the profile's deployments, for the deployments and for the events
// of the region's namespace. Rows are derived there (PodRow, DeploymentRow, EventRow in
// WatchBatch::derived); what arrives on the GUI thread is ready to show, at most every 100 ms.
class ClusterService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterService)

public:
    enum class Feed { Pods, Deployments, Events };
    Q_ENUM(Feed)

    ClusterService(Profile profile, KubeConnections *connections, QObject *parent = nullptr);
    ~ClusterService() override; // stops the watchers and the thread

    void start();

Q_SIGNALS:
    void batch(const QString &region,
               ragdr::core::ClusterService::Feed feed,
               const ragdr::core::WatchBatch &batch);
    // connected: the watches run; otherwise detail says why not (reconnecting, no kubeconfig ...).
    void connectionChanged(const QString &region, bool connected, const QString &detail);

private:
    void startRegion(const Region &region); // on the worker thread

    Profile m_profile;
    KubeConnections *m_connections;
    QThread m_thread;
    QObject *m_home = nullptr; // lives on m_thread; parent of the watchers
};

} // namespace ragdr::core
