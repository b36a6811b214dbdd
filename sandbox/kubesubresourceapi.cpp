#include "kubesubresourceapi.h"

#include "jsonpatch.h"
#include "kubeapireply.h"
#include "kubelogstream.h"
#include "kubeobject.h"

#include "core/cluster/kubeprinters.h"
#include "core/cluster/kubetime.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace ragdr::sandbox {

using kubeobject::resourceVersionOf;

KubeSubresourceApi::KubeSubresourceApi(KubeStore &store, KubeController &controller, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_controller(controller)
{}

QJsonObject KubeSubresourceApi::scaleOf(const QJsonObject &deployment) const
{
    const QJsonObject meta = deployment.value(QLatin1String("metadata")).toObject();
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    return {{QStringLiteral("kind"), QStringLiteral("Scale")},
            {QStringLiteral("apiVersion"), QStringLiteral("autoscaling/v1")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), meta.value(QLatin1String("name"))},
                         {QStringLiteral("namespace"), meta.value(QLatin1String("namespace"))},
                         {QStringLiteral("uid"), meta.value(QLatin1String("uid"))},
                         {QStringLiteral("resourceVersion"),
                          meta.value(QLatin1String("resourceVersion"))},
                         {QStringLiteral("creationTimestamp"),
                          meta.value(QLatin1String("creationTimestamp"))}}},
            {QStringLiteral("spec"),
             QJsonObject{
                 {QStringLiteral("replicas"), spec.value(QLatin1String("replicas")).toInt(1)}}},
            {QStringLiteral("status"),
             QJsonObject{{QStringLiteral("replicas"),
                          deployment.value(QLatin1String("status"))
                              .toObject()
                              .value(QLatin1String("replicas"))
                              .toInt()},
                         {QStringLiteral("selector"),
                          core::KubePrinters::formatLabelSelector(
                              spec.value(QLatin1String("selector")).toObject())}}}};
}

void KubeSubresourceApi::scale(HttpConnection *connection,
                               const HttpRequest &request,
                               const KubeResourcePath &target)
{
    QJsonObject deployment = m_store.get(KubeResource::Deployments, target.ns, target.name);
    if (deployment.isEmpty()) {
        KubeApiReply::notFound(connection, target);
        return;
    }
    const QJsonObject current = scaleOf(deployment);
    if (request.method == "GET") {
        KubeApiReply::json(connection, 200, current);
        return;
    }
    QJsonObject wanted;
    if (request.method == "PUT") {
        wanted = QJsonDocument::fromJson(request.body).object();
    } else if (request.method == "PATCH") {
        auto patched = jsonpatch::apply(current, request.header("content-type"), request.body);
        if (!patched) {
            KubeApiReply::status(connection,
                                 400,
                                 QStringLiteral("BadRequest"),
                                 patched.error().message);
            return;
        }
        wanted = *patched;
    } else {
        KubeApiReply::methodNotAllowed(connection);
        return;
    }
    const QString expected = resourceVersionOf(wanted);
    if (!expected.isEmpty() && expected != resourceVersionOf(deployment)) {
        KubeApiReply::status(
            connection,
            409,
            QStringLiteral("Conflict"),
            QStringLiteral(
                "Operation cannot be fulfilled on deployments.apps \"%1\": the object has been "
                "modified; please apply your changes to the latest version and try again")
                .arg(target.name),
            {{QStringLiteral("name"), target.name},
             {QStringLiteral("group"), QStringLiteral("apps")},
             {QStringLiteral("kind"), QStringLiteral("deployments")}});
        return;
    }
    const QJsonValue replicas
        = wanted.value(QLatin1String("spec")).toObject().value(QLatin1String("replicas"));
    if (!replicas.isDouble() || replicas.toDouble() < 0
        || replicas.toDouble() != std::floor(replicas.toDouble())) {
        KubeApiReply::status(connection,
                             422,
                             QStringLiteral("Invalid"),
                             QStringLiteral(
                                 "Scale.autoscaling \"%1\" is invalid: spec.replicas: Invalid "
                                 "value: %2: must be greater than or equal to 0")
                                 .arg(target.name, QString::number(replicas.toDouble())));
        return;
    }
    QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    if (spec.value(QLatin1String("replicas")).toInt(1) != replicas.toInt()) {
        spec.insert(QStringLiteral("replicas"), replicas.toInt());
        deployment.insert(QStringLiteral("spec"), spec);
        QJsonObject meta = deployment.value(QLatin1String("metadata")).toObject();
        meta.insert(QStringLiteral("generation"),
                    meta.value(QLatin1String("generation")).toInt(1) + 1);
        deployment.insert(QStringLiteral("metadata"), meta);
        deployment = m_store.update(KubeResource::Deployments, deployment);
    }
    KubeApiReply::json(connection, 200, scaleOf(deployment));
}

