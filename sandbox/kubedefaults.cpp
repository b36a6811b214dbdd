#include "kubedefaults.h"

#include "kubeobject.h"

#include <QJsonArray>

namespace ragdr::sandbox {

QJsonObject KubeDefaults::container(QJsonObject c)
{
    if (!c.contains(QLatin1String("terminationMessagePath")))
        c.insert(QStringLiteral("terminationMessagePath"), QStringLiteral("/dev/termination-log"));
    if (!c.contains(QLatin1String("terminationMessagePolicy")))
        c.insert(QStringLiteral("terminationMessagePolicy"), QStringLiteral("File"));
    if (!c.contains(QLatin1String("imagePullPolicy"))) {
        const QString image = c.value(QLatin1String("image")).toString();
        const bool latest = image.endsWith(QLatin1String(":latest"))
                            || !image.section(QLatin1Char('/'), -1).contains(QLatin1Char(':'));
        c.insert(QStringLiteral("imagePullPolicy"),
                 latest ? QStringLiteral("Always") : QStringLiteral("IfNotPresent"));
    }
    if (!c.contains(QLatin1String("resources")))
        c.insert(QStringLiteral("resources"), QJsonObject());
    QJsonArray ports;
    for (const QJsonValue &p : c.value(QLatin1String("ports")).toArray()) {
        QJsonObject port = p.toObject();
        if (!port.contains(QLatin1String("protocol")))
            port.insert(QStringLiteral("protocol"), QStringLiteral("TCP"));
        ports.append(port);
    }
    if (!ports.isEmpty())
        c.insert(QStringLiteral("ports"), ports);
    return c;
}

QJsonObject KubeDefaults::podSpec(QJsonObject spec)
{
    for (const char *field : {"containers", "initContainers"}) {
        const QString f = QString::fromLatin1(field);
        if (!spec.contains(f))
            continue;
        QJsonArray list;
        for (const QJsonValue &c : spec.value(f).toArray())
            list.append(container(c.toObject()));
        spec.insert(f, list);
    }
    const std::pair<const char *, QJsonValue> defaults[] = {
        {"restartPolicy", QStringLiteral("Always")},
        {"terminationGracePeriodSeconds", 30},
        {"dnsPolicy", QStringLiteral("ClusterFirst")},
        {"securityContext", QJsonObject()},
        {"schedulerName", QStringLiteral("default-scheduler")},
    };
    for (const auto &[key, value] : defaults) {
        if (!spec.contains(QLatin1String(key)))
            spec.insert(QLatin1String(key), value);
    }
    return spec;
}

QJsonObject KubeDefaults::pod(QJsonObject pod)
{
    pod.insert(QStringLiteral("apiVersion"), QStringLiteral("v1"));
    pod.insert(QStringLiteral("kind"), QStringLiteral("Pod"));
    QJsonObject spec = podSpec(pod.value(QLatin1String("spec")).toObject());
    if (!spec.contains(QLatin1String("serviceAccountName")))
        spec.insert(QStringLiteral("serviceAccountName"), QStringLiteral("default"));
    pod.insert(QStringLiteral("spec"), spec);
    pod.insert(QStringLiteral("status"),
               QJsonObject{{QStringLiteral("phase"), QStringLiteral("Pending")},
                           {QStringLiteral("qosClass"), QStringLiteral("BestEffort")}});
    return pod;
}

QJsonObject KubeDefaults::deployment(QJsonObject deployment)
{
    deployment.insert(QStringLiteral("apiVersion"), QStringLiteral("apps/v1"));
    deployment.insert(QStringLiteral("kind"), QStringLiteral("Deployment"));
    QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    if (!spec.contains(QLatin1String("replicas")))
        spec.insert(QStringLiteral("replicas"), 1);
    QJsonObject strategy = spec.value(QLatin1String("strategy")).toObject();
    if (strategy.value(QLatin1String("type")).toString().isEmpty())
        strategy.insert(QStringLiteral("type"), QStringLiteral("RollingUpdate"));
    if (strategy.value(QLatin1String("type")).toString() == QLatin1String("RollingUpdate")) {
        QJsonObject rolling = strategy.value(QLatin1String("rollingUpdate")).toObject();
        if (!rolling.contains(QLatin1String("maxUnavailable")))
            rolling.insert(QStringLiteral("maxUnavailable"), QStringLiteral("25%"));
        if (!rolling.contains(QLatin1String("maxSurge")))
            rolling.insert(QStringLiteral("maxSurge"), QStringLiteral("25%"));
        strategy.insert(QStringLiteral("rollingUpdate"), rolling);
    }
    spec.insert(QStringLiteral("strategy"), strategy);
    if (!spec.contains(QLatin1String("revisionHistoryLimit")))
        spec.insert(QStringLiteral("revisionHistoryLimit"), 10);
    if (!spec.contains(QLatin1String("progressDeadlineSeconds")))
        spec.insert(QStringLiteral("progressDeadlineSeconds"), 600);
    QJsonObject podTemplate = spec.value(QLatin1String("template")).toObject();
    podTemplate.insert(QStringLiteral("spec"),
                       podSpec(podTemplate.value(QLatin1String("spec")).toObject()));
    spec.insert(QStringLiteral("template"), podTemplate);
    deployment.insert(QStringLiteral("spec"), spec);
    QJsonObject m = kubeobject::meta(deployment);
    m.insert(QStringLiteral("generation"), 1);
    deployment.insert(QStringLiteral("metadata"), m);
    deployment.insert(QStringLiteral("status"), QJsonObject());
    return deployment;
}

} // namespace ragdr::sandbox
