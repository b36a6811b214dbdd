#pragma once

#include "core/cluster/kubeprinters.h"

namespace ragdr::sandbox {

// kube-apiserver's printers for the kinds the drill's API server serves and the console never
// shows (printers.go: printReplicaSet, printNamespace, printService, printConfigMap,
// printSecret), so that `kubectl get` prints the drill's objects as a real cluster's.
class KubeServerPrinters final
{
public:
    static QList<core::KubeColumn> replicaSetColumns();
    static core::KubeTableRow replicaSet(const QJsonObject &replicaSet, const QDateTime &now);

    static QList<core::KubeColumn> namespaceColumns();
    static core::KubeTableRow namespaceRow(const QJsonObject &ns, const QDateTime &now);

    static QList<core::KubeColumn> serviceColumns();
    static core::KubeTableRow service(const QJsonObject &service, const QDateTime &now);

    static QList<core::KubeColumn> configMapColumns();
    static core::KubeTableRow configMap(const QJsonObject &configMap, const QDateTime &now);

    // Only the number of keys: a Secret's values never reach a printer.
    static QList<core::KubeColumn> secretColumns();
    static core::KubeTableRow secret(const QJsonObject &secret, const QDateTime &now);

    // labels.FormatLabels: "a=1,b=2" sorted by key, "<none>" when empty.
    static QString formatLabels(const QJsonObject &labels);
};

} // namespace ragdr::sandbox