void KubeSubresourceApi::logs(HttpConnection *connection,
                              const HttpRequest &request,
                              const KubeResourcePath &target)
{
    const QJsonObject pod = m_store.get(KubeResource::Pods, target.ns, target.name);
    if (pod.isEmpty()) {
        KubeApiReply::notFound(connection, target);
        return;
    }
    const QJsonObject spec = pod.value(QLatin1String("spec")).toObject();
    QStringList containers;
    QStringList initContainers;
    for (const QJsonValue &c : spec.value(QLatin1String("containers")).toArray())
        containers.append(c.toObject().value(QLatin1String("name")).toString());
    for (const QJsonValue &c : spec.value(QLatin1String("initContainers")).toArray())
        initContainers.append(c.toObject().value(QLatin1String("name")).toString());
    QString container = request.queryValue(QStringLiteral("container"));
    if (container.isEmpty()) {
        if (containers.size() != 1) {
            QString message
                = QStringLiteral(
                      "a container name must be specified for pod %1, choose one of: [%2]")
                      .arg(target.name, containers.join(QLatin1Char(' ')));
            if (!initContainers.isEmpty())
                message += QStringLiteral(" or one of the init containers: [%1]")
                               .arg(initContainers.join(QLatin1Char(' ')));
            KubeApiReply::status(connection, 400, QStringLiteral("BadRequest"), message);
            return;
        }
        container = containers.first();
    }
    if (!containers.contains(container) && !initContainers.contains(container)) {
        KubeApiReply::status(connection,
                             400,
                             QStringLiteral("BadRequest"),
                             QStringLiteral("container %1 is not valid for pod %2")
                                 .arg(container, target.name));
        return;
    }
    const auto logTarget = m_controller.logTarget(KubeStore::key(target.ns, target.name), container);
    const bool previous = request.queryValue(QStringLiteral("previous")) == QLatin1String("true");
    if (!logTarget || (!previous && !logTarget->started)) {
        QString reason = logTarget ? logTarget->waitingReason : QStringLiteral("ContainerCreating");
        if (reason == QLatin1String("ImagePullBackOff") || reason == QLatin1String("ErrImagePull"))
            reason = QStringLiteral("trying and failing to pull image");
        KubeApiReply::status(connection,
                             400,
                             QStringLiteral("BadRequest"),
                             QStringLiteral(
                                 "container \"%1\" in pod \"%2\" is waiting to start: %3")
                                 .arg(container, target.name, reason));
        return;
    }
    if (previous && !logTarget->previous) {
        KubeApiReply::status(connection,
                             400,
                             QStringLiteral("BadRequest"),
                             QStringLiteral(
                                 "previous terminated container \"%1\" in pod \"%2\" not found")
                                 .arg(container, target.name));
        return;
    }
    const ContainerRun run = previous ? *logTarget->previous : logTarget->current;
    const qint64 now = m_controller.nowMs();
    qint64 from = 0;
    if (request.hasQuery(QStringLiteral("sinceSeconds")))
        from = now - request.queryValue(QStringLiteral("sinceSeconds")).toLongLong() * 1000;
    else if (request.hasQuery(QStringLiteral("sinceTime")))
        from = core::kubetime::parse(request.queryValue(QStringLiteral("sinceTime")))
                   .toMSecsSinceEpoch();
    QList<LogLine> lines
        = KubeLogs::lines(logTarget->flavour, target.name, logTarget->podIP, run, from, now);
    if (request.hasQuery(QStringLiteral("tailLines"))) {
        const qint64 tail = request.queryValue(QStringLiteral("tailLines")).toLongLong();
        if (tail >= 0 && tail < lines.size())
            lines = lines.mid(lines.size() - tail);
    }
    const bool timestamps = request.queryValue(QStringLiteral("timestamps"))
                            == QLatin1String("true");
    const qint64 limitBytes = request.queryValue(QStringLiteral("limitBytes")).toLongLong();
    QByteArray data = KubeLogStream::format(lines, timestamps);
    if (limitBytes > 0 && data.size() > limitBytes)
        data.truncate(limitBytes);
    const bool follow = request.queryValue(QStringLiteral("follow")) == QLatin1String("true");
    if (!follow || previous || run.endedMs > 0) {
        connection->respond(200, "text/plain", data);
        return;
    }
    connection->beginStream(200, "text/plain");
    connection->writeChunk(data);
    KubeLogStream::Follow f;
    f.podKey = KubeStore::key(target.ns, target.name);
    f.podName = target.name;
    f.container = container;
    f.timestamps = timestamps;
    f.limitBytes = limitBytes > 0 ? limitBytes - data.size() : 0;
    f.sentMs = now;
    f.run = run;
    new KubeLogStream(m_controller, connection, f, this);
}

} // namespace ragdr::sandbox
