#include "kubeclusterconfig.h"

#include <QJsonArray>

namespace ragdr::sandbox {

QJsonObject KubeWorkload::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("matchLabels"), matchLabels},
            {QStringLiteral("replicas"), replicas},
            {QStringLiteral("role"), role},
            {QStringLiteral("container"), container},
            {QStringLiteral("image"), image},
            {QStringLiteral("port"), port},
            {QStringLiteral("logs"), logs}};
}

KubeWorkload KubeWorkload::fromJson(const QJsonObject &json)
{
    KubeWorkload w;
    w.name = json.value(QLatin1String("name")).toString();
    w.matchLabels = json.value(QLatin1String("matchLabels")).toObject();
    w.replicas = json.value(QLatin1String("replicas")).toInt(1);
    w.role = json.value(QLatin1String("role")).toString();
    w.container = json.value(QLatin1String("container")).toString();
    w.image = json.value(QLatin1String("image")).toString();
    w.port = json.value(QLatin1String("port")).toInt();
    w.logs = json.value(QLatin1String("logs")).toString();
    return w;
}

QJsonObject KubeClusterConfig::toJson() const
{
    QJsonArray w;
    for (const KubeWorkload &workload : workloads)
        w.append(workload.toJson());
    return {{QStringLiteral("name"), name},
            {QStringLiteral("context"), context},
            {QStringLiteral("user"), user},
            {QStringLiteral("token"), token},
            {QStringLiteral("namespace"), ns},
            {QStringLiteral("port"), port},
            {QStringLiteral("index"), index},
            {QStringLiteral("nodes"), nodes},
            {QStringLiteral("tickMs"), tickMs},
            {QStringLiteral("workloads"), w}};
}

KubeClusterConfig KubeClusterConfig::fromJson(const QJsonObject &json)
{
    KubeClusterConfig c;
    c.name = json.value(QLatin1String("name")).toString();
    c.context = json.value(QLatin1String("context")).toString();
    c.user = json.value(QLatin1String("user")).toString();
    c.token = json.value(QLatin1String("token")).toString();
    c.ns = json.value(QLatin1String("namespace")).toString();
    c.port = quint16(json.value(QLatin1String("port")).toInt());
    c.index = json.value(QLatin1String("index")).toInt();
    c.nodes = json.value(QLatin1String("nodes")).toInt(3);
    c.tickMs = json.value(QLatin1String("tickMs")).toInt(600);
    for (const QJsonValue &w : json.value(QLatin1String("workloads")).toArray())
        c.workloads.append(KubeWorkload::fromJson(w.toObject()));
    return c;
}

QJsonObject KubeServeConfig::toJson() const
{
    QJsonArray c;
    for (const KubeClusterConfig &cluster : clusters)
        c.append(cluster.toJson());
    return {{QStringLiteral("clusters"), c},
            {QStringLiteral("certificateFile"), certificateFile},
            {QStringLiteral("keyFile"), keyFile},
            {QStringLiteral("controlPort"), controlPort},
            {QStringLiteral("controlToken"), controlToken},
            {QStringLiteral("services"), services}};
}

core::Result<KubeServeConfig> KubeServeConfig::fromJson(const QJsonObject &json)
{
    KubeServeConfig s;
    for (const QJsonValue &c : json.value(QLatin1String("clusters")).toArray())
        s.clusters.append(KubeClusterConfig::fromJson(c.toObject()));
    s.certificateFile = json.value(QLatin1String("certificateFile")).toString();
    s.keyFile = json.value(QLatin1String("keyFile")).toString();
    s.controlPort = quint16(json.value(QLatin1String("controlPort")).toInt());
    s.controlToken = json.value(QLatin1String("controlToken")).toString();
    s.services = json.value(QLatin1String("services")).toObject();
    if (s.clusters.isEmpty() || s.certificateFile.isEmpty() || s.keyFile.isEmpty()
        || s.controlToken.isEmpty())
        return core::fail(core::Error::badInput(
            QStringLiteral("the simulated cluster's configuration is incomplete")));
    for (const KubeClusterConfig &c : s.clusters) {
        if (c.port == 0 || c.token.isEmpty() || c.ns.isEmpty())
            return core::fail(core::Error::badInput(
                QStringLiteral("cluster %1: port, token or namespace missing").arg(c.name)));
    }
    return s;
}

} // namespace ragdr::sandbox
