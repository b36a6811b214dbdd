#pragma once

#include "deploymentcontroller.h"
#include "kubeclusterconfig.h"
#include "kubeeventrecorder.h"
#include "kubelet.h"
#include "kubestore.h"
#include "replicasetcontroller.h"
#include "simclock.h"

#include <QObject>
#include <QTimer>

#include <optional>

namespace ragdr::sandbox {

// The control plane and the kubelets of one simulated cluster, one step per tick (~0.6 s): the
// deployment controller, the ReplicaSet controller, the scheduler and kubelets (Kubelet), and
// core/v1 Events as those components write them (KubeEventRecorder), all on one clock.
class KubeController final : public QObject
{
    Q_OBJECT

public:
    using Fault = Kubelet::Fault;
    using LogTarget = Kubelet::LogTarget;

    KubeController(KubeStore &store, KubeClusterConfig config, QObject *parent = nullptr);

    // Creates the namespaces and workloads and lets them run an hour of simulated time, so that
    // the cluster looks settled (AGE 60m, pods Running) from the first request, then ticks.
    void start();
    void tick();
    qint64 nowMs() const { return m_clock.nowMs(); }
    QDateTime now() const { return m_clock.now(); }

    std::optional<LogTarget> logTarget(const QString &podKey, const QString &container) const
    {
        return m_kubelet.logTarget(podKey, container);
    }

    void setFault(Fault fault, bool on) { m_kubelet.setFault(fault, on); }
    bool faultActive(Fault fault) const { return m_kubelet.faultActive(fault); }

private:
    KubeStore &m_store;
    KubeClusterConfig m_config;
    SimClock m_clock;
    KubeEventRecorder m_events;
    Kubelet m_kubelet;
    ReplicaSetController m_replicaSets;
    DeploymentController m_deployments;
    QTimer m_timer;
};

} // namespace ragdr::sandbox
