#include "podsim.h"

#include "core/cluster/kubetime.h"

#include <QJsonArray>

namespace ragdr::sandbox {

namespace kubetime = core::kubetime;

QJsonObject PodSim::status() const
{
    auto time = [](qint64 ms) {
        return QJsonValue(kubetime::format(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)));
    };
    QJsonObject json{{QStringLiteral("phase"), phase}};
    QJsonArray conditions;
    auto condition = [&](const char *type, const Condition &c) {
        if (!c.set)
            return;
        QJsonObject o{{QStringLiteral("type"), QLatin1String(type)},
                      {QStringLiteral("status"),
                       c.status ? QStringLiteral("True") : QStringLiteral("False")},
                      {QStringLiteral("lastProbeTime"), QJsonValue::Null},
                      {QStringLiteral("lastTransitionTime"), time(c.sinceMs)}};
        if (!c.reason.isEmpty())
            o.insert(QStringLiteral("reason"), c.reason);
        if (!c.message.isEmpty())
            o.insert(QStringLiteral("message"), c.message);
        conditions.append(o);
    };
    condition("PodReadyToStartContainers", readyToStart);
    condition("Initialized", initialized);
    condition("Ready", ready);
    condition("ContainersReady", containersReady);
    condition("PodScheduled", scheduled);
    if (!conditions.isEmpty())
        json.insert(QStringLiteral("conditions"), conditions);
    if (!hostIP.isEmpty()) {
        json.insert(QStringLiteral("hostIP"), hostIP);
        json.insert(QStringLiteral("hostIPs"),
                    QJsonArray{QJsonObject{{QStringLiteral("ip"), hostIP}}});
    }
    if (!podIP.isEmpty()) {
        json.insert(QStringLiteral("podIP"), podIP);
        json.insert(QStringLiteral("podIPs"),
                    QJsonArray{QJsonObject{{QStringLiteral("ip"), podIP}}});
    }
    if (startTimeMs > 0)
        json.insert(QStringLiteral("startTime"), time(startTimeMs));
    json.insert(QStringLiteral("qosClass"),
                qosBurstable ? QStringLiteral("Burstable") : QStringLiteral("BestEffort"));
    if (node.isEmpty())
        return json;
    auto containerStatus = [&](const Container &c) {
        QJsonObject state;
        switch (c.state) {
        case Container::State::Waiting: {
            QJsonObject waiting{{QStringLiteral("reason"), c.reason}};
            if (!c.message.isEmpty())
                waiting.insert(QStringLiteral("message"), c.message);
            state.insert(QStringLiteral("waiting"), waiting);
            break;
        }
        case Container::State::Running:
            state.insert(QStringLiteral("running"),
                         QJsonObject{{QStringLiteral("startedAt"), time(c.startedMs)}});
            break;
        case Container::State::Terminated:
            state.insert(QStringLiteral("terminated"),
                         QJsonObject{{QStringLiteral("exitCode"), c.exitCode},
                                     {QStringLiteral("reason"), c.reason},
                                     {QStringLiteral("startedAt"), time(c.startedMs)},
                                     {QStringLiteral("finishedAt"), time(c.finishedMs)},
                                     {QStringLiteral("containerID"), c.containerId}});
            break;
        }
        QJsonObject last;
        if (c.hasLast) {
            last.insert(QStringLiteral("terminated"),
                        QJsonObject{{QStringLiteral("exitCode"), c.lastExitCode},
                                    {QStringLiteral("reason"), c.lastReason},
                                    {QStringLiteral("startedAt"), time(c.lastStartedMs)},
                                    {QStringLiteral("finishedAt"), time(c.lastFinishedMs)},
                                    {QStringLiteral("containerID"), c.containerId}});
        }
        QJsonObject o{{QStringLiteral("name"), c.name},
                      {QStringLiteral("state"), state},
                      {QStringLiteral("lastState"), last},
                      {QStringLiteral("ready"), c.ready},
                      {QStringLiteral("restartCount"), c.restarts},
                      {QStringLiteral("image"), c.image},
                      {QStringLiteral("imageID"),
                       c.containerId.isEmpty()
                           ? QString()
                           : c.image.section(QLatin1Char(':'), 0, 0) + QStringLiteral("@sha256:")
                                 + QString::number(qHash(c.image), 16)
                                       .rightJustified(64, QLatin1Char('0'))},
                      {QStringLiteral("started"), c.started}};
        if (!c.containerId.isEmpty())
            o.insert(QStringLiteral("containerID"), c.containerId);
        return o;
    };
    QJsonArray initStatuses;
    for (const Container &c : init)
        initStatuses.append(containerStatus(c));
    if (!initStatuses.isEmpty())
        json.insert(QStringLiteral("initContainerStatuses"), initStatuses);
    QJsonArray mainStatuses;
    for (const Container &c : main)
        mainStatuses.append(containerStatus(c));
    json.insert(QStringLiteral("containerStatuses"), mainStatuses);
    return json;
}

} // namespace ragdr::sandbox
