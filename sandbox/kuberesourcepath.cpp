#include "kuberesourcepath.h"

namespace ragdr::sandbox {

QString KubeResourcePath::Info::qualified() const
{
    return group.isEmpty() ? plural : plural + QLatin1Char('.') + group;
}

QString KubeResourcePath::Info::apiVersion() const
{
    return group.isEmpty() ? version : group + QLatin1Char('/') + version;
}

std::optional<KubeResourcePath> KubeResourcePath::parse(const QStringList &segments)
{
    // /api/v1/... or /apis/{group}/v1/...
    qsizetype at = 0;
    QString group;
    if (segments.value(0) == QLatin1String("api") && segments.value(1) == QLatin1String("v1")) {
        at = 2;
    } else if (segments.value(0) == QLatin1String("apis")
               && segments.value(2) == QLatin1String("v1")) {
        group = segments.value(1);
        at = 3;
    } else {
        return std::nullopt;
    }
    QStringList rest = segments.mid(at);
    KubeResourcePath t;
    if (rest.value(0) == QLatin1String("namespaces") && rest.size() >= 3) {
        t.ns = rest.at(1);
        rest = rest.mid(2);
    }
    static const QList<Info> resources{
        {KubeResource::Pods,
         QString(),
         QStringLiteral("v1"),
         QStringLiteral("pods"),
         QStringLiteral("Pod"),
         true},
        {KubeResource::Events,
         QString(),
         QStringLiteral("v1"),
         QStringLiteral("events"),
         QStringLiteral("Event"),
         true},
        {KubeResource::Namespaces,
         QString(),
         QStringLiteral("v1"),
         QStringLiteral("namespaces"),
         QStringLiteral("Namespace"),
         false},
        {KubeResource::Services,
         QString(),
         QStringLiteral("v1"),
         QStringLiteral("services"),
         QStringLiteral("Service"),
         true},
        {KubeResource::ConfigMaps,
         QString(),
         QStringLiteral("v1"),
         QStringLiteral("configmaps"),
         QStringLiteral("ConfigMap"),
         true},
        {KubeResource::Secrets,
         QString(),
         QStringLiteral("v1"),
         QStringLiteral("secrets"),
         QStringLiteral("Secret"),
         true},
        {KubeResource::Deployments,
         QStringLiteral("apps"),
         QStringLiteral("v1"),
         QStringLiteral("deployments"),
         QStringLiteral("Deployment"),
         true},
        {KubeResource::ReplicaSets,
         QStringLiteral("apps"),
         QStringLiteral("v1"),
         QStringLiteral("replicasets"),
         QStringLiteral("ReplicaSet"),
         true},
    };
    for (const Info &info : resources) {
        if (info.plural == rest.value(0) && info.group == group) {
            if (!info.namespaced && !t.ns.isEmpty())
                return std::nullopt;
            t.info = info;
            t.name = rest.value(1);
            t.subresource = rest.value(2);
            if (rest.size() > 3)
                return std::nullopt;
            return t;
        }
    }
    return std::nullopt;
}

} // namespace ragdr::sandbox
