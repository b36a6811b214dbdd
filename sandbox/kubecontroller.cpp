#include "kubecontroller.h"

#include "clusterseed.h"

namespace ragdr::sandbox {

namespace {
constexpr qint64 kSeedAgeMs = 3600 * 1000; // the cluster looks an hour old at start
constexpr qint64 kSeedStepMs = 5000;
constexpr int kSeedSteps = 12;
} // namespace

KubeController::KubeController(KubeStore &store, KubeClusterConfig config, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_config(std::move(config))
    , m_events(store, m_clock)
    , m_kubelet(store, m_config, m_clock, m_events)
    , m_replicaSets(store, m_clock, m_events)
    , m_deployments(store, m_clock, m_events, m_replicaSets)
{
    m_timer.setInterval(m_config.tickMs);
    connect(&m_timer, &QTimer::timeout, this, &KubeController::tick);
}

void KubeController::start()
{
    m_clock.setOffsetMs(-kSeedAgeMs);
    m_replicaSets.setBulk(true);
    ClusterSeed::seed(m_store, m_config);
    // Let the workloads come up as they would have long ago, in simulated time, 5 s a step.
    for (int i = 0; i < kSeedSteps; ++i) {
        tick();
        m_clock.setOffsetMs(m_clock.offsetMs() + kSeedStepMs);
    }
    m_clock.setOffsetMs(0);
    m_replicaSets.setBulk(false);
    // Nobody watched the seeding; its history would only crowd out what comes next.
    m_store.dropHistory();
    m_timer.start();
}

void KubeController::tick()
{
    m_deployments.collectGarbage();
    m_replicaSets.collectGarbage();
    m_kubelet.tick();
    const QStringList deployments = m_store.objects(KubeResource::Deployments).keys();
    for (const QString &key : deployments)
        m_deployments.sync(key);
    const QStringList replicaSets = m_store.objects(KubeResource::ReplicaSets).keys();
    for (const QString &key : replicaSets) {
        m_replicaSets.sync(key);
        m_replicaSets.writeStatus(key);
    }
    for (const QString &key : deployments)
        m_deployments.writeStatus(key);
}

} // namespace ragdr::sandbox
