#include "kubetable.h"

#include "kubeserverprinters.h"

#include <QJsonArray>

namespace ragdr::sandbox {

using core::KubeColumn;
using core::KubePrinters;
using core::KubeTableRow;

QList<KubeColumn> KubeTable::columns(KubeResource resource)
{
    switch (resource) {
    case KubeResource::Pods:
        return KubePrinters::podColumns();
    case KubeResource::Deployments:
        return KubePrinters::deploymentColumns();
    case KubeResource::ReplicaSets:
        return KubeServerPrinters::replicaSetColumns();
    case KubeResource::Events:
        return KubePrinters::eventColumns();
    case KubeResource::Namespaces:
        return KubeServerPrinters::namespaceColumns();
    case KubeResource::Services:
        return KubeServerPrinters::serviceColumns();
    case KubeResource::ConfigMaps:
        return KubeServerPrinters::configMapColumns();
    case KubeResource::Secrets:
        return KubeServerPrinters::secretColumns();
    }
    return {};
}

KubeTableRow KubeTable::row(KubeResource resource, const QJsonObject &object, const QDateTime &now)
{
    switch (resource) {
    case KubeResource::Pods:
        return KubePrinters::pod(object, now);
    case KubeResource::Deployments:
        return KubePrinters::deployment(object, now);
    case KubeResource::ReplicaSets:
        return KubeServerPrinters::replicaSet(object, now);
    case KubeResource::Events:
        return KubePrinters::event(object, now);
    case KubeResource::Namespaces:
        return KubeServerPrinters::namespaceRow(object, now);
    case KubeResource::Services:
        return KubeServerPrinters::service(object, now);
    case KubeResource::ConfigMaps:
        return KubeServerPrinters::configMap(object, now);
    case KubeResource::Secrets:
        return KubeServerPrinters::secret(object, now);
    }
    return {};
}

QJsonObject KubeTable::partialObjectMetadata(const QJsonObject &object)
{
    return {{QStringLiteral("kind"), QStringLiteral("PartialObjectMetadata")},
            {QStringLiteral("apiVersion"), QStringLiteral("meta.k8s.io/v1")},
            {QStringLiteral("metadata"), object.value(QLatin1String("metadata"))}};
}

QJsonObject KubeTable::build(KubeResource resource,
                             const QList<QJsonObject> &objects,
                             const QDateTime &now,
                             const KubeTableOptions &options)
{
    QJsonObject meta;
    if (!options.resourceVersion.isEmpty())
        meta.insert(QStringLiteral("resourceVersion"), options.resourceVersion);
    if (!options.continueToken.isEmpty())
        meta.insert(QStringLiteral("continue"), options.continueToken);
    if (options.remainingItemCount)
        meta.insert(QStringLiteral("remainingItemCount"), *options.remainingItemCount);

    QJsonValue columnDefinitions = QJsonValue::Null;
    if (options.includeColumns) {
        QJsonArray defs;
        for (const KubeColumn &c : columns(resource))
            defs.append(c.toJson());
        columnDefinitions = defs;
    }

    QJsonArray rows;
    for (const QJsonObject &object : objects) {
        const KubeTableRow r = row(resource, object, now);
        QJsonObject jsonRow{{QStringLiteral("cells"), r.cells}};
        if (!r.conditions.isEmpty())
            jsonRow.insert(QStringLiteral("conditions"), r.conditions);
        switch (options.includeObject) {
        case KubeTableOptions::IncludeObject::None:
            break;
        case KubeTableOptions::IncludeObject::Metadata:
            jsonRow.insert(QStringLiteral("object"), partialObjectMetadata(object));
            break;
        case KubeTableOptions::IncludeObject::Object:
            jsonRow.insert(QStringLiteral("object"), object);
            break;
        }
        rows.append(jsonRow);
    }
    return {{QStringLiteral("kind"), QStringLiteral("Table")},
            {QStringLiteral("apiVersion"), options.apiVersion},
            {QStringLiteral("metadata"), meta},
            {QStringLiteral("columnDefinitions"), columnDefinitions},
            {QStringLiteral("rows"), rows}};
}

std::optional<KubeResource> KubeTable::resourceFromName(const QString &plural)
{
    if (plural == QLatin1String("pods"))
        return KubeResource::Pods;
    if (plural == QLatin1String("deployments"))
        return KubeResource::Deployments;
    if (plural == QLatin1String("replicasets"))
        return KubeResource::ReplicaSets;
    if (plural == QLatin1String("events"))
        return KubeResource::Events;
    if (plural == QLatin1String("namespaces"))
        return KubeResource::Namespaces;
    if (plural == QLatin1String("services"))
        return KubeResource::Services;
    if (plural == QLatin1String("configmaps"))
        return KubeResource::ConfigMaps;
    if (plural == QLatin1String("secrets"))
        return KubeResource::Secrets;
    return std::nullopt;
}

} // namespace ragdr::sandbox
