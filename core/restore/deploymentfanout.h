#pragma once

#include "core/ops/operationresult.h"
#include "core/ops/progress.h"

#include <QList>
#include <QStringList>

#include <functional>
#include <memory>

namespace ragdr::core {

class DeploymentActions;
class KubeApi;
class KubeConnection;

// Runs one action on several deployments at once (the cut-over stops rag-api and rag-worker
// together, and brings them back together), each on a thread with an API client of its own: a
// KubeApi belongs to the thread that made it. Results come back in the order of the names.
class DeploymentFanOut final
{
public:
    using Action = std::function<OperationResult(DeploymentActions &actions,
                                                 KubeApi &api,
                                                 const QString &deployment,
                                                 const Progress &progress)>;

    static QList<OperationResult> run(const std::shared_ptr<KubeConnection> &connection,
                                      const QStringList &deployments,
                                      const Progress &progress,
                                      const Action &action);

    // "rag-api: <message>; rag-worker: <message>" for those that failed; empty when none did.
    static QString failures(const QStringList &deployments, const QList<OperationResult> &results);
};

} // namespace ragdr::core
