#pragma once

#include "kubeeventrecorder.h"
#include "kubestore.h"
#include "replicasetcontroller.h"
#include "simclock.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>

namespace ragdr::sandbox {

// kube-controller-manager's deployment controller for one simulated cluster: a new ReplicaSet
// (pod-template-hash) per template, RollingUpdate within maxSurge/maxUnavailable (and Recreate),
// revision annotations and rollback to an older template, revisionHistoryLimit, status with
// observedGeneration and the Available/Progressing conditions (NewReplicaSetAvailable,
// ProgressDeadlineExceeded), and the ReplicaSets of a deployment that went deleted.
class DeploymentController final : public QObject
{
    Q_OBJECT

public:
    DeploymentController(KubeStore &store,
                         const SimClock &clock,
                         KubeEventRecorder &events,
                         const ReplicaSetController &replicaSets,
                         QObject *parent = nullptr);

    void sync(const QString &key);
    void writeStatus(const QString &key);
    void collectGarbage();

private:
    struct DeploymentSim
    {
        qint64 lastProgressMs = 0;
        QJsonObject lastCounts;
        QString newReplicaSet;
        bool createdNewReplicaSet = false;
    };

    void onChanged(const KubeChange &change);
    void scaleReplicaSet(const QJsonObject &deployment, const QString &rsKey, int replicas);

    KubeStore &m_store;
    const SimClock &m_clock;
    KubeEventRecorder &m_events;
    const ReplicaSetController &m_replicaSets;
    QHash<QString, QSet<QString>> m_replicaSetsByDeployment;
    QHash<QString, DeploymentSim> m_deployments;
    QSet<QString> m_orphanedReplicaSets;
};

} // namespace ragdr::sandbox
