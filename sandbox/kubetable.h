#pragma once

#include "core/cluster/kubeprinters.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace ragdr::sandbox {

// The resources the drill's API server serves and prints as tables.
enum class KubeResource {
    Pods,
    Deployments,
    ReplicaSets,
    Events,
    Namespaces,
    Services,
    ConfigMaps,
    Secrets,
};

struct KubeTableOptions
{
    // ?includeObject=: what each row carries besides its cells. kube-apiserver's default,
    // Metadata, is what kubectl needs for -A and --show-labels.
    enum class IncludeObject { None, Metadata, Object };
    IncludeObject includeObject = IncludeObject::Metadata;
    // Watch events after the first leave the columns out; kubectl reuses the last ones it saw.
    bool includeColumns = true;
    QString apiVersion = QStringLiteral("meta.k8s.io/v1"); // or meta.k8s.io/v1beta1
    QString resourceVersion;
    QString continueToken;
    std::optional<qint64> remainingItemCount;
};

// Builds the meta.k8s.io/v1 Table that kube-apiserver returns for
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, with the cells from core's KubePrinters
// (the kinds the console shows too) and KubeServerPrinters, so that kubectl prints our rows
// exactly as it prints a real cluster's.
class KubeTable final
{
public:
    static QList<core::KubeColumn> columns(KubeResource resource);
    static core::KubeTableRow row(KubeResource resource,
                                  const QJsonObject &object,
                                  const QDateTime &now);

    static QJsonObject build(KubeResource resource,
                             const QList<QJsonObject> &objects,
                             const QDateTime &now,
                             const KubeTableOptions &options = {});

    // {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{...}}
    static QJsonObject partialObjectMetadata(const QJsonObject &object);

    // "pods" -> Pods, and so on; nullopt for a resource without a printer.
    static std::optional<KubeResource> resourceFromName(const QString &plural);
};

} // namespace ragdr::sandbox
