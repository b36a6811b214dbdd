#pragma once

#include <QJsonObject>
#include <QString>

namespace ragdr::core {

// What `kubectl rollout status deployment/NAME` says about a Deployment, ported from kubectl's
// pkg/polymorphichelpers/rollout_status.go (DeploymentStatusViewer.Status), so that the console
// waits for exactly the condition kubectl waits for. The message is kubectl's without the
// trailing newline.
struct RolloutStatus
{
    QString message;
    bool done = false;   // "successfully rolled out"
    bool failed = false; // kubectl returns an error: progress deadline exceeded, wrong revision

    // revision > 0 also requires the deployment.kubernetes.io/revision annotation to equal it
    // (kubectl's --revision).
    static RolloutStatus forDeployment(const QJsonObject &deployment, qint64 revision = 0);
};

} // namespace ragdr::core
