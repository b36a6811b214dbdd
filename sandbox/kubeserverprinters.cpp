#include "kubeserverprinters.h"

#include <QJsonArray>

// Ported from kubernetes pkg/printers/internalversion/printers.go (printReplicaSet,
// printNamespace, printService, printConfigMap, printSecret and their column definitions), over
// the API objects as JSON, with core's KubePrinters for what every printer shares.

namespace ragdr::sandbox {

using core::KubeColumn;
using core::KubePrinters;
using core::KubeTableRow;

QList<KubeColumn> KubeServerPrinters::replicaSetColumns()
{
    const QString integerType = QStringLiteral("integer");
    const QString str = QStringLiteral("string");
    return {KubePrinters::nameColumn(),
            KubePrinters::column(QStringLiteral("Desired"),
                                 integerType,
                                 0,
                                 QStringLiteral("Replicas is the number of desired replicas.")),
            KubePrinters::column(QStringLiteral("Current"),
                                 integerType,
                                 0,
                                 QStringLiteral(
                                     "Replicas is the most recently observed number of replicas.")),
            KubePrinters::column(QStringLiteral("Ready"),
                                 integerType,
                                 0,
                                 QStringLiteral(
                                     "The number of ready replicas for this replica set.")),
            KubePrinters::ageColumn(),
            KubePrinters::column(QStringLiteral("Containers"),
                                 str,
                                 1,
                                 QStringLiteral("Names of each container in the template.")),
            KubePrinters::column(QStringLiteral("Images"),
                                 str,
                                 1,
                                 QStringLiteral(
                                     "Images referenced by each container in the template.")),
            KubePrinters::column(
                QStringLiteral("Selector"),
                str,
                1,
                QStringLiteral(
                    "Selector is a label query over pods that should match the replica count."))};
}

KubeTableRow KubeServerPrinters::replicaSet(const QJsonObject &replicaSet, const QDateTime &now)
{
    const QJsonObject spec = replicaSet.value(QLatin1String("spec")).toObject();
    const QJsonObject status = replicaSet.value(QLatin1String("status")).toObject();
    const auto [names, images] = KubePrinters::containerCells(
        spec.value(QLatin1String("template")).toObject().value(QLatin1String("spec")).toObject());
    KubeTableRow row;
    row.cells = {KubePrinters::name(replicaSet),
                 KubePrinters::integer(spec, QLatin1String("replicas"), 1),
                 KubePrinters::integer(status, QLatin1String("replicas")),
                 KubePrinters::integer(status, QLatin1String("readyReplicas")),
                 KubePrinters::age(replicaSet, now),
                 names,
                 images,
                 KubePrinters::formatLabelSelector(
                     spec.value(QLatin1String("selector")).toObject())};
    return row;
}

QList<KubeColumn> KubeServerPrinters::namespaceColumns()
{
    return {KubePrinters::nameColumn(),
            KubePrinters::column(QStringLiteral("Status"),
                                 QStringLiteral("string"),
                                 0,
                                 QStringLiteral("The status of the namespace")),
            KubePrinters::ageColumn()};
}

KubeTableRow KubeServerPrinters::namespaceRow(const QJsonObject &ns, const QDateTime &now)
{
    KubeTableRow row;
    row.cells
        = {KubePrinters::name(ns),
           ns.value(QLatin1String("status")).toObject().value(QLatin1String("phase")).toString(),
           KubePrinters::age(ns, now)};
    return row;
}

QList<KubeColumn> KubeServerPrinters::serviceColumns()
{
    const QString str = QStringLiteral("string");
    return {KubePrinters::nameColumn(),
            KubePrinters::column(QStringLiteral("Type"),
                                 str,
                                 0,
                                 QStringLiteral("type determines how the Service is exposed.")),
            KubePrinters::column(QStringLiteral("Cluster-IP"),
                                 str,
                                 0,
                                 QStringLiteral("clusterIP is the IP address of the service.")),
            KubePrinters::column(QStringLiteral("External-IP"),
                                 str,
                                 0,
                                 QStringLiteral(
                                     "externalIPs is a list of IP addresses for which nodes in the "
                                     "cluster will also accept traffic for this service.")),
            KubePrinters::column(QStringLiteral("Port(s)"),
                                 str,
                                 0,
                                 QStringLiteral(
                                     "The list of ports that are exposed by this service.")),
            KubePrinters::ageColumn(),
            KubePrinters::column(QStringLiteral("Selector"),
                                 str,
                                 1,
                                 QStringLiteral(
                                     "Route service traffic to pods with label keys and values "
                                     "matching this selector."))};
}

// printService and getServiceExternalIP / makePortString in printers.go.
KubeTableRow KubeServerPrinters::service(const QJsonObject &service, const QDateTime &now)
{
    const QJsonObject spec = service.value(QLatin1String("spec")).toObject();
    const QString type = spec.value(QLatin1String("type")).toString(QStringLiteral("ClusterIP"));
    const QJsonArray clusterIPs = spec.value(QLatin1String("clusterIPs")).toArray();
    QString internalIP = QStringLiteral("<none>");
    if (!clusterIPs.isEmpty())
        internalIP = clusterIPs.first().toString();
    QStringList external;
    for (const QJsonValue &ip : spec.value(QLatin1String("externalIPs")).toArray())
        external.append(ip.toString());
    QString externalIP;
    if (type == QLatin1String("ClusterIP") || type == QLatin1String("NodePort")) {
        externalIP = external.isEmpty() ? QStringLiteral("<none>")
                                        : external.join(QLatin1Char(','));
    } else if (type == QLatin1String("LoadBalancer")) {
        for (const QJsonValue &ingress : service.value(QLatin1String("status"))
                                             .toObject()
                                             .value(QLatin1String("loadBalancer"))
                                             .toObject()
                                             .value(QLatin1String("ingress"))
                                             .toArray()) {
            const QJsonObject i = ingress.toObject();
            const QString ip = i.value(QLatin1String("ip")).toString();
            external.append(ip.isEmpty() ? i.value(QLatin1String("hostname")).toString() : ip);
        }
        externalIP = external.isEmpty() ? QStringLiteral("<pending>")
                                        : external.join(QLatin1Char(','));
    } else if (type == QLatin1String("ExternalName")) {
        externalIP = spec.value(QLatin1String("externalName")).toString();
    } else {
        externalIP = QStringLiteral("<unknown>");
    }
    QStringList ports;
    for (const QJsonValue &p : spec.value(QLatin1String("ports")).toArray()) {
        const QJsonObject port = p.toObject();
        const QString protocol
            = port.value(QLatin1String("protocol")).toString(QStringLiteral("TCP"));
        const int nodePort = port.value(QLatin1String("nodePort")).toInt();
        ports.append(nodePort > 0 ? QStringLiteral("%1:%2/%3")
                                        .arg(port.value(QLatin1String("port")).toInt())
                                        .arg(nodePort)
                                        .arg(protocol)
                                  : QStringLiteral("%1/%2")
                                        .arg(port.value(QLatin1String("port")).toInt())
                                        .arg(protocol));
    }
    KubeTableRow row;
    row.cells = {KubePrinters::name(service),
                 type,
                 internalIP,
                 externalIP,
                 ports.isEmpty() ? QStringLiteral("<none>") : ports.join(QLatin1Char(',')),
                 KubePrinters::age(service, now),
                 formatLabels(spec.value(QLatin1String("selector")).toObject())};
    return row;
}

QList<KubeColumn> KubeServerPrinters::configMapColumns()
{
    return {KubePrinters::nameColumn(),
            KubePrinters::column(QStringLiteral("Data"),
                                 QStringLiteral("string"),
                                 0,
                                 QStringLiteral("Data contains the configuration data.")),
            KubePrinters::ageColumn()};
}

KubeTableRow KubeServerPrinters::configMap(const QJsonObject &configMap, const QDateTime &now)
{
    KubeTableRow row;
    row.cells = {KubePrinters::name(configMap),
                 qint64(configMap.value(QLatin1String("data")).toObject().size()
                        + configMap.value(QLatin1String("binaryData")).toObject().size()),
                 KubePrinters::age(configMap, now)};
    return row;
}

QList<KubeColumn> KubeServerPrinters::secretColumns()
{
    return {KubePrinters::nameColumn(),
            KubePrinters::column(QStringLiteral("Type"),
                                 QStringLiteral("string"),
                                 0,
                                 QStringLiteral(
                                     "Used to facilitate programmatic handling of secret data.")),
            KubePrinters::column(QStringLiteral("Data"),
                                 QStringLiteral("string"),
                                 0,
                                 QStringLiteral("Data contains the secret data.")),
            KubePrinters::ageColumn()};
}

KubeTableRow KubeServerPrinters::secret(const QJsonObject &secret, const QDateTime &now)
{
    KubeTableRow row;
    row.cells = {KubePrinters::name(secret),
                 secret.value(QLatin1String("type")).toString(),
                 qint64(secret.value(QLatin1String("data")).toObject().size()),
                 KubePrinters::age(secret, now)};
    return row;
}

QString KubeServerPrinters::formatLabels(const QJsonObject &labels)
{
    QStringList parts;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        parts.append(it.key() + QLatin1Char('=') + it.value().toString());
    parts.sort();
    return parts.isEmpty() ? QStringLiteral("<none>") : parts.join(QLatin1Char(','));
}

} // namespace ragdr::sandbox
