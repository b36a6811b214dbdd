#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace ragdr::core {

// One column of a meta.k8s.io/v1 Table, as kube-apiserver declares it.
struct KubeColumn
{
    QString name;
    QString type;     // "string" or "integer"
    QString format;   // "name" for the object's name column
    int priority = 0; // 1: shown by kubectl only with -o wide
    QString description;

    QJsonObject toJson() const;
};

// One row: the cells in column order (always the wide set, as kube-apiserver sends them) and the
// row conditions ("Completed" for pods that succeeded or failed).
struct KubeTableRow
{
    QJsonArray cells;
    QJsonArray conditions;

    // The cells of the priority-0 columns only: what `kubectl get` shows without -o wide.
    QJsonArray narrowCells(const QList<KubeColumn> &columns) const;
};

// The rows kube-apiserver computes for `kubectl get`, ported from kubernetes
// pkg/printers/internalversion/printers.go (printPod, printDeployment, printReplicaSet,
// printEvent, printNamespace) over the API objects as JSON. The console, the CLI and the
// sandbox's API server all derive STATUS, READY, RESTARTS and AGE here, so that they agree with
// each other and with kubectl. `now` is a parameter so that ages are reproducible.
class KubePrinters final
{
public:
    static QList<KubeColumn> podColumns();
    static KubeTableRow pod(const QJsonObject &pod, const QDateTime &now);

    static QList<KubeColumn> deploymentColumns();
    static KubeTableRow deployment(const QJsonObject &deployment, const QDateTime &now);

    static QList<KubeColumn> replicaSetColumns();
    static KubeTableRow replicaSet(const QJsonObject &replicaSet, const QDateTime &now);

    // core/v1 Events.
    static QList<KubeColumn> eventColumns();
    static KubeTableRow event(const QJsonObject &event, const QDateTime &now);

    static QList<KubeColumn> namespaceColumns();
    static KubeTableRow namespaceRow(const QJsonObject &ns, const QDateTime &now);

    static QList<KubeColumn> serviceColumns();
    static KubeTableRow service(const QJsonObject &service, const QDateTime &now);

    static QList<KubeColumn> configMapColumns();
    static KubeTableRow configMap(const QJsonObject &configMap, const QDateTime &now);

    // Only the number of keys: a Secret's values never reach a printer.
    static QList<KubeColumn> secretColumns();
    static KubeTableRow secret(const QJsonObject &secret, const QDateTime &now);

    // metav1.LabelSelectorAsSelector(...).String(): "app=rag-api,tier in (a,b)", requirements
    // sorted by key; "" for a missing or empty selector, "<invalid>" for an unknown operator.
    static QString formatLabelSelector(const QJsonObject &selector);

    // labels.FormatLabels: "a=1,b=2" sorted by key, "<none>" when empty.
    static QString formatLabels(const QJsonObject &labels);
};

} // namespace ragdr::core
