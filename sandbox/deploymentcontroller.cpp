#include "deploymentcontroller.h"

#include "kubeobject.h"

#include "core/cluster/kubetime.h"

#include <QJsonArray>

#include <algorithm>

namespace ragdr::sandbox {

using namespace kubeobject;
namespace kubetime = core::kubetime;

namespace {
const QString kRevision = QStringLiteral("deployment.kubernetes.io/revision");
const QString kHashLabel = QStringLiteral("pod-template-hash");
} // namespace

DeploymentController::DeploymentController(KubeStore &store,
                                           const SimClock &clock,
                                           KubeEventRecorder &events,
                                           const ReplicaSetController &replicaSets,
                                           QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_events(events)
    , m_replicaSets(replicaSets)
{
    connect(&m_store, &KubeStore::changed, this, &DeploymentController::onChanged);
}

void DeploymentController::onChanged(const KubeChange &change)
{
    const QString key = KubeStore::keyOf(change.object);
    if (change.resource == KubeResource::ReplicaSets) {
        const QString owner = controllerOwner(change.object, QStringLiteral("Deployment"));
        const QString deploymentKey = KubeStore::key(nsOf(change.object), owner);
        if (change.type == "ADDED" && !owner.isEmpty())
            m_replicaSetsByDeployment[deploymentKey].insert(key);
        else if (change.type == "DELETED")
            m_replicaSetsByDeployment[deploymentKey].remove(key);
    } else if (change.resource == KubeResource::Deployments && change.type == "DELETED") {
        // Garbage collection on the next tick, as for pods.
        for (const QString &rs : m_replicaSetsByDeployment.value(key))
            m_orphanedReplicaSets.insert(rs);
        m_deployments.remove(key);
    }
}

void DeploymentController::collectGarbage()
{
    const QSet<QString> replicaSets = std::exchange(m_orphanedReplicaSets, {});
    for (const QString &rs : replicaSets)
        m_store.remove(KubeResource::ReplicaSets, rs);
}

void DeploymentController::scaleReplicaSet(const QJsonObject &deployment,
                                           const QString &rsKey,
                                           int replicas)
{
    QJsonObject rs = m_store.get(KubeResource::ReplicaSets, rsKey);
    QJsonObject spec = rs.value(QLatin1String("spec")).toObject();
    const int old = spec.value(QLatin1String("replicas")).toInt();
    if (old == replicas)
        return;
    spec.insert(QStringLiteral("replicas"), replicas);
    rs.insert(QStringLiteral("spec"), spec);
    QJsonObject m = meta(rs);
    QJsonObject annotations = m.value(QLatin1String("annotations")).toObject();
    const int desired = deployment.value(QLatin1String("spec"))
                            .toObject()
                            .value(QLatin1String("replicas"))
                            .toInt(1);
    annotations.insert(QStringLiteral("deployment.kubernetes.io/desired-replicas"),
                       QString::number(desired));
    m.insert(QStringLiteral("annotations"), annotations);
    m.insert(QStringLiteral("generation"), m.value(QLatin1String("generation")).toInt(1) + 1);
    rs.insert(QStringLiteral("metadata"), m);
    m_store.update(KubeResource::ReplicaSets, rs);
    m_events.record(deployment,
                    QString(),
                    QStringLiteral("Normal"),
                    QStringLiteral("ScalingReplicaSet"),
                    QStringLiteral("Scaled %1 replica set %2 from %3 to %4")
                        .arg(replicas > old ? QStringLiteral("up") : QStringLiteral("down"),
                             nameOf(rs))
                        .arg(old)
                        .arg(replicas),
                    QStringLiteral("deployment-controller"));
}

void DeploymentController::sync(const QString &key)
{
    QJsonObject deployment = m_store.get(KubeResource::Deployments, key);
    if (deployment.isEmpty())
        return;
    DeploymentSim &dsim = m_deployments[key];
    dsim.createdNewReplicaSet = false;
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    const int replicas = spec.value(QLatin1String("replicas")).toInt(1);
    const bool paused = spec.value(QLatin1String("paused")).toBool();
    const QJsonObject podTemplate = spec.value(QLatin1String("template")).toObject();
    const QString hash = templateHash(podTemplate);

    QString newKey;
    QList<QJsonObject> replicaSets;
    int maxRevision = 0;
    for (const QString &rsKey : m_replicaSetsByDeployment.value(key)) {
        const QJsonObject rs = m_store.get(KubeResource::ReplicaSets, rsKey);
        if (rs.isEmpty())
            continue;
        replicaSets.append(rs);
        maxRevision = std::max(maxRevision, annotation(rs, kRevision).toInt());
        if (meta(rs).value(QLatin1String("labels")).toObject().value(kHashLabel).toString() == hash)
            newKey = rsKey;
    }
    std::sort(replicaSets.begin(),
              replicaSets.end(),
              [](const QJsonObject &a, const QJsonObject &b) {
                  return meta(a).value(QLatin1String("creationTimestamp")).toString()
                         < meta(b).value(QLatin1String("creationTimestamp")).toString();
              });

    if (newKey.isEmpty() && paused) {
        // A paused deployment does not roll out; only scaling reaches its newest ReplicaSet.
        if (!replicaSets.isEmpty())
            scaleReplicaSet(deployment, KubeStore::keyOf(replicaSets.last()), replicas);
        return;
    }
    QJsonObject m = meta(deployment);
    if (newKey.isEmpty()) {
        QJsonObject rsTemplate = podTemplate;
        QJsonObject templateMeta = rsTemplate.value(QLatin1String("metadata")).toObject();
        QJsonObject labels = templateMeta.value(QLatin1String("labels")).toObject();
        labels.insert(kHashLabel, hash);
        templateMeta.insert(QStringLiteral("labels"), labels);
        rsTemplate.insert(QStringLiteral("metadata"), templateMeta);
        QJsonObject selector = spec.value(QLatin1String("selector")).toObject();
        QJsonObject matchLabels = selector.value(QLatin1String("matchLabels")).toObject();
        matchLabels.insert(kHashLabel, hash);
        selector.insert(QStringLiteral("matchLabels"), matchLabels);
        const int revision = maxRevision + 1;
        const int maxSurge = resolveIntOrPercent(spec.value(QLatin1String("strategy"))
                                                     .toObject()
                                                     .value(QLatin1String("rollingUpdate"))
                                                     .toObject()
                                                     .value(QLatin1String("maxSurge")),
                                                 replicas,
                                                 true,
                                                 0);
        QJsonObject rs{
            {QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
            {QStringLiteral("kind"), QStringLiteral("ReplicaSet")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"),
                          QString(nameOf(deployment) + QLatin1Char('-') + hash)},
                         {QStringLiteral("namespace"), nsOf(deployment)},
                         {QStringLiteral("labels"), labels},
                         {QStringLiteral("generation"), 1},
                         {QStringLiteral("annotations"),
                          QJsonObject{{kRevision, QString::number(revision)},
                                      {QStringLiteral("deployment.kubernetes.io/desired-replicas"),
                                       QString::number(replicas)},
                                      {QStringLiteral("deployment.kubernetes.io/max-replicas"),
                                       QString::number(replicas + maxSurge)}}},
                         {QStringLiteral("ownerReferences"),
                          QJsonArray{ownerReference(deployment,
                                                    QStringLiteral("apps/v1"),
                                                    QStringLiteral("Deployment"))}}}},
            {QStringLiteral("spec"),
             QJsonObject{{QStringLiteral("replicas"), 0},
                         {QStringLiteral("selector"), selector},
                         {QStringLiteral("template"), rsTemplate}}},
            {QStringLiteral("status"), QJsonObject{{QStringLiteral("replicas"), 0}}}};
        newKey = KubeStore::keyOf(m_store.create(KubeResource::ReplicaSets, rs));
        dsim.createdNewReplicaSet = true;
        dsim.lastProgressMs = m_clock.nowMs();
        QJsonObject annotations = m.value(QLatin1String("annotations")).toObject();
        annotations.insert(kRevision, QString::number(revision));
        m.insert(QStringLiteral("annotations"), annotations);
        deployment.insert(QStringLiteral("metadata"), m);
        deployment = m_store.update(KubeResource::Deployments, deployment);
        replicaSets.append(m_store.get(KubeResource::ReplicaSets, newKey));
    } else {
        QJsonObject rs = m_store.get(KubeResource::ReplicaSets, newKey);
        int revision = annotation(rs, kRevision).toInt();
        // An older template again (rollout undo): its ReplicaSet becomes the newest revision.
        if (revision < maxRevision) {
            revision = maxRevision + 1;
            QJsonObject rsMeta = meta(rs);
            QJsonObject annotations = rsMeta.value(QLatin1String("annotations")).toObject();
            annotations.insert(kRevision, QString::number(revision));
            rsMeta.insert(QStringLiteral("annotations"), annotations);
            rs.insert(QStringLiteral("metadata"), rsMeta);
            m_store.update(KubeResource::ReplicaSets, rs);
        }
        if (annotation(deployment, kRevision) != QString::number(revision)) {
            QJsonObject annotations = m.value(QLatin1String("annotations")).toObject();
            annotations.insert(kRevision, QString::number(revision));
            m.insert(QStringLiteral("annotations"), annotations);
            deployment.insert(QStringLiteral("metadata"), m);
            deployment = m_store.update(KubeResource::Deployments, deployment);
        }
    }
    dsim.newReplicaSet = nameOf(m_store.get(KubeResource::ReplicaSets, newKey));
    if (paused)
        return;

    const QJsonObject strategy = spec.value(QLatin1String("strategy")).toObject();
    auto rsReplicas = [this](const QString &rsKey) {
        return m_store.get(KubeResource::ReplicaSets, rsKey)
            .value(QLatin1String("spec"))
            .toObject()
            .value(QLatin1String("replicas"))
            .toInt();
    };
    QList<QString> oldKeys;
    for (const QJsonObject &rs : replicaSets) {
        const QString rsKey = KubeStore::keyOf(rs);
        if (rsKey != newKey && rsReplicas(rsKey) > 0)
            oldKeys.append(rsKey);
    }

    if (strategy.value(QLatin1String("type")).toString() == QLatin1String("Recreate")) {
        bool oldPodsLeft = false;
        for (const QString &rsKey : oldKeys) {
            scaleReplicaSet(deployment, rsKey, 0);
            oldPodsLeft = oldPodsLeft || m_replicaSets.hasPods(rsKey);
        }
        if (!oldPodsLeft)
            scaleReplicaSet(deployment, newKey, replicas);
        return;
    }
    if (oldKeys.isEmpty()) {
        scaleReplicaSet(deployment, newKey, replicas);
    } else {
        const QJsonObject rolling = strategy.value(QLatin1String("rollingUpdate")).toObject();
        const int maxSurge
            = resolveIntOrPercent(rolling.value(QLatin1String("maxSurge")), replicas, true, 1);
        int maxUnavailable = resolveIntOrPercent(rolling.value(QLatin1String("maxUnavailable")),
                                                 replicas,
                                                 false,
                                                 0);
        if (maxSurge == 0 && maxUnavailable == 0)
            maxUnavailable = 1;
        // Scale the new ReplicaSet up within maxSurge (NewRSNewReplicas).
        int current = 0;
        for (const QJsonObject &rs : replicaSets)
            current += rsReplicas(KubeStore::keyOf(rs));
        const int maxTotal = replicas + maxSurge;
        if (current < maxTotal) {
            const int wanted = std::min(rsReplicas(newKey) + maxTotal - current, replicas);
            if (wanted > rsReplicas(newKey))
                scaleReplicaSet(deployment, newKey, wanted);
        }
        // Scale old ones down as far as availability allows (reconcileOldReplicaSets).
        int all = 0;
        for (const QJsonObject &rs : replicaSets)
            all += rsReplicas(KubeStore::keyOf(rs));
        const int minAvailable = replicas - maxUnavailable;
        const int newUnavailable = rsReplicas(newKey) - m_replicaSets.counts(newKey).available;
        int budget = all - minAvailable - newUnavailable;
        // Old pods that are not available can go without lowering availability.
        for (const QString &rsKey : oldKeys) {
            const ReplicaSetController::Counts c = m_replicaSets.counts(rsKey);
            const int unhealthy = std::max(0, rsReplicas(rsKey) - c.available);
            if (unhealthy > 0 && budget > 0) {
                const int cut = std::min(unhealthy, budget);
                scaleReplicaSet(deployment, rsKey, rsReplicas(rsKey) - cut);
                budget -= cut;
            }
        }
        for (const QString &rsKey : oldKeys) {
            if (budget <= 0)
                break;
            const int cut = std::min(rsReplicas(rsKey), budget);
            if (cut > 0) {
                scaleReplicaSet(deployment, rsKey, rsReplicas(rsKey) - cut);
                budget -= cut;
            }
        }
    }
    // revisionHistoryLimit: old, empty ReplicaSets beyond it are deleted, oldest first.
    const int limit = spec.value(QLatin1String("revisionHistoryLimit")).toInt(10);
    QList<QJsonObject> empty;
    for (const QJsonObject &rs : replicaSets) {
        const QString rsKey = KubeStore::keyOf(rs);
        if (rsKey != newKey && rsReplicas(rsKey) == 0 && !m_replicaSets.hasPods(rsKey))
            empty.append(rs);
    }
    for (qsizetype i = 0; i + limit < empty.size(); ++i)
        m_store.remove(KubeResource::ReplicaSets, KubeStore::keyOf(empty.at(i)));
}

void DeploymentController::writeStatus(const QString &key)
{
    QJsonObject deployment = m_store.get(KubeResource::Deployments, key);
    if (deployment.isEmpty())
        return;
    DeploymentSim &dsim = m_deployments[key];
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    const int desired = spec.value(QLatin1String("replicas")).toInt(1);
    const QString newKey = KubeStore::key(nsOf(deployment), dsim.newReplicaSet);
    int replicas = 0;
    int ready = 0;
    int available = 0;
    for (const QString &rsKey : m_replicaSetsByDeployment.value(key)) {
        const ReplicaSetController::Counts c = m_replicaSets.counts(rsKey);
        replicas += c.replicas;
        ready += c.ready;
        available += c.available;
    }
    const int updated = dsim.newReplicaSet.isEmpty() ? 0 : m_replicaSets.counts(newKey).replicas;
    const QJsonObject rolling = spec.value(QLatin1String("strategy"))
                                    .toObject()
                                    .value(QLatin1String("rollingUpdate"))
                                    .toObject();
    const int maxUnavailable
        = resolveIntOrPercent(rolling.value(QLatin1String("maxUnavailable")), desired, false, 0);

    QJsonObject status = deployment.value(QLatin1String("status")).toObject();
    const QJsonObject countsNow{{QStringLiteral("u"), updated},
                                {QStringLiteral("r"), ready},
                                {QStringLiteral("a"), available},
                                {QStringLiteral("t"), replicas}};
    const bool progressed = countsNow != dsim.lastCounts;
    if (progressed) {
        dsim.lastCounts = countsNow;
        dsim.lastProgressMs = m_clock.nowMs();
    }
    const bool complete = updated == desired && replicas == updated && available == updated;

    QJsonArray oldConditions = status.value(QLatin1String("conditions")).toArray();
    auto previous = [&](const QString &type) {
        for (const QJsonValue &c : oldConditions) {
            if (c.toObject().value(QLatin1String("type")).toString() == type)
                return c.toObject();
        }
        return QJsonObject();
    };
    const QString nowText = kubetime::format(m_clock.now());
    auto condition = [&](const QString &type,
                         const QString &value,
                         const QString &reason,
                         const QString &message) {
        const QJsonObject old = previous(type);
        QJsonObject c{{QStringLiteral("type"), type},
                      {QStringLiteral("status"), value},
                      {QStringLiteral("reason"), reason},
                      {QStringLiteral("message"), message},
                      {QStringLiteral("lastUpdateTime"), nowText},
                      {QStringLiteral("lastTransitionTime"), nowText}};
        if (old.value(QLatin1String("status")).toString() == value)
            c.insert(QStringLiteral("lastTransitionTime"),
                     old.value(QLatin1String("lastTransitionTime")));
        if (old.value(QLatin1String("status")).toString() == value
            && old.value(QLatin1String("reason")).toString() == reason
            && old.value(QLatin1String("message")).toString() == message) {
            c.insert(QStringLiteral("lastUpdateTime"), old.value(QLatin1String("lastUpdateTime")));
        }
        return c;
    };
    QJsonArray conditions;
    if (available >= desired - maxUnavailable)
        conditions.append(condition(QStringLiteral("Available"),
                                    QStringLiteral("True"),
                                    QStringLiteral("MinimumReplicasAvailable"),
                                    QStringLiteral("Deployment has minimum availability.")));
    else
        conditions.append(
            condition(QStringLiteral("Available"),
                      QStringLiteral("False"),
                      QStringLiteral("MinimumReplicasUnavailable"),
                      QStringLiteral("Deployment does not have minimum availability.")));
    const QString rsName = dsim.newReplicaSet;
    const QJsonObject oldProgressing = previous(QStringLiteral("Progressing"));
    const int deadline = spec.value(QLatin1String("progressDeadlineSeconds")).toInt(600);
    if (spec.value(QLatin1String("paused")).toBool()) {
        conditions.append(condition(QStringLiteral("Progressing"),
                                    QStringLiteral("Unknown"),
                                    QStringLiteral("DeploymentPaused"),
                                    QStringLiteral("Deployment is paused")));
    } else if (complete) {
        conditions.append(
            condition(QStringLiteral("Progressing"),
                      QStringLiteral("True"),
                      QStringLiteral("NewReplicaSetAvailable"),
                      QStringLiteral("ReplicaSet \"%1\" has successfully progressed.").arg(rsName)));
    } else if (dsim.createdNewReplicaSet) {
        conditions.append(condition(QStringLiteral("Progressing"),
                                    QStringLiteral("True"),
                                    QStringLiteral("NewReplicaSetCreated"),
                                    QStringLiteral("Created new replica set \"%1\"").arg(rsName)));
    } else if (m_clock.nowMs() - dsim.lastProgressMs > qint64(deadline) * 1000) {
        conditions.append(
            condition(QStringLiteral("Progressing"),
                      QStringLiteral("False"),
                      QStringLiteral("ProgressDeadlineExceeded"),
                      QStringLiteral("ReplicaSet \"%1\" has timed out progressing.").arg(rsName)));
    } else if (progressed || oldProgressing.isEmpty()
               || oldProgressing.value(QLatin1String("reason")).toString()
                      == QLatin1String("NewReplicaSetAvailable")
               || oldProgressing.value(QLatin1String("reason")).toString()
                      == QLatin1String("ProgressDeadlineExceeded")) {
        QJsonObject c = condition(QStringLiteral("Progressing"),
                                  QStringLiteral("True"),
                                  QStringLiteral("ReplicaSetUpdated"),
                                  QStringLiteral("ReplicaSet \"%1\" is progressing.").arg(rsName));
        c.insert(QStringLiteral("lastUpdateTime"), nowText);
        conditions.append(c);
    } else {
        conditions.append(oldProgressing);
    }

    QJsonObject next{{QStringLiteral("observedGeneration"),
                      meta(deployment).value(QLatin1String("generation")).toInt(1)},
                     {QStringLiteral("replicas"), replicas},
                     {QStringLiteral("updatedReplicas"), updated},
                     {QStringLiteral("readyReplicas"), ready},
                     {QStringLiteral("availableReplicas"), available},
                     {QStringLiteral("conditions"), conditions}};
    if (desired - available > 0)
        next.insert(QStringLiteral("unavailableReplicas"), desired - available);
    // apps/v1 omits zero counts (omitempty).
    for (const char *field : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"}) {
        if (next.value(QLatin1String(field)).toInt() == 0)
            next.remove(QLatin1String(field));
    }
    deployment.insert(QStringLiteral("status"), next);
    m_store.update(KubeResource::Deployments, deployment);
}

} // namespace ragdr::sandbox
