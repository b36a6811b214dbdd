#pragma once

#include "deploymentactions.h"

#include "core/ops/operationrunner.h"

#include <optional>

namespace ragdr::core {

class Workspace;

// Starts the cluster operations on a workspace's runner: the console's buttons and the CLI's
// commands come here, so that checks, confirmations, journal entries and messages are the same.
// Each is journalled with who (the journal's actor), what, which region, context and namespace.
class ClusterOperations final
{
public:
    // A scale to 0 takes pods away: it needs confirmation naming the deployment. expectedCurrent:
    // the replicas the commander saw (refused if it changed since).
    static Operation *scale(Workspace &ws,
                            const QString &region,
                            const QString &deployment,
                            int replicas,
                            std::optional<int> expectedCurrent,
                            const QString &confirmation);
    static Operation *restart(Workspace &ws, const QString &region, const QString &deployment);
    static Operation *rolloutStatus(Workspace &ws,
                                    const QString &region,
                                    const QString &deployment,
                                    int timeoutSecs);
    static Operation *exportManifests(Workspace &ws, const QString &region, const QString &dir);
    // Whether the user may scale and restart a deployment (SelfSubjectAccessReviews); not
    // journalled. Evidence: {"scale": bool, "restart": bool, "reason": ...}.
    static Operation *checkAccess(Workspace &ws, const QString &region, const QString &deployment);
};

} // namespace ragdr::core
