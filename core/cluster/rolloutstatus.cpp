#include "rolloutstatus.h"

#include <QJsonArray>

// Ported from kubernetes/kubectl pkg/polymorphichelpers/rollout_status.go and the helpers it uses
// from pkg/util/deployment/deployment.go (Revision, GetDeploymentCondition, TimedOutReason).

namespace ragdr::core {

namespace {

qint64 integer(const QJsonObject &o, QLatin1String key, qint64 fallback = 0)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? v.toInteger() : fallback;
}

RolloutStatus failure(QString message)
{
    return {std::move(message), false, true};
}

RolloutStatus waiting(QString message)
{
    return {std::move(message), false, false};
}

} // namespace

RolloutStatus RolloutStatus::forDeployment(const QJsonObject &deployment, qint64 revision)
{
    const QJsonObject meta = deployment.value(QLatin1String("metadata")).toObject();
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    const QJsonObject status = deployment.value(QLatin1String("status")).toObject();
    const QString name = meta.value(QLatin1String("name")).toString();

    if (revision > 0) {
        const QJsonValue annotation = meta.value(QLatin1String("annotations"))
                                          .toObject()
                                          .value(
                                              QLatin1String("deployment.kubernetes.io/revision"));
        qint64 deploymentRevision = 0;
        if (!annotation.isUndefined()) {
            bool ok = false;
            deploymentRevision = annotation.toString().toLongLong(&ok);
            if (!ok) {
                return failure(
                    QStringLiteral(
                        "cannot get the revision of deployment \"%1\": invalid revision \"%2\"")
                        .arg(name, annotation.toString()));
            }
        }
        if (revision != deploymentRevision) {
            return failure(
                QStringLiteral("desired revision (%1) is different from the running revision (%2)")
                    .arg(revision)
                    .arg(deploymentRevision));
        }
    }

    // Until the controller has seen the latest spec, the status describes an older one.
    if (integer(meta, QLatin1String("generation"))
        > integer(status, QLatin1String("observedGeneration")))
        return waiting(QStringLiteral("Waiting for deployment spec update to be observed..."));

    for (const QJsonValue &c : status.value(QLatin1String("conditions")).toArray()) {
        const QJsonObject condition = c.toObject();
        if (condition.value(QLatin1String("type")).toString() != QLatin1String("Progressing"))
            continue;
        if (condition.value(QLatin1String("reason")).toString()
            == QLatin1String("ProgressDeadlineExceeded"))
            return failure(
                QStringLiteral("deployment \"%1\" exceeded its progress deadline").arg(name));
        break;
    }
    const qint64 updated = integer(status, QLatin1String("updatedReplicas"));
    const qint64 replicas = integer(status, QLatin1String("replicas"));
    const qint64 available = integer(status, QLatin1String("availableReplicas"));
    if (spec.value(QLatin1String("replicas")).isDouble()
        && updated < integer(spec, QLatin1String("replicas"))) {
        return waiting(QStringLiteral("Waiting for deployment \"%1\" rollout to finish: %2 out of "
                                      "%3 new replicas have been updated...")
                           .arg(name)
                           .arg(updated)
                           .arg(integer(spec, QLatin1String("replicas"))));
    }
    if (replicas > updated) {
        return waiting(QStringLiteral("Waiting for deployment \"%1\" rollout to finish: %2 old "
                                      "replicas are pending termination...")
                           .arg(name)
                           .arg(replicas - updated));
    }
    if (available < updated) {
        return waiting(QStringLiteral("Waiting for deployment \"%1\" rollout to finish: %2 of %3 "
                                      "updated replicas are available...")
                           .arg(name)
                           .arg(available)
                           .arg(updated));
    }
    return {QStringLiteral("deployment \"%1\" successfully rolled out").arg(name), true, false};
}

} // namespace ragdr::core
