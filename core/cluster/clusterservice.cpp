#include "clusterservice.h"

#include "clusterqueries.h"
#include "clusterrows.h"
#include "kubeconnections.h"
#include "kubepaths.h"

#include <sys/resource.h>
#include <unistd.h>

namespace ragdr::core {

namespace {
constexpr int kWatcherNice = 10;
}

ClusterService::ClusterService(Profile profile, KubeConnections *connections, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_connections(connections)
{
    qRegisterMetaType<WatchBatch>();
    m_thread.setObjectName(QStringLiteral("cluster"));
    m_home = new QObject;
    m_home->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_home, &QObject::deleteLater);
}

ClusterService::~ClusterService()
{
    // Watchers stop (their replies aborted) on their own thread before it ends.
    QMetaObject::invokeMethod(
        m_home,
        [home = m_home] {
            for (ResourceWatcher *w : home->findChildren<ResourceWatcher *>())
                w->stop();
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void ClusterService::start()
{
    if (m_thread.isRunning())
        return;
    m_thread.start();
    // Watching is background work: on a busy machine the window that shows it comes first. A
    // nice value (not SCHED_IDLE) lowers the thread's share without ever starving it; threads it
    // starts, such as the network's, inherit it.
    QMetaObject::invokeMethod(m_home, [] { ::setpriority(PRIO_PROCESS, ::gettid(), kWatcherNice); });
    for (const Region &region : m_profile.regions)
        QMetaObject::invokeMethod(m_home, [this, region] { startRegion(region); });
}

void ClusterService::startRegion(const Region &region)
{
    auto connection = m_connections->forRegion(region.name);
    if (!connection) {
        Q_EMIT connectionChanged(region.name, false, connection.error().message);
        return;
    }
    const QString ns = (*connection)->ns();
    auto watch = [&](Feed feed,
                     const QString &path,
                     const QUrlQuery &selector,
                     ResourceWatcher::Transform transform) {
        auto *w = new ResourceWatcher(*connection, path, selector, m_home);
        w->setTransform(std::move(transform));
        if (feed == Feed::Events)
            w->setBatchFilter(&EventRow::keepNewest);
        connect(w,
                &ResourceWatcher::batch,
                this,
                [this, name = region.name, feed](const WatchBatch &b) {
                    Q_EMIT batch(name, feed, b);
                });
        if (feed == Feed::Pods) {
            connect(w,
                    &ResourceWatcher::stateChanged,
                    this,
                    [this, name = region.name](ResourceWatcher::State s, const QString &detail) {
                        Q_EMIT connectionChanged(name,
                                                 s == ResourceWatcher::State::Watching,
                                                 detail);
                    });
        }
        w->start();
    };
    const QList<DeploymentSpec> deployments = m_profile.deployments;
    for (const QString &selector : ClusterQueries::podSelectors(m_profile)) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("labelSelector"), selector);
        watch(Feed::Pods, kubepaths::pods(ns), query, [deployments](const QJsonObject &o) {
            PodRow row = PodRow::from(o, QDateTime::currentDateTimeUtc());
            const QJsonObject labels = o.value(QLatin1String("metadata"))
                                           .toObject()
                                           .value(QLatin1String("labels"))
                                           .toObject();
            for (const DeploymentSpec &d : deployments) {
                if (selectorMatches(d.selector, labels))
                    row.owner = d.name;
            }
            return QVariant::fromValue(row);
        });
    }
    watch(Feed::Deployments, kubepaths::deployments(ns), {}, [](const QJsonObject &o) {
        return QVariant::fromValue(DeploymentRow::from(o, QDateTime::currentDateTimeUtc()));
    });
    watch(Feed::Events, kubepaths::events(ns), {}, [](const QJsonObject &o) {
        return QVariant::fromValue(EventRow::from(o, QDateTime::currentDateTimeUtc()));
    });
}

} // namespace ragdr::core
