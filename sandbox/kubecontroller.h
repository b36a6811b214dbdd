#pragma once

#include "kubeclusterconfig.h"
#include "kubelogs.h"
#include "kubestore.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <optional>

namespace ragdr::sandbox {

// What a simulated pod does, chosen by the annotation sandbox.ragdr.io/simulate on the pod (or
// its template), by its image (a tag ending in ":missing" cannot be pulled), or by a fault.
enum class PodBehaviour {
    Normal,           // ContainerCreating -> Running, ready
    CrashLoop,        // starts, fails, CrashLoopBackOff, restarts
    ImagePullBackOff, // ErrImagePull <-> ImagePullBackOff
    Unschedulable,    // Pending: no node fits
    InitStuck,        // the first init container never finishes: Init:0/N
    Complete,         // exits 0: Completed (Succeeded with restartPolicy Never)
    Error,            // exits 1: Error (Failed with restartPolicy Never)
    WorkerDown,       // exits 1 and stays down for a while between restarts: mostly "Error"
    SlowShutdown,     // on delete, stays Terminating for its whole grace period
};

// The control plane and the kubelets of one simulated cluster, one step per tick (~0.6 s):
//  - the deployment controller: a new ReplicaSet (pod-template-hash) per template, RollingUpdate
//    within maxSurge/maxUnavailable, revision annotations, status with observedGeneration and
//    the Available/Progressing conditions (NewReplicaSetAvailable, ProgressDeadlineExceeded);
//  - the ReplicaSet controller: creates and deletes pods (in bursts, so 5,000 take seconds);
//  - the scheduler and the kubelets: Pending -> ContainerCreating -> Running -> Terminating ->
//    gone, with restarts, init containers and the behaviours above;
//  - core/v1 Events as those components write them.
// Only pods that are changing are visited on a tick, so steady pods cost nothing.
class KubeController final : public QObject
{
    Q_OBJECT

public:
    enum class Fault { ApiCrashLoop, WorkerDown };

    KubeController(KubeStore &store, KubeClusterConfig config, QObject *parent = nullptr);

    // Creates the namespaces and workloads and lets them run an hour of simulated time, so that
    // the cluster looks settled (AGE 60m, pods Running) from the first request, then ticks.
    void start();
    void tick();
    qint64 nowMs() const;
    QDateTime now() const;

    // API defaults (what kube-apiserver's defaulting fills in) for objects created by POST.
    QJsonObject defaultedPod(QJsonObject pod) const;
    QJsonObject defaultedDeployment(QJsonObject deployment) const;

    // What the log endpoint needs to know about one container of a pod.
    struct LogTarget
    {
        QString flavour;
        QString podIP;
        bool started = false;  // it has run at least once
        QString waitingReason; // ContainerCreating, ImagePullBackOff... while it never ran
        ContainerRun current;
        std::optional<ContainerRun> previous;
    };
    std::optional<LogTarget> logTarget(const QString &podKey, const QString &container) const;

