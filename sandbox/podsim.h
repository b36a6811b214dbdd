#pragma once

#include "kubelogs.h"

#include <QJsonObject>
#include <QList>
#include <QString>

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

// One simulated pod as its kubelet knows it: where it is in its life, its containers (and their
// runs, which its log is made of), its conditions; status() is the pod's status as the kubelet
// writes it to the API.
struct PodSim
{
    struct Container
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

    Stage stage = Stage::Created;
    int ticks = 0;
    PodBehaviour annotated = PodBehaviour::Normal;
    QString role;
    QString flavour;
    QString restartPolicy;
    int graceSeconds = 30;
    QList<Container> init;
    QList<Container> main;
    int initIndex = 0;
    QString phase = QStringLiteral("Pending");
    QString node;
    QString hostIP;
    QString podIP;
    qint64 startTimeMs = 0;
    Condition scheduled, readyToStart, initialized, containersReady, ready;
    qint64 deleteAtMs = 0;
    bool qosBurstable = false;

    QJsonObject status() const;
};

} // namespace ragdr::sandbox
