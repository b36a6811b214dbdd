#include "clusterrows.h"

#include "kubeprinters.h"
#include "kubetime.h"
#include "resourcewatcher.h"
#include "rolloutstatus.h"

#include <numeric>

#include <QJsonArray>

namespace ragdr::core {

namespace {

QJsonObject meta(const QJsonObject &o)
{
    return o.value(QLatin1String("metadata")).toObject();
}

// A cell by its column's name, as kube-apiserver declares the columns (wide ones sit between).
QString cell(const KubeTableRow &row, const QList<KubeColumn> &columns, QLatin1String name)
{
    for (qsizetype i = 0; i < columns.size(); ++i) {
        if (columns.at(i).name == name)
            return row.cells.at(i).toVariant().toString();
    }
    return {};
}

} // namespace

Health PodRow::healthOf(const QString &status, const QString &ready)
{
    static const QStringList progressing{QStringLiteral("Pending"),
                                         QStringLiteral("ContainerCreating"),
                                         QStringLiteral("PodInitializing"),
                                         QStringLiteral("Terminating"),
                                         QStringLiteral("SchedulingGated")};
    if (status == QLatin1String("Completed") || status == QLatin1String("Succeeded"))
        return Health::Good;
    if (status == QLatin1String("Running")) {
        const QStringList parts = ready.split(QLatin1Char('/'));
        return parts.size() == 2 && parts.at(0) == parts.at(1) ? Health::Good : Health::Progressing;
    }
    if (progressing.contains(status) || status.startsWith(QLatin1String("Init:"))) {
        // An init container that fails is as bad as any other.
        return status.contains(QLatin1String("Error")) || status.contains(QLatin1String("BackOff"))
                       || status.contains(QLatin1String("ExitCode"))
                       || status.contains(QLatin1String("Signal"))
                   ? Health::Bad
                   : Health::Progressing;
    }
    return Health::Bad; // CrashLoopBackOff, ImagePullBackOff, Error, Unknown, Evicted, ExitCode:N ...
}

PodRow PodRow::from(const QJsonObject &pod, const QDateTime &now)
{
    static const QList<KubeColumn> columns = KubePrinters::podColumns();
    const KubeTableRow row = KubePrinters::pod(pod, now);
    PodRow r;
    r.name = cell(row, columns, QLatin1String("Name"));
    r.ready = cell(row, columns, QLatin1String("Ready"));
    r.status = cell(row, columns, QLatin1String("Status"));
    r.restarts = cell(row, columns, QLatin1String("Restarts"));
    r.restartCount = r.restarts.section(QLatin1Char(' '), 0, 0).toInt();
    r.created = kubetime::parse(meta(pod).value(QLatin1String("creationTimestamp")).toString());
    r.ip = cell(row, columns, QLatin1String("IP"));
    r.node = cell(row, columns, QLatin1String("Node"));
    for (const QJsonValue &c :
         pod.value(QLatin1String("spec")).toObject().value(QLatin1String("containers")).toArray())
        r.containers.append(c.toObject().value(QLatin1String("name")).toString());
    for (const QJsonValue &s : pod.value(QLatin1String("status"))
                                   .toObject()
                                   .value(QLatin1String("containerStatuses"))
                                   .toArray()) {
        if (s.toObject().value(QLatin1String("restartCount")).toInt() > 0)
            r.hasPreviousContainer = true;
    }
    r.health = healthOf(r.status, r.ready);
    return r;
}

DeploymentRow DeploymentRow::from(const QJsonObject &deployment, const QDateTime &now)
{
    Q_UNUSED(now)
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    const QJsonObject status = deployment.value(QLatin1String("status")).toObject();
    DeploymentRow r;
    r.name = meta(deployment).value(QLatin1String("name")).toString();
    r.desired = spec.contains(QLatin1String("replicas"))
                    ? spec.value(QLatin1String("replicas")).toInt()
                    : 1;
    r.updated = status.value(QLatin1String("updatedReplicas")).toInt();
    r.ready = status.value(QLatin1String("readyReplicas")).toInt();
    r.available = status.value(QLatin1String("availableReplicas")).toInt();
    r.total = status.value(QLatin1String("replicas")).toInt();
    r.created = kubetime::parse(
        meta(deployment).value(QLatin1String("creationTimestamp")).toString());
    r.paused = spec.value(QLatin1String("paused")).toBool();
    r.generation = meta(deployment).value(QLatin1String("generation")).toInteger();
    r.resourceVersion = meta(deployment).value(QLatin1String("resourceVersion")).toString();
    QStringList images;
    for (const QJsonValue &c : spec.value(QLatin1String("template"))
                                   .toObject()
                                   .value(QLatin1String("spec"))
                                   .toObject()
                                   .value(QLatin1String("containers"))
                                   .toArray())
        images.append(c.toObject().value(QLatin1String("image")).toString());
    r.images = images.join(QLatin1Char(','));
    r.selector = KubePrinters::formatLabelSelector(spec.value(QLatin1String("selector")).toObject());
    const RolloutStatus rollout = RolloutStatus::forDeployment(deployment);
    r.rollout = rollout.message;
    r.rolloutDone = rollout.done;
    r.rolloutFailed = rollout.failed;
    r.health = rollout.failed || (r.desired > 0 && r.available == 0) ? Health::Bad
               : rollout.done && r.available >= r.desired            ? Health::Good
                                                                     : Health::Progressing;
    return r;
}

EventRow EventRow::from(const QJsonObject &event, const QDateTime &now)
{
    static const QList<KubeColumn> columns = KubePrinters::eventColumns();
    const KubeTableRow row = KubePrinters::event(event, now);
    EventRow r;
    r.key = meta(event).value(QLatin1String("name")).toString();
    r.lastSeen = cell(row, columns, QLatin1String("Last Seen"));
    r.type = cell(row, columns, QLatin1String("Type"));
    r.reason = cell(row, columns, QLatin1String("Reason"));
    r.object = cell(row, columns, QLatin1String("Object"));
    r.message = cell(row, columns, QLatin1String("Message"));
    r.count = event.value(QLatin1String("count")).toInt(1);
    QString last = event.value(QLatin1String("lastTimestamp")).toString();
    if (last.isEmpty())
        last = event.value(QLatin1String("eventTime")).toString();
    if (last.isEmpty())
        last = meta(event).value(QLatin1String("creationTimestamp")).toString();
    r.lastTimestamp = kubetime::parse(last);
    return r;
}

void EventRow::keepNewest(WatchBatch &batch)
{
    if (batch.derived.size() <= kShown)
        return;
    QList<qsizetype> order(batch.derived.size());
    std::iota(order.begin(), order.end(), 0);
    auto time = [&](qsizetype i) {
        return static_cast<const EventRow *>(batch.derived.at(i).constData())->lastTimestamp;
    };
    std::nth_element(order.begin(),
                     order.begin() + kShown,
                     order.end(),
                     [&](qsizetype a, qsizetype b) { return time(a) > time(b); });
    order.resize(kShown);
    std::sort(order.begin(), order.end());
    QList<QVariant> derived;
    QStringList names;
    derived.reserve(kShown);
    names.reserve(kShown);
    for (qsizetype i : std::as_const(order)) {
        derived.append(batch.derived.at(i));
        names.append(batch.names.value(i));
    }
    batch.derived = std::move(derived);
    batch.names = std::move(names);
}

bool selectorMatches(const QString &selector, const QJsonObject &labels)
{
    for (const QString &part : selector.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        if (eq < 0)
            return false;
        const QString key = part.left(eq).trimmed();
        const QString value = part.mid(eq + 1).remove(QLatin1Char('=')).trimmed();
        if (labels.value(key).toString() != value)
            return false;
    }
    return true;
}

} // namespace ragdr::core
