#include "kubeprinters.h"

#include "humanduration.h"
#include "kubetime.h"

#include <QHash>

#include <algorithm>

// Ported from kubernetes pkg/printers/internalversion/printers.go (printPod, printDeployment,
// printEvent and their column definitions) and, for selectors, apimachinery
// pkg/labels/selector.go. Where the Go code reads a pointer, the JSON reads a key
// that may be missing; the rules and their order are the same.

namespace ragdr::core {

namespace {

const QString kNameDescription = QStringLiteral(
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name automatically.");
const QString kAgeDescription = QStringLiteral(
    "CreationTimestamp is a timestamp representing the server time when this object was created.");

bool has(const QJsonObject &o, QLatin1String key)
{
    return o.value(key).isObject();
}

// podutil.IsRestartableInitContainer: a "sidecar" (Kubernetes 1.29+) is an init container with
// restartPolicy Always. An unknown name (no such init container) is not one.
bool isRestartableInitContainer(const QJsonObject *container)
{
    return container
           && container->value(QLatin1String("restartPolicy")).toString()
                  == QLatin1String("Always");
}

bool isPodInitializedConditionTrue(const QJsonObject &status)
{
    for (const QJsonValue &c : status.value(QLatin1String("conditions")).toArray()) {
        const QJsonObject condition = c.toObject();
        if (condition.value(QLatin1String("type")).toString() != QLatin1String("Initialized"))
            continue;
        return condition.value(QLatin1String("status")).toString() == QLatin1String("True");
    }
    return false;
}

bool hasPodReadyCondition(const QJsonObject &status)
{
    for (const QJsonValue &c : status.value(QLatin1String("conditions")).toArray()) {
        const QJsonObject condition = c.toObject();
        if (condition.value(QLatin1String("type")).toString() == QLatin1String("Ready")
            && condition.value(QLatin1String("status")).toString() == QLatin1String("True")) {
            return true;
        }
    }
    return false;
}

bool isPodPhaseTerminal(const QString &phase)
{
    return phase == QLatin1String("Failed") || phase == QLatin1String("Succeeded");
}

// Keeps the latest lastState.terminated.finishedAt; an invalid QDateTime stands for Go's zero time.
void keepLatest(QDateTime &latest, const QJsonObject &containerStatus)
{
    const QJsonObject terminated = containerStatus.value(QLatin1String("lastState"))
                                       .toObject()
                                       .value(QLatin1String("terminated"))
                                       .toObject();
    const QDateTime finished = kubetime::parse(
        terminated.value(QLatin1String("finishedAt")).toString());
    if (finished.isValid() && (!latest.isValid() || latest < finished))
        latest = finished;
}

QString terminatedText(const QJsonObject &terminated, const QString &prefix)
{
    const qint64 signal = KubePrinters::integer(terminated, QLatin1String("signal"));
    if (signal != 0)
        return prefix + QStringLiteral("Signal:%1").arg(signal);
    return prefix
           + QStringLiteral("ExitCode:%1")
                 .arg(KubePrinters::integer(terminated, QLatin1String("exitCode")));
}

QJsonObject rowCondition(const QString &reason, const QString &message)
{
    return {{QStringLiteral("type"), QStringLiteral("Completed")},
            {QStringLiteral("status"), QStringLiteral("True")},
            {QStringLiteral("reason"), reason},
            {QStringLiteral("message"), message}};
}

QString firstNonEmpty(const QString &a, const QString &b)
{
    return a.isEmpty() ? b : a;
}

} // namespace

QJsonObject KubeColumn::toJson() const
{
    QJsonObject o{{QStringLiteral("name"), name},
                  {QStringLiteral("type"), type},
                  {QStringLiteral("format"), format},
                  {QStringLiteral("description"), description},
                  {QStringLiteral("priority"), priority}};
    return o;
}

QJsonArray KubeTableRow::narrowCells(const QList<KubeColumn> &columns) const
{
    QJsonArray out;
    for (qsizetype i = 0; i < columns.size() && i < cells.size(); ++i) {
        if (columns.at(i).priority == 0)
            out.append(cells.at(i));
    }
    return out;
}

KubeColumn KubePrinters::nameColumn()
{
    return {QStringLiteral("Name"),
            QStringLiteral("string"),
            QStringLiteral("name"),
            0,
            kNameDescription};
}

KubeColumn KubePrinters::column(const QString &name,
                                const QString &type,
                                int priority,
                                const QString &description)
{
    return {name, type, QString(), priority, description};
}

KubeColumn KubePrinters::ageColumn()
{
    return column(QStringLiteral("Age"), QStringLiteral("string"), 0, kAgeDescription);
}

QString KubePrinters::age(const QJsonObject &object, const QDateTime &now)
{
    return translateTimestampSince(object.value(QLatin1String("metadata"))
                                       .toObject()
                                       .value(QLatin1String("creationTimestamp"))
                                       .toString(),
                                   now);
}

QString KubePrinters::name(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
}

qint64 KubePrinters::integer(const QJsonObject &o, QLatin1String key, qint64 fallback)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? v.toInteger() : fallback;
}

std::pair<QString, QString> KubePrinters::containerCells(const QJsonObject &podSpec)
{
    QStringList names;
    QStringList images;
    for (const QJsonValue &c : podSpec.value(QLatin1String("containers")).toArray()) {
        names.append(c.toObject().value(QLatin1String("name")).toString());
        images.append(c.toObject().value(QLatin1String("image")).toString());
    }
    return {names.join(QLatin1Char(',')), images.join(QLatin1Char(','))};
}

QList<KubeColumn> KubePrinters::podColumns()
{
    const QString str = QStringLiteral("string");
    return {
        nameColumn(),
        column(QStringLiteral("Ready"),
               str,
               0,
               QStringLiteral("The aggregate readiness state of this pod for accepting traffic.")),
        column(QStringLiteral("Status"),
               str,
               0,
               QStringLiteral("The aggregate status of the containers in this pod.")),
        column(
            QStringLiteral("Restarts"),
            str,
            0,
            QStringLiteral(
                "The number of times the containers in this pod have been restarted and when the "
                "last container in this pod has restarted.")),
        ageColumn(),
        column(QStringLiteral("IP"), str, 1, QStringLiteral("podIP address allocated to the pod.")),
        column(QStringLiteral("Node"),
               str,
               1,
               QStringLiteral("NodeName indicates in which node this pod is scheduled.")),
        column(QStringLiteral("Nominated Node"),
               str,
               1,
               QStringLiteral(
                   "nominatedNodeName is set only when this pod preempts other pods on the node.")),
        column(QStringLiteral("Readiness Gates"),
               str,
               1,
               QStringLiteral(
                   "If specified, all readiness gates will be evaluated for pod readiness."))};
}

KubeTableRow KubePrinters::pod(const QJsonObject &pod, const QDateTime &now)
{
    const QJsonObject meta = pod.value(QLatin1String("metadata")).toObject();
    const QJsonObject spec = pod.value(QLatin1String("spec")).toObject();
    const QJsonObject status = pod.value(QLatin1String("status")).toObject();

    qint64 restarts = 0;
    qint64 restartableInitContainerRestarts = 0;
    qint64 totalContainers = spec.value(QLatin1String("containers")).toArray().size();
    qint64 readyContainers = 0;
    QDateTime lastRestartDate;
    QDateTime lastRestartableInitContainerRestartDate;

    const QString podPhase = status.value(QLatin1String("phase")).toString();
    QString reason = podPhase;
    if (const QString r = status.value(QLatin1String("reason")).toString(); !r.isEmpty())
        reason = r;

    // A pod waiting for its scheduling gates says so rather than "Pending".
    for (const QJsonValue &c : status.value(QLatin1String("conditions")).toArray()) {
        const QJsonObject condition = c.toObject();
        if (condition.value(QLatin1String("type")).toString() == QLatin1String("PodScheduled")
            && condition.value(QLatin1String("reason")).toString()
                   == QLatin1String("SchedulingGated")) {
            reason = QStringLiteral("SchedulingGated");
        }
    }

    KubeTableRow row;
    if (podPhase == QLatin1String("Succeeded"))
        row.conditions.append(rowCondition(QStringLiteral("Succeeded"),
                                           QStringLiteral("The pod has completed successfully.")));
    else if (podPhase == QLatin1String("Failed"))
        row.conditions.append(
            rowCondition(QStringLiteral("Failed"), QStringLiteral("The pod failed.")));

    QHash<QString, QJsonObject> initContainers;
    const QJsonArray initSpecs = spec.value(QLatin1String("initContainers")).toArray();
    for (const QJsonValue &c : initSpecs) {
        const QJsonObject container = c.toObject();
        initContainers.insert(container.value(QLatin1String("name")).toString(), container);
        if (isRestartableInitContainer(&container))
            ++totalContainers;
    }
    auto initContainer = [&](const QString &name) -> const QJsonObject * {
        const auto it = initContainers.constFind(name);
        return it == initContainers.cend() ? nullptr : &it.value();
    };

    bool initializing = false;
    const QJsonArray initStatuses = status.value(QLatin1String("initContainerStatuses")).toArray();
    for (qsizetype i = 0; i < initStatuses.size(); ++i) {
        const QJsonObject container = initStatuses.at(i).toObject();
        const qint64 restartCount = integer(container, QLatin1String("restartCount"));
        restarts += restartCount;
        keepLatest(lastRestartDate, container);
        const bool restartable = isRestartableInitContainer(
            initContainer(container.value(QLatin1String("name")).toString()));
        if (restartable) {
            restartableInitContainerRestarts += restartCount;
            keepLatest(lastRestartableInitContainerRestartDate, container);
        }
        const QJsonObject state = container.value(QLatin1String("state")).toObject();
        const bool terminated = has(state, QLatin1String("terminated"));
        const QJsonObject term = state.value(QLatin1String("terminated")).toObject();
        const QJsonObject waiting = state.value(QLatin1String("waiting")).toObject();
        if (terminated && integer(term, QLatin1String("exitCode")) == 0)
            continue;
        if (restartable && container.value(QLatin1String("started")).toBool(false)) {
            if (container.value(QLatin1String("ready")).toBool())
                ++readyContainers;
            continue;
        }
        if (terminated) {
            // initialization failed
            const QString r = term.value(QLatin1String("reason")).toString();
            reason = r.isEmpty() ? terminatedText(term, QStringLiteral("Init:"))
                                 : QStringLiteral("Init:") + r;
        } else if (has(state, QLatin1String("waiting"))
                   && !waiting.value(QLatin1String("reason")).toString().isEmpty()
                   && waiting.value(QLatin1String("reason")).toString()
                          != QLatin1String("PodInitializing")) {
            reason = QStringLiteral("Init:") + waiting.value(QLatin1String("reason")).toString();
        } else {
            reason = QStringLiteral("Init:%1/%2").arg(i).arg(initSpecs.size());
        }
        initializing = true;
        break;
    }

    if (!initializing || isPodInitializedConditionTrue(status)) {
        restarts = restartableInitContainerRestarts;
        lastRestartDate = lastRestartableInitContainerRestartDate;
        bool hasRunning = false;
        const QJsonArray statuses = status.value(QLatin1String("containerStatuses")).toArray();
        // From the last container to the first, so that the first one's reason wins.
        for (qsizetype i = statuses.size() - 1; i >= 0; --i) {
            const QJsonObject container = statuses.at(i).toObject();
            restarts += integer(container, QLatin1String("restartCount"));
            keepLatest(lastRestartDate, container);
            const QJsonObject state = container.value(QLatin1String("state")).toObject();
            const QString waitingReason = state.value(QLatin1String("waiting"))
                                              .toObject()
                                              .value(QLatin1String("reason"))
                                              .toString();
            const bool terminated = has(state, QLatin1String("terminated"));
            const QJsonObject term = state.value(QLatin1String("terminated")).toObject();
            const QString terminatedReason = term.value(QLatin1String("reason")).toString();
            if (has(state, QLatin1String("waiting")) && !waitingReason.isEmpty()) {
                reason = waitingReason;
            } else if (terminated && !terminatedReason.isEmpty()) {
                reason = terminatedReason;
            } else if (terminated) {
                reason = terminatedText(term, QString());
            } else if (container.value(QLatin1String("ready")).toBool()
                       && has(state, QLatin1String("running"))) {
                hasRunning = true;
                ++readyContainers;
            }
        }
        // A pod whose first container completed while another still runs is not "Completed".
        if (reason == QLatin1String("Completed") && hasRunning)
            reason = hasPodReadyCondition(status) ? QStringLiteral("Running")
                                                  : QStringLiteral("NotReady");
    }

    const bool deleting = !meta.value(QLatin1String("deletionTimestamp")).toString().isEmpty();
    if (deleting && status.value(QLatin1String("reason")).toString() == QLatin1String("NodeLost"))
        reason = QStringLiteral("Unknown");
    else if (deleting && !isPodPhaseTerminal(podPhase))
        reason = QStringLiteral("Terminating");

    QString restartsText = QString::number(restarts);
    if (restarts != 0 && lastRestartDate.isValid())
        restartsText = QStringLiteral("%1 (%2 ago)")
                           .arg(restarts)
                           .arg(humanDuration(
                               std::chrono::milliseconds(lastRestartDate.msecsTo(now))));

    row.cells = {meta.value(QLatin1String("name")).toString(),
                 QStringLiteral("%1/%2").arg(readyContainers).arg(totalContainers),
                 reason,
                 restartsText,
                 translateTimestampSince(meta.value(QLatin1String("creationTimestamp")).toString(),
                                         now)};

    QString podIP;
    const QJsonArray podIPs = status.value(QLatin1String("podIPs")).toArray();
    if (!podIPs.isEmpty())
        podIP = podIPs.first().toObject().value(QLatin1String("ip")).toString();
    else
        podIP = status.value(QLatin1String("podIP"))
                    .toString(); // v1's single field, as conversion does
    QString nodeName = spec.value(QLatin1String("nodeName")).toString();
    QString nominatedNodeName = status.value(QLatin1String("nominatedNodeName")).toString();
    if (podIP.isEmpty())
        podIP = QStringLiteral("<none>");
    if (nodeName.isEmpty())
        nodeName = QStringLiteral("<none>");
    if (nominatedNodeName.isEmpty())
        nominatedNodeName = QStringLiteral("<none>");

    QString readinessGates = QStringLiteral("<none>");
    const QJsonArray gates = spec.value(QLatin1String("readinessGates")).toArray();
    if (!gates.isEmpty()) {
        int trueConditions = 0;
        for (const QJsonValue &g : gates) {
            const QString conditionType
                = g.toObject().value(QLatin1String("conditionType")).toString();
            for (const QJsonValue &c : status.value(QLatin1String("conditions")).toArray()) {
                const QJsonObject condition = c.toObject();
                if (condition.value(QLatin1String("type")).toString() == conditionType) {
                    if (condition.value(QLatin1String("status")).toString() == QLatin1String("True"))
                        ++trueConditions;
                    break;
                }
            }
        }
        readinessGates = QStringLiteral("%1/%2").arg(trueConditions).arg(gates.size());
    }
    row.cells.append(podIP);
    row.cells.append(nodeName);
    row.cells.append(nominatedNodeName);
    row.cells.append(readinessGates);
    return row;
}

QList<KubeColumn> KubePrinters::deploymentColumns()
{
    const QString str = QStringLiteral("string");
    return {
        nameColumn(),
        column(QStringLiteral("Ready"), str, 0, QStringLiteral("Number of the pod with ready state")),
        column(QStringLiteral("Up-to-date"),
               str,
               0,
               QStringLiteral(
                   "Total number of non-terminated pods targeted by this deployment that have the "
                   "desired template spec.")),
        column(
            QStringLiteral("Available"),
            str,
            0,
            QStringLiteral(
                "Total number of available pods (ready for at least minReadySeconds) targeted by "
                "this deployment.")),
        ageColumn(),
        column(QStringLiteral("Containers"),
               str,
               1,
               QStringLiteral("Names of each container in the template.")),
        column(QStringLiteral("Images"),
               str,
               1,
               QStringLiteral("Images referenced by each container in the template.")),
        column(QStringLiteral("Selector"), str, 1, QStringLiteral("Label selector for pods."))};
}

KubeTableRow KubePrinters::deployment(const QJsonObject &deployment, const QDateTime &now)
{
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    const QJsonObject status = deployment.value(QLatin1String("status")).toObject();
    // apps/v1 defaults spec.replicas to 1; the internal type the printer reads is already defaulted.
    const qint64 desired = integer(spec, QLatin1String("replicas"), 1);
    const auto [names, images] = containerCells(
        spec.value(QLatin1String("template")).toObject().value(QLatin1String("spec")).toObject());
    KubeTableRow row;
    row.cells
        = {name(deployment),
           QStringLiteral("%1/%2").arg(integer(status, QLatin1String("readyReplicas"))).arg(desired),
           integer(status, QLatin1String("updatedReplicas")),
           integer(status, QLatin1String("availableReplicas")),
           age(deployment, now),
           names,
           images,
           formatLabelSelector(spec.value(QLatin1String("selector")).toObject())};
    return row;
}

QList<KubeColumn> KubePrinters::eventColumns()
{
    const QString str = QStringLiteral("string");
    return {
        column(QStringLiteral("Last Seen"),
               str,
               0,
               QStringLiteral(
                   "The time at which the most recent occurrence of this event was recorded.")),
        column(QStringLiteral("Type"),
               str,
               0,
               QStringLiteral(
                   "Type of this event (Normal, Warning), new types could be added in the future")),
        column(QStringLiteral("Reason"),
               str,
               0,
               QStringLiteral("This should be a short, machine understandable string that gives "
                              "the reason for the transition into the object's current status.")),
        column(QStringLiteral("Object"),
               str,
               0,
               QStringLiteral("The object that this event is about.")),
        column(QStringLiteral("Subobject"),
               str,
               1,
               QStringLiteral(
                   "If referring to a piece of an object instead of an entire object, this string "
                   "should contain a valid JSON/Go field access statement.")),
        column(QStringLiteral("Source"),
               str,
               1,
               QStringLiteral("The component reporting this event. Should be a short machine "
                              "understandable string.")),
        column(QStringLiteral("Message"),
               str,
               0,
               QStringLiteral("A human-readable description of the status of this operation.")),
        column(QStringLiteral("First Seen"),
               str,
               1,
               QStringLiteral("The time at which the event was first recorded. (Time of server "
                              "receipt is in TypeMeta.)")),
        column(QStringLiteral("Count"),
               str,
               1,
               QStringLiteral("The number of times this event has occurred.")),
        KubeColumn{QStringLiteral("Name"), str, QStringLiteral("name"), 1, kNameDescription}};
}

KubeTableRow KubePrinters::event(const QJsonObject &event, const QDateTime &now)
{
    const QString firstTimestampText = event.value(QLatin1String("firstTimestamp")).toString();
    QString firstTimestamp = translateTimestampSince(firstTimestampText, now);
    if (!kubetime::parse(firstTimestampText).isValid())
        firstTimestamp = translateTimestampSince(event.value(QLatin1String("eventTime")).toString(),
                                                 now);

    const QString lastTimestampText = event.value(QLatin1String("lastTimestamp")).toString();
    QString lastTimestamp = translateTimestampSince(lastTimestampText, now);
    if (!kubetime::parse(lastTimestampText).isValid())
        lastTimestamp = firstTimestamp;

    qint64 count = integer(event, QLatin1String("count"));
    if (event.value(QLatin1String("series")).isObject()) {
        const QJsonObject series = event.value(QLatin1String("series")).toObject();
        lastTimestamp
            = translateTimestampSince(series.value(QLatin1String("lastObservedTime")).toString(),
                                      now);
        count = integer(series, QLatin1String("count"));
    } else if (count == 0) {
        // Singleton events don't have a count set in the new API.
        count = 1;
    }

    const QJsonObject involved = event.value(QLatin1String("involvedObject")).toObject();
    const QString kind = involved.value(QLatin1String("kind")).toString().toLower();
    const QString involvedName = involved.value(QLatin1String("name")).toString();
    const QString target = involvedName.isEmpty() ? kind : kind + QLatin1Char('/') + involvedName;

    const QJsonObject source = event.value(QLatin1String("source")).toObject();
    // The v1 JSON name of ReportingController is reportingComponent.
    const QString component
        = firstNonEmpty(source.value(QLatin1String("component")).toString(),
                        event.value(QLatin1String("reportingComponent")).toString());
    const QString instance
        = firstNonEmpty(source.value(QLatin1String("host")).toString(),
                        event.value(QLatin1String("reportingInstance")).toString());
    const QString sourceText = instance.isEmpty() ? component
                                                  : component + QStringLiteral(", ") + instance;

    KubeTableRow row;
    row.cells = {lastTimestamp,
                 event.value(QLatin1String("type")).toString(),
                 event.value(QLatin1String("reason")).toString(),
                 target,
                 involved.value(QLatin1String("fieldPath")).toString(),
                 sourceText,
                 event.value(QLatin1String("message")).toString().trimmed(),
                 firstTimestamp,
                 count,
                 name(event)};
    return row;
}

QString KubePrinters::formatLabelSelector(const QJsonObject &selector)
{
    struct Requirement
    {
        QString key;
        QString text;
    };
    QList<Requirement> requirements;
    const QJsonObject matchLabels = selector.value(QLatin1String("matchLabels")).toObject();
    for (auto it = matchLabels.begin(); it != matchLabels.end(); ++it)
        requirements.append({it.key(), it.key() + QLatin1Char('=') + it.value().toString()});
    for (const QJsonValue &e : selector.value(QLatin1String("matchExpressions")).toArray()) {
        const QJsonObject expr = e.toObject();
        const QString key = expr.value(QLatin1String("key")).toString();
        const QString op = expr.value(QLatin1String("operator")).toString();
        QStringList values;
        for (const QJsonValue &v : expr.value(QLatin1String("values")).toArray())
            values.append(v.toString());
        values.sort(); // the requirement prints its values sorted
        if (op == QLatin1String("In"))
            requirements.append(
                {key,
                 key + QStringLiteral(" in (") + values.join(QLatin1Char(',')) + QLatin1Char(')')});
        else if (op == QLatin1String("NotIn"))
            requirements.append({key,
                                 key + QStringLiteral(" notin (") + values.join(QLatin1Char(','))
                                     + QLatin1Char(')')});
        else if (op == QLatin1String("Exists"))
            requirements.append({key, key});
        else if (op == QLatin1String("DoesNotExist"))
            requirements.append({key, QLatin1Char('!') + key});
        else
            return QStringLiteral("<invalid>");
    }
    std::stable_sort(requirements.begin(),
                     requirements.end(),
                     [](const Requirement &a, const Requirement &b) { return a.key < b.key; });
    QStringList parts;
    for (const Requirement &r : requirements)
        parts.append(r.text);
    return parts.join(QLatin1Char(','));
}

} // namespace ragdr::core
