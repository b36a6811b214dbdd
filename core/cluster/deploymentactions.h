#pragma once

#include "kubeapi.h"

#include "core/ops/operationresult.h"
#include "core/ops/progress.h"

#include <QJsonObject>

#include <optional>

namespace ragdr::core {

// May the current user do this? Asked with a SelfSubjectAccessReview, as k9s does before it
// scales.
struct AccessCheck
{
    bool allowed = false;
    QString reason;
    QString describe; // "patch deployments/scale rag-api in rag-prod"
};

// What kubectl scale, kubectl rollout restart and kubectl rollout status do, for one deployment
// on one API server, blocking on an operation's thread. Each journals through the operation that
// runs it; each waits for the rollout kubectl's way (observedGeneration, updated, available).
class DeploymentActions final
{
public:
    explicit DeploymentActions(KubeApi &api);

    Result<AccessCheck> mayI(const QString &verb,
                             const QString &resource,
                             const QString &subresource,
                             const QString &name,
                             const CancelToken &cancel,
                             const QString &group = QStringLiteral("apps"));

    // Sets spec.replicas through the /scale subresource with the resourceVersion it read (PUT), so
    // that a change made by someone else in between is refused (409) instead of overwritten. When
    // expectedCurrent is set, the scale is refused unless the deployment still has that many
    // replicas (what the commander saw when deciding).
    OperationResult scale(const QString &name,
                          int replicas,
                          std::optional<int> expectedCurrent,
                          const Progress &progress,
                          int timeoutSecs = 300);

    // The strategic-merge patch of kubectl.kubernetes.io/restartedAt that kubectl rollout restart
    // sends (fieldManager kubectl-rollout); a paused deployment is refused as kubectl refuses it.
    OperationResult restart(const QString &name, const Progress &progress, int timeoutSecs = 300);

    // Waits until kubectl rollout status would say "successfully rolled out" (or fails as it
    // would: progress deadline exceeded, timeout).
    OperationResult waitForRollout(const QString &name,
                                   const Progress &progress,
                                   int timeoutSecs,
                                   const QString &what);

private:
    QString describeTarget(const QString &name) const;

    KubeApi &m_api;
};

} // namespace ragdr::core
