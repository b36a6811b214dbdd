#pragma once

#include "kubeclusterconfig.h"
#include "kubeeventrecorder.h"
#include "kubestore.h"
#include "podsim.h"
#include "simclock.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <optional>

namespace ragdr::sandbox {

// The scheduler and the kubelets of one simulated cluster: Pending -> ContainerCreating ->
// Running -> Terminating -> gone, with restarts, init containers, the behaviours of PodBehaviour
// and the faults that make a workload's pods crash, each pod's status and events as they would
// write them. Only pods that are changing are visited on a tick, so steady pods cost nothing.
class Kubelet final : public QObject
{
    Q_OBJECT

public:
    // PodStorm: every pod is updated within kStormMs, over and over (a watch storm).
    // LogFlood: every followed container log gets KubeLogs::kFloodLinesPerSecond more lines.
    enum class Fault { ApiCrashLoop, WorkerDown, PodStorm, LogFlood };
    static constexpr int kStormMs = 2000;

    // What the log endpoint needs to know about one container of a pod.
    struct LogTarget
    {
        QString flavour;
        QString podIP;
        bool started = false;  // it has run at least once
        QString waitingReason; // ContainerCreating, ImagePullBackOff... while it never ran
        ContainerRun current;
        std::optional<ContainerRun> previous;
        qint64 floodFromMs = 0; // the log flood's start; 0: none
    };

    Kubelet(KubeStore &store,
            const KubeClusterConfig &config,
            const SimClock &clock,
            KubeEventRecorder &events,
            QObject *parent = nullptr);

    // Moves every pod whose state moves on by one step.
    void tick();
    void setFault(Fault fault, bool on);
    bool faultActive(Fault fault) const { return m_faults.contains(fault); }
    std::optional<LogTarget> logTarget(const QString &podKey, const QString &container) const;

private:
    using Container = PodSim::Container;
    using Stage = PodSim::Stage;
    using Condition = PodSim::Condition;

    void onChanged(const KubeChange &change);
    PodSim simFor(const QJsonObject &pod) const;
    PodBehaviour behaviourOf(const PodSim &sim) const;
    void advancePod(const QString &key);
    void schedule(const QString &key, PodSim &sim, const QJsonObject &pod);
    void startContainer(const QJsonObject &pod, PodSim &sim, Container &c, const QString &fieldPath);
    void exitContainer(PodSim &sim, Container &c, int exitCode);
    void restartContainer(const QJsonObject &pod, PodSim &sim, Container &c);
    void writePod(const QString &key, const PodSim &sim);
    void setCondition(Condition &c,
                      bool status,
                      const QString &reason = {},
                      const QString &message = {});
    void stormStep();
    QString pickNode();
    QString nextPodIP();

    KubeStore &m_store;
    const KubeClusterConfig &m_config;
    const SimClock &m_clock;
    KubeEventRecorder &m_events;
    QSet<Fault> m_faults;
    QHash<QString, PodSim> m_pods;
    QSet<QString> m_active; // pods whose state moves on the next tick
    QTimer m_stormTimer;
    QStringList m_stormOrder; // the pods the storm's current round has still to update
    qint64 m_stormRound = 0;
    qint64 m_floodFromMs = 0;
    int m_nextNode = 0;
    int m_nextIP = 0;
};

} // namespace ragdr::sandbox
