#include "kubediscovery.h"

#include "kubeapireply.h"
#include "kubemediatype.h"

#include <QJsonArray>

#include <tuple>

namespace ragdr::sandbox {

namespace {

QJsonArray strings(std::initializer_list<const char *> items)
{
    QJsonArray a;
    for (const char *i : items)
        a.append(QLatin1String(i));
    return a;
}

// The verbs of a resource that can be read and written in every way.
QJsonArray allVerbs()
{
    return strings(
        {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"});
}

QJsonObject groupVersionKind(const char *group, const char *version, const char *kind)
{
    return {{QStringLiteral("group"), QLatin1String(group)},
            {QStringLiteral("version"), QLatin1String(version)},
            {QStringLiteral("kind"), QLatin1String(kind)}};
}

struct DiscoveryResource
{
    const char *plural;
    const char *singular;
    const char *group;
    const char *version;
    const char *kind;
    bool namespaced;
    QJsonArray verbs;
    QJsonArray shortNames;
    QList<std::tuple<const char *, QJsonObject, QJsonArray>> subresources; // name, responseKind, verbs
};

QList<DiscoveryResource> coreResources()
{
    const QJsonArray all = allVerbs();
    return {{"pods",
             "pod",
             "",
             "v1",
             "Pod",
             true,
             all,
             strings({"po"}),
             {{"log", groupVersionKind("", "v1", "Pod"), strings({"get"})},
              {"status", groupVersionKind("", "v1", "Pod"), strings({"get"})}}},
            {"events", "event", "", "v1", "Event", true, all, strings({"ev"}), {}},
            {"services", "service", "", "v1", "Service", true, all, strings({"svc"}), {}},
            {"configmaps", "configmap", "", "v1", "ConfigMap", true, all, strings({"cm"}), {}},
            {"secrets", "secret", "", "v1", "Secret", true, all, QJsonArray(), {}},
            {"namespaces",
             "namespace",
             "",
             "v1",
             "Namespace",
             false,
             strings({"create", "delete", "get", "list", "patch", "update", "watch"}),
             strings({"ns"}),
             {}}};
}

QList<DiscoveryResource> appsResources()
{
    const QJsonArray all = allVerbs();
    return {{"deployments",
             "deployment",
             "apps",
             "v1",
             "Deployment",
             true,
             all,
             strings({"deploy"}),
             {{"scale",
               groupVersionKind("autoscaling", "v1", "Scale"),
               strings({"get", "patch", "update"})},
              {"status", groupVersionKind("apps", "v1", "Deployment"), strings({"get"})}}},
            {"replicasets",
             "replicaset",
             "apps",
             "v1",
             "ReplicaSet",
             true,
             all,
             strings({"rs"}),
             {{"status", groupVersionKind("apps", "v1", "ReplicaSet"), strings({"get"})}}}};
}

QList<DiscoveryResource> authorizationResources()
{
    return {{"selfsubjectaccessreviews",
             "selfsubjectaccessreview",
             "authorization.k8s.io",
             "v1",
             "SelfSubjectAccessReview",
             false,
             strings({"create"}),
             QJsonArray(),
             {}}};
}

QJsonObject aggregatedGroup(const char *name,
                            const char *version,
                            const QList<DiscoveryResource> &resources)
{
    QJsonArray list;
    for (const DiscoveryResource &r : resources) {
        QJsonObject o{{QStringLiteral("resource"), QLatin1String(r.plural)},
                      {QStringLiteral("responseKind"), groupVersionKind(r.group, r.version, r.kind)},
                      {QStringLiteral("scope"),
                       r.namespaced ? QStringLiteral("Namespaced") : QStringLiteral("Cluster")},
                      {QStringLiteral("singularResource"), QLatin1String(r.singular)},
                      {QStringLiteral("verbs"), r.verbs}};
        if (!r.shortNames.isEmpty())
            o.insert(QStringLiteral("shortNames"), r.shortNames);
        // `kubectl get all` means the workloads, as in a real cluster: not events or namespaces.
        const QLatin1String plural(r.plural);
        if (plural == QLatin1String("pods") || plural == QLatin1String("deployments")
            || plural == QLatin1String("replicasets")) {
            o.insert(QStringLiteral("categories"), strings({"all"}));
        }
        QJsonArray subs;
        for (const auto &[sub, kind, verbs] : r.subresources)
            subs.append(QJsonObject{{QStringLiteral("subresource"), QLatin1String(sub)},
                                    {QStringLiteral("responseKind"), kind},
                                    {QStringLiteral("verbs"), verbs}});
        if (!subs.isEmpty())
            o.insert(QStringLiteral("subresources"), subs);
        list.append(o);
    }
    QJsonObject meta{{QStringLiteral("creationTimestamp"), QJsonValue::Null}};
    if (*name)
        meta.insert(QStringLiteral("name"), QLatin1String(name));
    return {{QStringLiteral("metadata"), meta},
            {QStringLiteral("versions"),
             QJsonArray{QJsonObject{{QStringLiteral("version"), QLatin1String(version)},
                                    {QStringLiteral("resources"), list},
                                    {QStringLiteral("freshness"), QStringLiteral("Current")}}}}};
}

QJsonObject resourceList(const QString &groupVersion, const QList<DiscoveryResource> &resources)
{
    QJsonArray list;
    for (const DiscoveryResource &r : resources) {
        QJsonObject o{{QStringLiteral("name"), QLatin1String(r.plural)},
                      {QStringLiteral("singularName"), QLatin1String(r.singular)},
                      {QStringLiteral("namespaced"), r.namespaced},
                      {QStringLiteral("kind"), QLatin1String(r.kind)},
                      {QStringLiteral("verbs"), r.verbs}};
        if (!r.shortNames.isEmpty())
            o.insert(QStringLiteral("shortNames"), r.shortNames);
        list.append(o);
        for (const auto &[sub, kind, verbs] : r.subresources) {
            QJsonObject s{{QStringLiteral("name"),
                           QString(QLatin1String(r.plural) + QLatin1Char('/') + QLatin1String(sub))},
                          {QStringLiteral("singularName"), QString()},
                          {QStringLiteral("namespaced"), r.namespaced},
                          {QStringLiteral("kind"), kind.value(QLatin1String("kind"))},
                          {QStringLiteral("verbs"), verbs}};
            if (!kind.value(QLatin1String("group")).toString().isEmpty())
                s.insert(QStringLiteral("group"), kind.value(QLatin1String("group")));
            if (kind.value(QLatin1String("version")).toString() != QLatin1String("v1")
                || !kind.value(QLatin1String("group")).toString().isEmpty())
                s.insert(QStringLiteral("version"), kind.value(QLatin1String("version")));
            list.append(s);
        }
    }
    return {{QStringLiteral("kind"), QStringLiteral("APIResourceList")},
            {QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("groupVersion"), groupVersion},
            {QStringLiteral("resources"), list}};
}

QJsonObject apiGroup(const QString &name)
{
    const QJsonObject version{{QStringLiteral("groupVersion"),
                               QString(name + QStringLiteral("/v1"))},
                              {QStringLiteral("version"), QStringLiteral("v1")}};
    return {{QStringLiteral("name"), name},
            {QStringLiteral("versions"), QJsonArray{version}},
            {QStringLiteral("preferredVersion"), version}};
}

} // namespace

bool KubeDiscovery::serve(HttpConnection *connection, const HttpRequest &request, int port)
{
    const QString path = request.path;
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (path == QLatin1String("/version")) {
        KubeApiReply::json(connection,
                           200,
                           {{QStringLiteral("major"), QStringLiteral("1")},
                            {QStringLiteral("minor"), QStringLiteral("32")},
                            {QStringLiteral("gitVersion"), QStringLiteral("v1.32.4")},
                            {QStringLiteral("gitCommit"),
                             QStringLiteral("59526cd4867447956156ae3a602fcbac10a2c335")},
                            {QStringLiteral("gitTreeState"), QStringLiteral("clean")},
                            {QStringLiteral("buildDate"), QStringLiteral("2025-04-22T16:02:27Z")},
                            {QStringLiteral("goVersion"), QStringLiteral("go1.23.6")},
                            {QStringLiteral("compiler"), QStringLiteral("gc")},
                            {QStringLiteral("platform"), QStringLiteral("linux/amd64")}});
        return true;
    }
    if (path == QLatin1String("/healthz") || path == QLatin1String("/livez")
        || path == QLatin1String("/readyz")) {
        connection->respond(200, "text/plain; charset=utf-8", "ok");
        return true;
    }
    if (segments.value(0) == QLatin1String("openapi")) {
        KubeApiReply::notFound(connection);
        return true;
    }
    if (path == QLatin1String("/api") || path == QLatin1String("/apis")) {
        const QByteArray version = KubeMediaType::discoveryVersion(request.header("accept"));
        if (!version.isEmpty()) {
            // The client picks its parser from these Content-Type parameters, not from the body.
            const QByteArray contentType = "application/json;g=apidiscovery.k8s.io;v=" + version
                                           + ";as=APIGroupDiscoveryList";
            QJsonArray items;
            if (path == QLatin1String("/api")) {
                items.append(aggregatedGroup("", "v1", coreResources()));
            } else {
                items.append(aggregatedGroup("apps", "v1", appsResources()));
                items.append(
                    aggregatedGroup("authorization.k8s.io", "v1", authorizationResources()));
            }
            KubeApiReply::json(connection,
                               200,
                               {{QStringLiteral("kind"), QStringLiteral("APIGroupDiscoveryList")},
                                {QStringLiteral("apiVersion"),
                                 QString(QStringLiteral("apidiscovery.k8s.io/")
                                         + QString::fromLatin1(version))},
                                {QStringLiteral("metadata"), QJsonObject()},
                                {QStringLiteral("items"), items}},
                               contentType);
            return true;
        }
        if (path == QLatin1String("/api")) {
            KubeApiReply::json(connection,
                               200,
                               {{QStringLiteral("kind"), QStringLiteral("APIVersions")},
                                {QStringLiteral("versions"), strings({"v1"})},
                                {QStringLiteral("serverAddressByClientCIDRs"),
                                 QJsonArray{
                                     QJsonObject{{QStringLiteral("clientCIDR"),
                                                  QStringLiteral("0.0.0.0/0")},
                                                 {QStringLiteral("serverAddress"),
                                                  QStringLiteral("127.0.0.1:%1").arg(port)}}}}});
        } else {
            KubeApiReply::json(connection,
                               200,
                               {{QStringLiteral("kind"), QStringLiteral("APIGroupList")},
                                {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                {QStringLiteral("groups"),
                                 QJsonArray{apiGroup(QStringLiteral("apps")),
                                            apiGroup(QStringLiteral("authorization.k8s.io"))}}});
        }
        return true;
    }
    if (path == QLatin1String("/api/v1")) {
        KubeApiReply::json(connection, 200, resourceList(QStringLiteral("v1"), coreResources()));
        return true;
    }
    if (path == QLatin1String("/apis/apps/v1")) {
        KubeApiReply::json(connection,
                           200,
                           resourceList(QStringLiteral("apps/v1"), appsResources()));
        return true;
    }
    if (path == QLatin1String("/apis/authorization.k8s.io/v1")) {
        KubeApiReply::json(connection,
                           200,
                           resourceList(QStringLiteral("authorization.k8s.io/v1"),
                                        authorizationResources()));
        return true;
    }
    if (path == QLatin1String("/apis/apps") || path == QLatin1String("/apis/authorization.k8s.io")) {
        QJsonObject group = apiGroup(segments.at(1));
        group.insert(QStringLiteral("kind"), QStringLiteral("APIGroup"));
        group.insert(QStringLiteral("apiVersion"), QStringLiteral("v1"));
        KubeApiReply::json(connection, 200, group);
        return true;
    }
    return false;
}

} // namespace ragdr::sandbox
