#include "deploymentfanout.h"

#include "core/cluster/deploymentactions.h"
#include "core/cluster/kubeapi.h"

#include <QtConcurrent>

namespace ragdr::core {

QList<OperationResult> DeploymentFanOut::run(const std::shared_ptr<KubeConnection> &connection,
                                             const QStringList &deployments,
                                             const Progress &progress,
                                             const Action &action)
{
    QList<QFuture<OperationResult>> running;
    const int n = int(deployments.size());
    for (int i = 0; i < n; ++i) {
        const Progress part = progress.sub(double(i) / n, double(i + 1) / n);
        const QString name = deployments.at(i);
        running.append(QtConcurrent::run([connection, name, part, action] {
            KubeApi api(connection);
            DeploymentActions actions(api);
            return action(actions, api, name, part);
        }));
    }
    QList<OperationResult> results;
    for (QFuture<OperationResult> &f : running)
        results.append(f.result());
    return results;
}

QString DeploymentFanOut::failures(const QStringList &deployments,
                                   const QList<OperationResult> &results)
{
    QStringList failed;
    for (int i = 0; i < results.size(); ++i) {
        if (!results.at(i).ok())
            failed.append(QStringLiteral("%1: %2").arg(deployments.value(i), results.at(i).message));
    }
    return failed.join(QStringLiteral("; "));
}

} // namespace ragdr::core