    void setFault(Fault fault, bool on);
    bool faultActive(Fault fault) const { return m_faults.contains(fault); }

private:
    void seedConfiguration();
    struct ContainerSim
    {
        QString name;
        QString image;
        enum class State { Waiting, Running, Terminated } state = State::Waiting;
        QString reason = QStringLiteral("ContainerCreating");
        QString message;
        int exitCode = 0;
        qint64 startedMs = 0;
        qint64 finishedMs = 0;
        bool ready = false;
        bool started = false;
        int restarts = 0;
        bool hasLast = false;
        QString lastReason;
        int lastExitCode = 0;
        qint64 lastStartedMs = 0;
        qint64 lastFinishedMs = 0;
        QString containerId;
        ContainerRun run;
        std::optional<ContainerRun> previousRun;
    };
    enum class Stage {
        Created,
        Scheduled,
        Initializing,
        NotReady,
        Ready,
        Exited,
        BackOff,
        PullError,
        PullBackOff,
        Unschedulable,
        Done,
        Terminating
    };
    struct Condition
    {
        bool set = false;
        bool status = false;
        QString reason;
        QString message;
        qint64 sinceMs = 0;
    };
    struct PodSim
    {
        Stage stage = Stage::Created;
        int ticks = 0;
        PodBehaviour annotated = PodBehaviour::Normal;
        QString role;
        QString flavour;
        QString restartPolicy;
        int graceSeconds = 30;
        QList<ContainerSim> init;
        QList<ContainerSim> main;
        int initIndex = 0;
        QString phase = QStringLiteral("Pending");
        QString node;
        QString hostIP;
        QString podIP;
        qint64 startTimeMs = 0;
        Condition scheduled, readyToStart, initialized, containersReady, ready;
        qint64 deleteAtMs = 0;
        bool qosBurstable = false;
    };
    struct DeploymentSim
    {
        qint64 lastProgressMs = 0;
        QJsonObject lastCounts;
        QString newReplicaSet;
        bool createdNewReplicaSet = false;
    };
    struct Counts
    {
        int replicas = 0;
        int ready = 0;
        int available = 0;
    };
    // What a pod adds to its ReplicaSet's counts: kept per pod so that the counts follow every
    // write incrementally instead of being recounted over 5,000 pods each tick.
    struct PodFlags
    {
        QString replicaSet;
        bool counted = false; // neither deleting nor finished
        bool ready = false;
    };

    void onChanged(const KubeChange &change);
    void collectGarbage();
    PodSim simFor(const QJsonObject &pod) const;
    PodBehaviour behaviourOf(const PodSim &sim) const;

    // kubelet and scheduler
    void advancePod(const QString &key);
    void schedule(const QString &key, PodSim &sim, const QJsonObject &pod);
    void startContainer(const QJsonObject &pod,
                        PodSim &sim,
                        ContainerSim &c,
                        const QString &fieldPath);
    void exitContainer(PodSim &sim, ContainerSim &c, int exitCode);
    void restartContainer(const QJsonObject &pod, PodSim &sim, ContainerSim &c);
    void writePod(const QString &key, const PodSim &sim);
    QJsonObject podStatus(const PodSim &sim) const;
    void setCondition(Condition &c,
                      bool status,
                      const QString &reason = {},
                      const QString &message = {});

    // controllers
    void syncDeployment(const QString &key);
    void syncReplicaSet(const QString &key);
    void writeReplicaSetStatus(const QString &key);
    void writeDeploymentStatus(const QString &key);
    Counts counts(const QString &replicaSetKey) const;
    void scaleReplicaSet(const QJsonObject &deployment, const QString &rsKey, int replicas);
    QJsonObject newPodFor(const QJsonObject &replicaSet);

    // events
    void recordEvent(const QJsonObject &involved,
                     const QString &fieldPath,
                     const QString &type,
                     const QString &reason,
                     const QString &message,
                     const QString &component,
                     const QString &host = {});

    QString pickNode();
    QString nextPodIP();

    KubeStore &m_store;
    KubeClusterConfig m_config;
    QTimer m_timer;
    qint64 m_clockOffsetMs = 0;
    bool m_seeding = false;
    QSet<Fault> m_faults;

    QHash<QString, PodSim> m_pods;
    QSet<QString> m_active; // pods whose state moves on the next tick
    QHash<QString, QSet<QString>> m_podsByReplicaSet;
    QHash<QString, PodFlags> m_podFlags;
    QHash<QString, Counts> m_replicaSetCounts;
    QHash<QString, QSet<QString>> m_replicaSetsByDeployment;
    QHash<QString, DeploymentSim> m_deployments;
    QSet<QString> m_orphanedReplicaSets;
    QSet<QString> m_orphanedPods;
    QHash<QString, QString> m_eventKeys; // dedup key -> event key
    QList<QString> m_eventOrder;
    int m_nextNode = 0;
    int m_nextIP = 0;
};

} // namespace ragdr::sandbox
