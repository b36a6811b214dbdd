#include "kubelet.h"

#include "kubeobject.h"

#include "core/cluster/kubetime.h"

#include <QJsonArray>
#include <QRandomGenerator>

#include <algorithm>

namespace ragdr::sandbox {

using namespace kubeobject;
namespace kubetime = core::kubetime;

namespace {

// The storm's steps in a round: kStormMs / 10 = one batch of updates every 200 ms.
constexpr int kStormSteps = 10;
const QString kStormAnnotation = QStringLiteral("sandbox.ragdr.io/storm");

PodBehaviour parseBehaviour(const QString &text)
{
    if (text == QLatin1String("crashloop"))
        return PodBehaviour::CrashLoop;
    if (text == QLatin1String("image-pull-backoff"))
        return PodBehaviour::ImagePullBackOff;
    if (text == QLatin1String("unschedulable"))
        return PodBehaviour::Unschedulable;
    if (text == QLatin1String("init-stuck"))
        return PodBehaviour::InitStuck;
    if (text == QLatin1String("complete"))
        return PodBehaviour::Complete;
    if (text == QLatin1String("error"))
        return PodBehaviour::Error;
    if (text == QLatin1String("worker-down"))
        return PodBehaviour::WorkerDown;
    if (text == QLatin1String("slow-shutdown"))
        return PodBehaviour::SlowShutdown;
    return PodBehaviour::Normal;
}

bool exits(PodBehaviour b)
{
    return b == PodBehaviour::CrashLoop || b == PodBehaviour::Complete || b == PodBehaviour::Error
           || b == PodBehaviour::WorkerDown;
}

QString hex64()
{
    QString s;
    for (int i = 0; i < 8; ++i)
        s += QString::number(QRandomGenerator::global()->generate(), 16)
                 .rightJustified(8, QLatin1Char('0'));
    return s;
}

} // namespace

Kubelet::Kubelet(KubeStore &store,
                 const KubeClusterConfig &config,
                 const SimClock &clock,
                 KubeEventRecorder &events,
                 QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_config(config)
    , m_clock(clock)
    , m_events(events)
{
    connect(&m_store, &KubeStore::changed, this, &Kubelet::onChanged);
    m_stormTimer.setInterval(kStormMs / kStormSteps);
    connect(&m_stormTimer, &QTimer::timeout, this, &Kubelet::stormStep);
}

void Kubelet::stormStep()
{
    // A round updates every pod once, a share each step, so that every pod changes within
    // kStormMs; the next round starts with the pods there are then.
    if (m_stormOrder.isEmpty()) {
        m_stormOrder = m_pods.keys();
        ++m_stormRound;
    }
    const qsizetype share = m_pods.size() / kStormSteps + 1;
    const QString round = QString::number(m_stormRound);
    for (qsizetype i = 0; i < share && !m_stormOrder.isEmpty(); ++i) {
        QJsonObject pod = m_store.get(KubeResource::Pods, m_stormOrder.takeLast());
        if (pod.isEmpty())
            continue;
        QJsonObject meta = pod.value(QLatin1String("metadata")).toObject();
        QJsonObject annotations = meta.value(QLatin1String("annotations")).toObject();
        annotations.insert(kStormAnnotation, round);
        meta.insert(QStringLiteral("annotations"), annotations);
        pod.insert(QStringLiteral("metadata"), meta);
        m_store.update(KubeResource::Pods, pod);
    }
}

void Kubelet::onChanged(const KubeChange &change)
{
    if (change.resource != KubeResource::Pods)
        return;
    const QString key = KubeStore::keyOf(change.object);
    if (change.type == "ADDED") {
        if (!m_pods.contains(key))
            m_pods.insert(key, simFor(change.object));
        m_active.insert(key);
    } else if (change.type == "DELETED") {
        m_pods.remove(key);
        m_active.remove(key);
    } else if (isDeleting(change.object) && !isDeleting(change.previous)) {
        m_active.insert(key);
    }
}

void Kubelet::tick()
{
    const QSet<QString> active = std::exchange(m_active, {});
    for (const QString &key : active)
        advancePod(key);
}

PodSim Kubelet::simFor(const QJsonObject &pod) const
{
    PodSim sim;
    const QJsonObject spec = pod.value(QLatin1String("spec")).toObject();
    QString behaviour = annotation(pod, kubeobject::kSimulateAnnotation);
    sim.annotated = parseBehaviour(behaviour);
    sim.restartPolicy
        = spec.value(QLatin1String("restartPolicy")).toString(QStringLiteral("Always"));
    sim.graceSeconds = spec.value(QLatin1String("terminationGracePeriodSeconds")).toInt(30);
    // Which workload it belongs to decides which faults reach it and what it logs.
    const QString rs = controllerOwner(pod, QStringLiteral("ReplicaSet"));
    if (!rs.isEmpty()) {
        const QString deployment
            = controllerOwner(m_store.get(KubeResource::ReplicaSets, nsOf(pod), rs),
                              QStringLiteral("Deployment"));
        for (const KubeWorkload &w : m_config.workloads) {
            if (w.name == deployment)
                sim.role = w.role;
        }
    }
    sim.flavour = annotation(pod, kubeobject::kLogsAnnotation);
    if (sim.flavour.isEmpty())
        sim.flavour = sim.role == QLatin1String("api") ? QStringLiteral("fastapi")
                                                       : QStringLiteral("worker");
    auto containers = [&](const QString &field) {
        QList<Container> list;
        for (const QJsonValue &c : spec.value(field).toArray()) {
            Container cs;
            cs.name = c.toObject().value(QLatin1String("name")).toString();
            cs.image = c.toObject().value(QLatin1String("image")).toString();
            if (field == QLatin1String("containers")
                && !spec.value(QLatin1String("initContainers")).toArray().isEmpty())
                cs.reason = QStringLiteral("PodInitializing");
            if (c.toObject().contains(QLatin1String("resources"))
                && !c.toObject().value(QLatin1String("resources")).toObject().isEmpty()) {
                sim.qosBurstable = true;
            }
            list.append(cs);
        }
        return list;
    };
    sim.init = containers(QStringLiteral("initContainers"));
    sim.main = containers(QStringLiteral("containers"));
    for (const Container &c : sim.main) {
        if (c.image.endsWith(QLatin1String(":missing")) && sim.annotated == PodBehaviour::Normal)
            sim.annotated = PodBehaviour::ImagePullBackOff;
    }
    return sim;
}

PodBehaviour Kubelet::behaviourOf(const PodSim &sim) const
{
    if (sim.annotated != PodBehaviour::Normal)
        return sim.annotated;
    if (sim.role == QLatin1String("api") && m_faults.contains(Fault::ApiCrashLoop))
        return PodBehaviour::CrashLoop;
    if (sim.role == QLatin1String("worker") && m_faults.contains(Fault::WorkerDown))
        return PodBehaviour::WorkerDown;
    return PodBehaviour::Normal;
}

void Kubelet::setFault(Fault fault, bool on)
{
    if (on)
        m_faults.insert(fault);
    else
        m_faults.remove(fault);
    if (fault == Fault::PodStorm) {
        m_stormOrder.clear();
        if (on)
            m_stormTimer.start();
        else
            m_stormTimer.stop();
        return;
    }
    if (fault == Fault::LogFlood) {
        m_floodFromMs = on ? m_clock.nowMs() : 0;
        return;
    }
    const QString role = fault == Fault::ApiCrashLoop ? QStringLiteral("api")
                                                      : QStringLiteral("worker");
    for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
        if (it->role == role)
            m_active.insert(it.key());
    }
}

void Kubelet::setCondition(Condition &c, bool status, const QString &reason, const QString &message)
{
    if (!c.set || c.status != status)
        c.sinceMs = m_clock.nowMs();
    c.set = true;
    c.status = status;
    c.reason = reason;
    c.message = message;
}

QString Kubelet::pickNode()
{
    const int n = m_nextNode++ % std::max(1, m_config.nodes);
    return QStringLiteral("%1-pool-1-node-%2").arg(m_config.name).arg(n + 1);
}

QString Kubelet::nextPodIP()
{
    const int n = m_nextIP++;
    return QStringLiteral("10.%1.%2.%3")
        .arg(244 + m_config.index % 10)
        .arg((n / 250) % 256)
        .arg(n % 250 + 2);
}

void Kubelet::schedule(const QString &key, PodSim &sim, const QJsonObject &pod)
{
    Q_UNUSED(key)
    sim.node = pickNode();
    sim.hostIP = QStringLiteral("10.128.%1.%2")
                     .arg(m_config.index)
                     .arg(10 + sim.node.section(QLatin1Char('-'), -1).toInt());
    sim.startTimeMs = m_clock.nowMs();
    setCondition(sim.scheduled, true);
    setCondition(sim.readyToStart, false);
    if (sim.init.isEmpty())
        setCondition(sim.initialized, true);
    else
        setCondition(sim.initialized,
                     false,
                     QStringLiteral("ContainersNotInitialized"),
                     QStringLiteral("containers with incomplete status: [%1]")
                         .arg(sim.init.first().name));
    QStringList names;
    for (const Container &c : sim.main)
        names.append(c.name);
    const QString notReady
        = QStringLiteral("containers with unready status: [%1]").arg(names.join(QLatin1Char(' ')));
    setCondition(sim.ready, false, QStringLiteral("ContainersNotReady"), notReady);
    setCondition(sim.containersReady, false, QStringLiteral("ContainersNotReady"), notReady);
    m_events.record(pod,
                    QString(),
                    QStringLiteral("Normal"),
                    QStringLiteral("Scheduled"),
                    QStringLiteral("Successfully assigned %1/%2 to %3")
                        .arg(nsOf(pod), nameOf(pod), sim.node),
                    QStringLiteral("default-scheduler"));
}

void Kubelet::startContainer(const QJsonObject &pod,
                             PodSim &sim,
                             Container &c,
                             const QString &fieldPath)
{
    if (sim.podIP.isEmpty())
        sim.podIP = nextPodIP();
    setCondition(sim.readyToStart, true);
    const qint64 t = m_clock.nowMs();
    c.state = Container::State::Running;
    c.reason.clear();
    c.message.clear();
    c.startedMs = t;
    c.started = true;
    c.ready = false;
    c.containerId = QStringLiteral("containerd://") + hex64();
    c.run = {t, 0, false};
    m_events.record(pod,
                    fieldPath,
                    QStringLiteral("Normal"),
                    QStringLiteral("Pulled"),
                    QStringLiteral("Container image \"%1\" already present on machine").arg(c.image),
                    QStringLiteral("kubelet"),
                    sim.node);
    m_events.record(pod,
                    fieldPath,
                    QStringLiteral("Normal"),
                    QStringLiteral("Created"),
                    QStringLiteral("Created container: %1").arg(c.name),
                    QStringLiteral("kubelet"),
                    sim.node);
    m_events.record(pod,
                    fieldPath,
                    QStringLiteral("Normal"),
                    QStringLiteral("Started"),
                    QStringLiteral("Started container %1").arg(c.name),
                    QStringLiteral("kubelet"),
                    sim.node);
}

void Kubelet::exitContainer(PodSim &sim, Container &c, int exitCode)
{
    const qint64 t = m_clock.nowMs();
    c.state = Container::State::Terminated;
    c.exitCode = exitCode;
    c.reason = exitCode == 0 ? QStringLiteral("Completed") : QStringLiteral("Error");
    c.finishedMs = t;
    c.ready = false;
    c.started = false;
    c.run.endedMs = t;
    c.run.crashed = exitCode != 0;
    QStringList names;
    for (const Container &m : sim.main)
        names.append(m.name);
    const QString notReady
        = QStringLiteral("containers with unready status: [%1]").arg(names.join(QLatin1Char(' ')));
    setCondition(sim.ready, false, QStringLiteral("ContainersNotReady"), notReady);
    setCondition(sim.containersReady, false, QStringLiteral("ContainersNotReady"), notReady);
}

void Kubelet::restartContainer(const QJsonObject &pod, PodSim &sim, Container &c)
{
    c.hasLast = true;
    c.lastReason = c.exitCode == 0 ? QStringLiteral("Completed") : QStringLiteral("Error");
    c.lastExitCode = c.exitCode;
    c.lastStartedMs = c.startedMs;
    c.lastFinishedMs = c.finishedMs > 0 ? c.finishedMs : m_clock.nowMs();
    c.previousRun = c.run;
    ++c.restarts;
    startContainer(pod, sim, c, QStringLiteral("spec.containers{%1}").arg(c.name));
}

void Kubelet::advancePod(const QString &key)
{
    const QJsonObject pod = m_store.get(KubeResource::Pods, key);
    auto it = m_pods.find(key);
    if (pod.isEmpty() || it == m_pods.end())
        return;
    PodSim &sim = it.value();
    ++sim.ticks;
    const PodBehaviour behaviour = behaviourOf(sim);
    auto moveTo = [&sim](Stage stage) {
        sim.stage = stage;
        sim.ticks = 0;
    };
    auto stayActive = [&] { m_active.insert(key); };

    if (isDeleting(pod)) {
        if (sim.stage != Stage::Terminating) {
            const bool hadRun = std::any_of(sim.main.cbegin(),
                                            sim.main.cend(),
                                            [](const Container &c) {
                                                return c.state == Container::State::Running;
                                            });
            if (hadRun) {
                for (const Container &c : sim.main) {
                    m_events.record(pod,
                                    QStringLiteral("spec.containers{%1}").arg(c.name),
                                    QStringLiteral("Normal"),
                                    QStringLiteral("Killing"),
                                    QStringLiteral("Stopping container %1").arg(c.name),
                                    QStringLiteral("kubelet"),
                                    sim.node);
                }
            }
            for (Container &c : sim.main)
                c.ready = false;
            setCondition(sim.ready, false, QStringLiteral("ContainersNotReady"), QString());
            setCondition(sim.containersReady,
                         false,
                         QStringLiteral("ContainersNotReady"),
                         QString());
            const int grace = meta(pod)
                                  .value(QLatin1String("deletionGracePeriodSeconds"))
                                  .toInt(sim.graceSeconds);
            const qint64 graceMs = behaviour == PodBehaviour::SlowShutdown
                                       ? qint64(grace) * 1000
                                       : std::min<qint64>(qint64(grace) * 1000, m_config.tickMs);
            sim.deleteAtMs = m_clock.nowMs() + graceMs;
            moveTo(Stage::Terminating);
            writePod(key, sim);
            stayActive();
        } else if (m_clock.nowMs() >= sim.deleteAtMs) {
            m_store.remove(KubeResource::Pods, key);
        } else {
            stayActive();
        }
        return;
    }

    switch (sim.stage) {
    case Stage::Created:
        if (behaviour == PodBehaviour::Unschedulable) {
            setCondition(
                sim.scheduled,
                false,
                QStringLiteral("Unschedulable"),
                QStringLiteral(
                    "0/%1 nodes are available: %1 Insufficient memory. preemption: 0/%1 nodes are "
                    "available: %1 No preemption victims found for incoming pod.")
                    .arg(m_config.nodes));
            m_events.record(pod,
                            QString(),
                            QStringLiteral("Warning"),
                            QStringLiteral("FailedScheduling"),
                            sim.scheduled.message,
                            QStringLiteral("default-scheduler"));
            moveTo(Stage::Unschedulable);
        } else {
            schedule(key, sim, pod);
            moveTo(Stage::Scheduled);
            stayActive();
        }
        writePod(key, sim);
        return;
    case Stage::Scheduled:
        if (behaviour == PodBehaviour::ImagePullBackOff) {
            Container &c = sim.main.first();
            const QString fieldPath = QStringLiteral("spec.containers{%1}").arg(c.name);
            c.reason = QStringLiteral("ErrImagePull");
            c.message = QStringLiteral(
                            "rpc error: code = NotFound desc = failed to pull and unpack image "
                            "\"%1\": failed to resolve reference \"%1\": %1: not found")
                            .arg(c.image);
            m_events.record(pod,
                            fieldPath,
                            QStringLiteral("Normal"),
                            QStringLiteral("Pulling"),
                            QStringLiteral("Pulling image \"%1\"").arg(c.image),
                            QStringLiteral("kubelet"),
                            sim.node);
            m_events.record(pod,
                            fieldPath,
                            QStringLiteral("Warning"),
                            QStringLiteral("Failed"),
                            QStringLiteral("Failed to pull image \"%1\": %2").arg(c.image, c.message),
                            QStringLiteral("kubelet"),
                            sim.node);
            m_events.record(pod,
                            fieldPath,
                            QStringLiteral("Warning"),
                            QStringLiteral("Failed"),
                            QStringLiteral("Error: ErrImagePull"),
                            QStringLiteral("kubelet"),
                            sim.node);
            setCondition(sim.readyToStart, true);
            if (sim.podIP.isEmpty())
                sim.podIP = nextPodIP();
            moveTo(Stage::PullError);
        } else if (!sim.init.isEmpty()) {
            startContainer(pod,
                           sim,
                           sim.init[0],
                           QStringLiteral("spec.initContainers{%1}").arg(sim.init[0].name));
            sim.initIndex = 0;
            moveTo(Stage::Initializing);
        } else {
            for (Container &c : sim.main)
                startContainer(pod, sim, c, QStringLiteral("spec.containers{%1}").arg(c.name));
            sim.phase = QStringLiteral("Running");
            moveTo(Stage::NotReady);
        }
        stayActive();
        writePod(key, sim);
        return;
    case Stage::Initializing:
        if (behaviour == PodBehaviour::InitStuck)
            return; // waits for its database forever
        if (sim.ticks >= 1) {
            Container &c = sim.init[sim.initIndex];
            exitContainer(sim, c, 0);
            c.run.crashed = false;
            if (++sim.initIndex < sim.init.size()) {
                startContainer(pod,
                               sim,
                               sim.init[sim.initIndex],
                               QStringLiteral("spec.initContainers{%1}")
                                   .arg(sim.init[sim.initIndex].name));
            } else {
                setCondition(sim.initialized, true);
                for (Container &m : sim.main)
                    startContainer(pod, sim, m, QStringLiteral("spec.containers{%1}").arg(m.name));
                sim.phase = QStringLiteral("Running");
                moveTo(Stage::NotReady);
            }
            writePod(key, sim);
        }
        stayActive();
        return;
    case Stage::PullError:
        if (sim.ticks >= 2) {
            Container &c = sim.main.first();
            const QString fieldPath = QStringLiteral("spec.containers{%1}").arg(c.name);
            c.reason = QStringLiteral("ImagePullBackOff");
            c.message = QStringLiteral("Back-off pulling image \"%1\"").arg(c.image);
            m_events.record(pod,
                            fieldPath,
                            QStringLiteral("Normal"),
                            QStringLiteral("BackOff"),
                            c.message,
                            QStringLiteral("kubelet"),
                            sim.node);
            m_events.record(pod,
                            fieldPath,
                            QStringLiteral("Warning"),
                            QStringLiteral("Failed"),
                            QStringLiteral("Error: ImagePullBackOff"),
                            QStringLiteral("kubelet"),
                            sim.node);
            moveTo(Stage::PullBackOff);
            writePod(key, sim);
        }
        stayActive();
        return;
    case Stage::PullBackOff:
        if (behaviour != PodBehaviour::ImagePullBackOff) {
            moveTo(Stage::Scheduled);
        } else if (sim.ticks >= 10) {
            Container &c = sim.main.first();
            c.reason = QStringLiteral("ErrImagePull");
            m_events.record(pod,
                            QStringLiteral("spec.containers{%1}").arg(c.name),
                            QStringLiteral("Warning"),
                            QStringLiteral("Failed"),
                            QStringLiteral("Error: ErrImagePull"),
                            QStringLiteral("kubelet"),
                            sim.node);
            moveTo(Stage::PullError);
            writePod(key, sim);
        }
        stayActive();
        return;
    case Stage::NotReady:
        if (exits(behaviour)) {
            const int runTicks = behaviour == PodBehaviour::Complete ? 1 : 2;
            if (sim.ticks >= runTicks) {
                for (Container &c : sim.main)
                    exitContainer(sim, c, behaviour == PodBehaviour::Complete ? 0 : 1);
                moveTo(Stage::Exited);
                writePod(key, sim);
            }
            stayActive();
            return;
        }
        for (Container &c : sim.main)
            c.ready = true;
        setCondition(sim.ready, true);
        setCondition(sim.containersReady, true);
        moveTo(Stage::Ready);
        writePod(key, sim);
        return;
    case Stage::Ready:
        if (exits(behaviour)) {
            for (Container &c : sim.main)
                exitContainer(sim, c, behaviour == PodBehaviour::Complete ? 0 : 1);
            moveTo(Stage::Exited);
            writePod(key, sim);
            stayActive();
        }
        return;
    case Stage::Exited: {
        const int exitCode = sim.main.isEmpty() ? 0 : sim.main.first().exitCode;
        if (sim.restartPolicy == QLatin1String("Never")
            || (sim.restartPolicy == QLatin1String("OnFailure") && exitCode == 0)) {
            sim.phase = exitCode == 0 ? QStringLiteral("Succeeded") : QStringLiteral("Failed");
            const QString reason = exitCode == 0 ? QStringLiteral("PodCompleted")
                                                 : QStringLiteral("PodFailed");
            setCondition(sim.ready, false, reason);
            setCondition(sim.containersReady, false, reason);
            setCondition(sim.readyToStart, false);
            moveTo(Stage::Done);
            writePod(key, sim);
            return;
        }
        const int shownTicks = behaviour == PodBehaviour::WorkerDown ? 6 : 1;
        // The kubelet restarts a container the first time at once; back-off starts from the second.
        if (sim.ticks >= shownTicks && !sim.main.isEmpty() && sim.main.first().restarts == 0) {
            for (Container &c : sim.main)
                restartContainer(pod, sim, c);
            moveTo(Stage::NotReady);
            writePod(key, sim);
        } else if (sim.ticks >= shownTicks) {
            for (Container &c : sim.main) {
                const int backoffSeconds = std::min(300, 10 << std::min(c.restarts, 5));
                c.state = Container::State::Waiting;
                c.reason = QStringLiteral("CrashLoopBackOff");
                c.message = QStringLiteral(
                                "back-off %1s restarting failed container=%2 pod=%3_%4(%5)")
                                .arg(backoffSeconds)
                                .arg(c.name,
                                     nameOf(pod),
                                     nsOf(pod),
                                     meta(pod).value(QLatin1String("uid")).toString());
                // The last run becomes lastState while the container waits to restart.
                c.hasLast = true;
                c.lastReason = c.exitCode == 0 ? QStringLiteral("Completed")
                                               : QStringLiteral("Error");
                c.lastExitCode = c.exitCode;
                c.lastStartedMs = c.startedMs;
                c.lastFinishedMs = c.finishedMs;
                m_events.record(pod,
                                QStringLiteral("spec.containers{%1}").arg(c.name),
                                QStringLiteral("Warning"),
                                QStringLiteral("BackOff"),
                                QStringLiteral(
                                    "Back-off restarting failed container %1 in pod %2_%3(%4)")
                                    .arg(c.name,
                                         nameOf(pod),
                                         nsOf(pod),
                                         meta(pod).value(QLatin1String("uid")).toString()),
                                QStringLiteral("kubelet"),
                                sim.node);
            }
            moveTo(Stage::BackOff);
            writePod(key, sim);
        }
        stayActive();
        return;
    }
    case Stage::BackOff: {
        const int restarts = sim.main.isEmpty() ? 0 : sim.main.first().restarts;
        if (!exits(behaviour) || sim.ticks >= std::min(2 + restarts, 6)) {
            for (Container &c : sim.main)
                restartContainer(pod, sim, c);
            moveTo(Stage::NotReady);
            writePod(key, sim);
        }
        stayActive();
        return;
    }
    case Stage::Unschedulable:
    case Stage::Done:
    case Stage::Terminating:
        return;
    }
}

void Kubelet::writePod(const QString &key, const PodSim &sim)
{
    QJsonObject pod = m_store.get(KubeResource::Pods, key);
    if (pod.isEmpty())
        return;
    QJsonObject spec = pod.value(QLatin1String("spec")).toObject();
    if (!sim.node.isEmpty() && spec.value(QLatin1String("nodeName")).toString() != sim.node) {
        spec.insert(QStringLiteral("nodeName"), sim.node);
        pod.insert(QStringLiteral("spec"), spec);
    }
    pod.insert(QStringLiteral("status"), sim.status());
    m_store.update(KubeResource::Pods, pod);
}

std::optional<Kubelet::LogTarget> Kubelet::logTarget(const QString &podKey,
                                                     const QString &container) const
{
    const auto it = m_pods.constFind(podKey);
    if (it == m_pods.cend())
        return std::nullopt;
    const PodSim &sim = it.value();
    for (const QList<Container> *list : {&sim.main, &sim.init}) {
        for (const Container &c : *list) {
            if (c.name != container)
                continue;
            LogTarget t;
            t.flavour = list == &sim.init ? QStringLiteral("init") : sim.flavour;
            t.podIP = sim.podIP;
            t.started = c.run.startedMs > 0;
            t.waitingReason = c.state == Container::State::Waiting ? c.reason : QString();
            t.current = c.run;
            t.previous = c.previousRun;
            if (list == &sim.main)
                t.floodFromMs = m_floodFromMs;
            return t;
        }
    }
    return std::nullopt;
}

} // namespace ragdr::sandbox
