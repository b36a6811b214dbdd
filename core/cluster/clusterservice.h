#pragma once

#include "resourcewatcher.h"

#include "core/profile/profile.h"

#include <QDateTime>
#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <chrono>
#include <memory>

namespace ragdr::core {

class KubeConnections;

// One region's connection as the console shows it: the watch of every feed (the pods of the
// profile's deployments, the deployments, the namespace's events), or why there is no client at
// all, and when the API server was last heard from.
struct RegionStatus
{
    struct Feed
    {
        QString name; // "pods", "deployments", "events"
        ResourceWatcher::State state = ResourceWatcher::State::Listing;
        QString detail;     // why it is not watching, and when it tries again
        int httpStatus = 0; // what made it reconnect; 403: the feed is denied
        bool denied() const { return httpStatus == 403; }
    };

    QString region;
    QString clientError;       // the client could not be built: why (and there are no feeds)
    QStringList retryTriggers; // the kubeconfig files whose change retries a failed client
    QList<Feed> feeds;
    QDateTime lastHeard; // UTC; invalid: not heard from yet

    // Every feed is watched.
    bool live() const;
    // The feeds that are not watched (listing, reconnecting), in feed order.
    QList<Feed> troubled() const;
};

// The live view of every region's cluster for the console: on one worker thread ("cluster"), a
// watcher each for the pods of the profile's deployments, for the deployments and for the events
// of the region's namespace. Rows are derived there (PodRow, DeploymentRow, EventRow in
// WatchBatch::derived); what arrives on the GUI thread is ready to show, at most every 100 ms.
// The worker thread never waits (credentials that take a plugin run are waited for by events),
// so stopping it is always quick. A region whose client could not be built (no kubeconfig, a
// broken one, a context that is not there) is tried again on refresh() and whenever one of its
// kubeconfig files changes.
class ClusterService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterService)

public:
    enum class Feed { Pods, Deployments, Events };
    Q_ENUM(Feed)

    ClusterService(Profile profile, KubeConnections *connections, QObject *parent = nullptr);
    ~ClusterService() override; // stops the watchers and the thread

    // Before start(): how long a watch may stay silent (ResourceWatcher::setInactivityTimeout).
    void setInactivityTimeout(std::chrono::milliseconds timeout) { m_inactivity = timeout; }

    void start();
    // Builds a region's client again if it failed, or lists and watches every feed afresh.
    // Empty: every region.
    void refresh(const QString &region = {});

    RegionStatus status(const QString &region) const { return m_status.value(region); }
    static QString feedName(Feed feed);

Q_SIGNALS:
    void batch(const QString &region,
               ragdr::core::ClusterService::Feed feed,
               const ragdr::core::WatchBatch &batch);
    void statusChanged(const ragdr::core::RegionStatus &status);

private:
    void startRegion(const Region &region);
    void buildRegion(const Region &region, int generation); // on the worker thread
    void clientFailed(const QString &region, int generation, const QString &why);
    void updateFeed(const QString &region,
                    int generation,
                    int index,
                    const std::function<void(RegionStatus::Feed &)> &change);
    void heard(const QString &region, int generation, const QDateTime &at);
    void watchKubeconfigs();
    void publish(const QString &region);

    Profile m_profile;
    KubeConnections *m_connections;
    std::chrono::milliseconds m_inactivity = ResourceWatcher::kInactivityTimeout;
    QThread m_thread;
    QObject *m_home = nullptr; // lives on m_thread; parent of one object per region
    QHash<QString, RegionStatus> m_status;
    QHash<QString, int> m_generation; // a refresh makes the old watchers' late news stale
    QFileSystemWatcher m_kubeconfigs;
    QTimer m_kubeconfigSettle; // editors write in steps: retry once they are done
};

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::RegionStatus)
