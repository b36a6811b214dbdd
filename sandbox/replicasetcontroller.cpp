#include "replicasetcontroller.h"

#include "kubedefaults.h"
#include "kubeobject.h"

#include "core/cluster/kubetime.h"

#include <QJsonArray>

#include <algorithm>
#include <limits>

namespace ragdr::sandbox {

using namespace kubeobject;
namespace kubetime = core::kubetime;

namespace {
constexpr int kBurst = 500;             // pods created or deleted per ReplicaSet and tick
constexpr int kEventsPerSyncLimit = 10; // SuccessfulCreate/Delete events per ReplicaSet and tick
} // namespace

ReplicaSetController::ReplicaSetController(KubeStore &store,
                                           const SimClock &clock,
                                           KubeEventRecorder &events,
                                           QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_events(events)
{
    connect(&m_store, &KubeStore::changed, this, &ReplicaSetController::onChanged);
}

void ReplicaSetController::onChanged(const KubeChange &change)
{
    const QString key = KubeStore::keyOf(change.object);
    if (change.resource == KubeResource::ReplicaSets && change.type == "DELETED") {
        if (m_podsByReplicaSet.value(key).isEmpty())
            m_counts.remove(key);
        // Garbage collection (background propagation) on the next tick: never write to the
        // store while it is telling its watchers about this change.
        for (const QString &pod : m_podsByReplicaSet.value(key))
            m_orphanedPods.insert(pod);
        return;
    }
    if (change.resource != KubeResource::Pods)
        return;
    const QString rs = controllerOwner(change.object, QStringLiteral("ReplicaSet"));
    const QString rsKey = rs.isEmpty() ? QString() : KubeStore::key(nsOf(change.object), rs);
    // Move this pod's contribution to its ReplicaSet's counts from the old state to the new.
    const PodFlags before = m_podFlags.value(key);
    if (!before.replicaSet.isEmpty() && before.counted) {
        Counts &c = m_counts[before.replicaSet];
        --c.replicas;
        if (before.ready) {
            --c.ready;
            --c.available;
        }
    }
    if (change.type == "DELETED") {
        m_podFlags.remove(key);
    } else {
        const QString phase = change.object.value(QLatin1String("status"))
                                  .toObject()
                                  .value(QLatin1String("phase"))
                                  .toString();
        PodFlags after;
        after.replicaSet = rsKey;
        after.counted = !isDeleting(change.object) && phase != QLatin1String("Succeeded")
                        && phase != QLatin1String("Failed");
        after.ready = podReady(change.object);
        if (!rsKey.isEmpty() && after.counted) {
            Counts &c = m_counts[rsKey];
            ++c.replicas;
            if (after.ready) {
                ++c.ready;
                ++c.available; // minReadySeconds is 0
            }
        }
        m_podFlags.insert(key, after);
    }
    if (rsKey.isEmpty())
        return;
    if (change.type == "ADDED") {
        m_podsByReplicaSet[rsKey].insert(key);
    } else if (change.type == "DELETED") {
        auto it = m_podsByReplicaSet.find(rsKey);
        if (it != m_podsByReplicaSet.end()) {
            it->remove(key);
            if (it->isEmpty())
                m_podsByReplicaSet.erase(it);
        }
    }
}

void ReplicaSetController::collectGarbage()
{
    const QSet<QString> pods = std::exchange(m_orphanedPods, {});
    for (const QString &key : pods) {
        QJsonObject pod = m_store.get(KubeResource::Pods, key);
        if (pod.isEmpty() || isDeleting(pod))
            continue;
        QJsonObject m = meta(pod);
        m.insert(QStringLiteral("deletionTimestamp"), kubetime::format(m_clock.now()));
        m.insert(QStringLiteral("deletionGracePeriodSeconds"), 30);
        pod.insert(QStringLiteral("metadata"), m);
        m_store.update(KubeResource::Pods, pod);
    }
}

QJsonObject ReplicaSetController::newPodFor(const QJsonObject &replicaSet)
{
    const QJsonObject podTemplate = replicaSet.value(QLatin1String("spec"))
                                        .toObject()
                                        .value(QLatin1String("template"))
                                        .toObject();
    QJsonObject templateMeta = podTemplate.value(QLatin1String("metadata")).toObject();
    QString name;
    do {
        name = nameOf(replicaSet) + QLatin1Char('-') + randomSuffix(5);
    } while (m_store.contains(KubeResource::Pods, KubeStore::key(nsOf(replicaSet), name)));
    QJsonObject podMeta{{QStringLiteral("name"), name},
                        {QStringLiteral("generateName"),
                         QString(nameOf(replicaSet) + QLatin1Char('-'))},
                        {QStringLiteral("namespace"), nsOf(replicaSet)},
                        {QStringLiteral("labels"), templateMeta.value(QLatin1String("labels"))},
                        {QStringLiteral("ownerReferences"),
                         QJsonArray{ownerReference(replicaSet,
                                                   QStringLiteral("apps/v1"),
                                                   QStringLiteral("ReplicaSet"))}}};
    if (templateMeta.contains(QLatin1String("annotations")))
        podMeta.insert(QStringLiteral("annotations"),
                       templateMeta.value(QLatin1String("annotations")));
    QJsonObject spec = KubeDefaults::podSpec(podTemplate.value(QLatin1String("spec")).toObject());
    spec.insert(QStringLiteral("serviceAccountName"), QStringLiteral("default"));
    spec.insert(QStringLiteral("serviceAccount"), QStringLiteral("default"));
    spec.insert(QStringLiteral("enableServiceLinks"), true);
    spec.insert(QStringLiteral("preemptionPolicy"), QStringLiteral("PreemptLowerPriority"));
    spec.insert(QStringLiteral("priority"), 0);
    return {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("kind"), QStringLiteral("Pod")},
            {QStringLiteral("metadata"), podMeta},
            {QStringLiteral("spec"), spec},
            {QStringLiteral("status"),
             QJsonObject{{QStringLiteral("phase"), QStringLiteral("Pending")},
                         {QStringLiteral("qosClass"), QStringLiteral("BestEffort")}}}};
}

void ReplicaSetController::sync(const QString &key)
{
    const QJsonObject rs = m_store.get(KubeResource::ReplicaSets, key);
    if (rs.isEmpty())
        return;
    const int desired
        = rs.value(QLatin1String("spec")).toObject().value(QLatin1String("replicas")).toInt(1);
    const int current = counts(key).replicas;
    const int burst = m_bulk ? std::numeric_limits<int>::max() : kBurst;
    int events = 0;
    if (current < desired) {
        const int create = std::min(desired - current, burst);
        for (int i = 0; i < create; ++i) {
            const QJsonObject pod = m_store.create(KubeResource::Pods, newPodFor(rs));
            if (events++ < kEventsPerSyncLimit) {
                m_events.record(rs,
                                QString(),
                                QStringLiteral("Normal"),
                                QStringLiteral("SuccessfulCreate"),
                                QStringLiteral("Created pod: %1").arg(nameOf(pod)),
                                QStringLiteral("replicaset-controller"));
            }
        }
    } else if (current > desired) {
        QList<QJsonObject> active;
        for (const QString &podKey : m_podsByReplicaSet.value(key)) {
            if (m_podFlags.value(podKey).counted)
                active.append(m_store.get(KubeResource::Pods, podKey));
        }
        // ActivePodsWithRanks: unscheduled, then pending, then not ready, then the youngest go first.
        auto rank = [](const QJsonObject &pod) {
            const QJsonObject status = pod.value(QLatin1String("status")).toObject();
            const bool scheduled = !pod.value(QLatin1String("spec"))
                                        .toObject()
                                        .value(QLatin1String("nodeName"))
                                        .toString()
                                        .isEmpty();
            const bool running = status.value(QLatin1String("phase")).toString()
                                 == QLatin1String("Running");
            return std::make_tuple(scheduled,
                                   running,
                                   podReady(pod),
                                   // younger first: invert the timestamp order
                                   QString(meta(pod)
                                               .value(QLatin1String("creationTimestamp"))
                                               .toString()));
        };
        std::sort(active.begin(), active.end(), [&](const QJsonObject &a, const QJsonObject &b) {
            const auto ra = rank(a);
            const auto rb = rank(b);
            if (std::get<0>(ra) != std::get<0>(rb))
                return !std::get<0>(ra);
            if (std::get<1>(ra) != std::get<1>(rb))
                return !std::get<1>(ra);
            if (std::get<2>(ra) != std::get<2>(rb))
                return !std::get<2>(ra);
            return std::get<3>(ra) > std::get<3>(rb);
        });
        const int remove = std::min(int(active.size()) - desired, burst);
        for (int i = 0; i < remove; ++i) {
            QJsonObject pod = active.at(i);
            QJsonObject m = meta(pod);
            m.insert(QStringLiteral("deletionTimestamp"), kubetime::format(m_clock.now()));
            m.insert(QStringLiteral("deletionGracePeriodSeconds"),
                     pod.value(QLatin1String("spec"))
                         .toObject()
                         .value(QLatin1String("terminationGracePeriodSeconds"))
                         .toInt(30));
            pod.insert(QStringLiteral("metadata"), m);
            m_store.update(KubeResource::Pods, pod);
            if (events++ < kEventsPerSyncLimit) {
                m_events.record(rs,
                                QString(),
                                QStringLiteral("Normal"),
                                QStringLiteral("SuccessfulDelete"),
                                QStringLiteral("Deleted pod: %1").arg(nameOf(pod)),
                                QStringLiteral("replicaset-controller"));
            }
        }
    }
}

void ReplicaSetController::writeStatus(const QString &key)
{
    QJsonObject rs = m_store.get(KubeResource::ReplicaSets, key);
    if (rs.isEmpty())
        return;
    const Counts c = counts(key);
    rs.insert(QStringLiteral("status"),
              QJsonObject{{QStringLiteral("replicas"), c.replicas},
                          {QStringLiteral("fullyLabeledReplicas"), c.replicas},
                          {QStringLiteral("readyReplicas"), c.ready},
                          {QStringLiteral("availableReplicas"), c.available},
                          {QStringLiteral("observedGeneration"),
                           meta(rs).value(QLatin1String("generation")).toInt(1)}});
    m_store.update(KubeResource::ReplicaSets, rs);
}

} // namespace ragdr::sandbox
