#include "clusterservice.h"

#include "clusterqueries.h"
#include "clusterrows.h"
#include "kubeconfigloader.h"
#include "kubeconnections.h"
#include "kubepaths.h"

#include <QFileInfo>

#include <sys/resource.h>
#include <unistd.h>

namespace ragdr::core {

namespace {

constexpr int kWatcherNice = 10;
constexpr int kKubeconfigSettleMs = 500;

QString holderName(const QString &region)
{
    return QStringLiteral("region:") + region;
}

} // namespace

bool RegionStatus::live() const
{
    return clientError.isEmpty() && !feeds.isEmpty() && troubled().isEmpty();
}

QList<RegionStatus::Feed> RegionStatus::troubled() const
{
    QList<Feed> out;
    for (const Feed &f : feeds) {
        if (f.state != ResourceWatcher::State::Watching)
            out.append(f);
    }
    return out;
}

ClusterService::ClusterService(Profile profile, KubeConnections *connections, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_connections(connections)
{
    qRegisterMetaType<WatchBatch>();
    qRegisterMetaType<RegionStatus>();
    m_thread.setObjectName(QStringLiteral("cluster"));
    m_home = new QObject;
    m_home->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_home, &QObject::deleteLater);

    m_kubeconfigSettle.setSingleShot(true);
    m_kubeconfigSettle.setInterval(kKubeconfigSettleMs);
    auto settle = [this] { m_kubeconfigSettle.start(); };
    connect(&m_kubeconfigs, &QFileSystemWatcher::fileChanged, this, settle);
    connect(&m_kubeconfigs, &QFileSystemWatcher::directoryChanged, this, settle);
    connect(&m_kubeconfigSettle, &QTimer::timeout, this, [this] {
        for (const Region &region : std::as_const(m_profile.regions)) {
            if (!m_status.value(region.name).clientError.isEmpty())
                startRegion(region);
        }
    });
}

ClusterService::~ClusterService()
{
    // Watchers stop (their replies aborted) on their own thread before it ends. That thread
    // never waits for anything, so this returns at once.
    if (m_thread.isRunning()) {
        QMetaObject::invokeMethod(
            m_home,
            [home = m_home] {
                for (ResourceWatcher *w : home->findChildren<ResourceWatcher *>())
                    w->stop();
            },
            Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
}

QString ClusterService::feedName(Feed feed)
{
    switch (feed) {
    case Feed::Pods:
        return QStringLiteral("pods");
    case Feed::Deployments:
        return QStringLiteral("deployments");
    case Feed::Events:
        return QStringLiteral("events");
    }
    return {};
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
    for (const Region &region : std::as_const(m_profile.regions))
        startRegion(region);
}

void ClusterService::refresh(const QString &region)
{
    for (const Region &r : std::as_const(m_profile.regions)) {
        if (region.isEmpty() || r.name == region)
            startRegion(r);
    }
}

void ClusterService::startRegion(const Region &region)
{
    const int generation = ++m_generation[region.name];
    RegionStatus status;
    status.region = region.name;
    // When the server was last heard from stays true across a rebuild.
    status.lastHeard = m_status.value(region.name).lastHeard;
    m_status.insert(region.name, status);
    publish(region.name);
    QMetaObject::invokeMethod(m_home,
                              [this, region, generation] { buildRegion(region, generation); });
}

void ClusterService::buildRegion(const Region &region, int generation)
{
    // The region's watchers so far go first; their late news is stale (an older generation).
    delete m_home->findChild<QObject *>(holderName(region.name), Qt::FindDirectChildrenOnly);
    auto connection = m_connections->forRegion(region.name);
    if (!connection) {
        QMetaObject::invokeMethod(this,
                                  [this,
                                   name = region.name,
                                   generation,
                                   why = connection.error().message] {
                                      clientFailed(name, generation, why);
                                  });
        return;
    }
    auto *holder = new QObject(m_home);
    holder->setObjectName(holderName(region.name));
    const QString ns = (*connection)->ns();
    const QStringList podSelectors = ClusterQueries::podSelectors(m_profile);
    int index = 0;
    auto watch = [&](Feed feed,
                     const QString &name,
                     const QString &path,
                     const QUrlQuery &selector,
                     ResourceWatcher::Transform transform) {
        auto *w = new ResourceWatcher(*connection, path, selector, holder);
        w->setTransform(std::move(transform));
        w->setInactivityTimeout(m_inactivity);
        if (feed == Feed::Events)
            w->setBatchFilter(&EventRow::keepNewest);
        const QString regionName = region.name;
        const int feedIndex = index++;
        connect(w, &ResourceWatcher::batch, this, [this, regionName, feed](const WatchBatch &b) {
            Q_EMIT batch(regionName, feed, b);
        });
        connect(w,
                &ResourceWatcher::stateChanged,
                this,
                [this, regionName, generation, feedIndex, name](ResourceWatcher::State s,
                                                                const QString &detail,
                                                                int httpStatus) {
                    updateFeed(regionName, generation, feedIndex, [&](RegionStatus::Feed &f) {
                        f.name = name;
                        f.state = s;
                        f.detail = detail;
                        f.httpStatus = s == ResourceWatcher::State::Reconnecting ? httpStatus : 0;
                    });
                });
        connect(w,
                &ResourceWatcher::heard,
                this,
                [this, regionName, generation](const QDateTime &at) {
                    heard(regionName, generation, at);
                });
        w->start();
    };
    const QList<DeploymentSpec> deployments = m_profile.deployments;
    for (const QString &selector : podSelectors) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("labelSelector"), selector);
        const QString name = podSelectors.size() == 1 ? feedName(Feed::Pods)
                                                      : QStringLiteral("pods %1").arg(selector);
        watch(Feed::Pods, name, kubepaths::pods(ns), query, [deployments](const QJsonObject &o) {
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
    watch(Feed::Deployments,
          feedName(Feed::Deployments),
          kubepaths::deployments(ns),
          {},
          [](const QJsonObject &o) {
              return QVariant::fromValue(DeploymentRow::from(o, QDateTime::currentDateTimeUtc()));
          });
    watch(Feed::Events, feedName(Feed::Events), kubepaths::events(ns), {}, [](const QJsonObject &o) {
        return QVariant::fromValue(EventRow::from(o, QDateTime::currentDateTimeUtc()));
    });
}

void ClusterService::clientFailed(const QString &region, int generation, const QString &why)
{
    if (m_generation.value(region) != generation)
        return;
    RegionStatus &status = m_status[region];
    status.clientError = why;
    status.feeds.clear();
    watchKubeconfigs();
    publish(region);
}

void ClusterService::updateFeed(const QString &region,
                                int generation,
                                int index,
                                const std::function<void(RegionStatus::Feed &)> &change)
{
    if (m_generation.value(region) != generation)
        return;
    RegionStatus &status = m_status[region];
    while (status.feeds.size() <= index)
        status.feeds.append(RegionStatus::Feed());
    change(status.feeds[index]);
    publish(region);
}

void ClusterService::heard(const QString &region, int generation, const QDateTime &at)
{
    if (m_generation.value(region) != generation)
        return;
    RegionStatus &status = m_status[region];
    if (!status.lastHeard.isValid() || at > status.lastHeard) {
        status.lastHeard = at;
        publish(region);
    }
}

void ClusterService::watchKubeconfigs()
{
    // The files a failed region's client reads, and the directories that hold them, so that a
    // file created, replaced (editors rename over it) or fixed is noticed.
    QStringList paths;
    for (const Region &region : std::as_const(m_profile.regions)) {
        auto it = m_status.find(region.name);
        if (it == m_status.end() || it->clientError.isEmpty())
            continue;
        it->retryTriggers = KubeconfigSearch::fromEnvironment(region.kube.kubeconfig).precedence();
        for (const QString &file : std::as_const(it->retryTriggers)) {
            const QFileInfo info(file);
            if (info.exists())
                paths.append(info.absoluteFilePath());
            if (info.absoluteDir().exists())
                paths.append(info.absolutePath());
        }
    }
    paths.removeDuplicates();
    const QStringList watched = m_kubeconfigs.files() + m_kubeconfigs.directories();
    if (!watched.isEmpty())
        m_kubeconfigs.removePaths(watched);
    if (!paths.isEmpty())
        m_kubeconfigs.addPaths(paths);
}

void ClusterService::publish(const QString &region)
{
    Q_EMIT statusChanged(m_status.value(region));
}

} // namespace ragdr::core
