#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <utility>

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

// The rows kube-apiserver computes for `kubectl get` of the kinds the console shows, ported from
// kubernetes pkg/printers/internalversion/printers.go (printPod, printDeployment, printEvent)
// over the API objects as JSON. The console, the CLI and the sandbox's API server all derive
// STATUS, READY, RESTARTS and AGE here, so that they agree with each other and with kubectl.
// `now` is a parameter so that ages are reproducible. The kinds only the drill's API server
// prints have their printers in sandbox/ (KubeServerPrinters).
class KubePrinters final
{
public:
    static QList<KubeColumn> podColumns();
    static KubeTableRow pod(const QJsonObject &pod, const QDateTime &now);

    static QList<KubeColumn> deploymentColumns();
    static KubeTableRow deployment(const QJsonObject &deployment, const QDateTime &now);

    // core/v1 Events.
    static QList<KubeColumn> eventColumns();
    static KubeTableRow event(const QJsonObject &event, const QDateTime &now);

    // metav1.LabelSelectorAsSelector(...).String(): "app=rag-api,tier in (a,b)", requirements
    // sorted by key; "" for a missing or empty selector, "<invalid>" for an unknown operator.
    static QString formatLabelSelector(const QJsonObject &selector);

    // What every printer is made of, for the printers of the kinds only the drill's API server
    // prints (sandbox/kubeserverprinters).
    static KubeColumn nameColumn();
    static KubeColumn column(const QString &name,
                             const QString &type,
                             int priority,
                             const QString &description);
    static KubeColumn ageColumn();
    // The AGE cell: HumanDuration since metadata.creationTimestamp.
    static QString age(const QJsonObject &object, const QDateTime &now);
    static QString name(const QJsonObject &object);
    // A JSON number as Go reads an int field: fallback when it is missing.
    static qint64 integer(const QJsonObject &o, QLatin1String key, qint64 fallback = 0);
    // The CONTAINERS and IMAGES cells of a pod template's spec.
    static std::pair<QString, QString> containerCells(const QJsonObject &podSpec);
};

} // namespace ragdr::core
