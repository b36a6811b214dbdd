#include "kubeapiserver.h"

#include "jsonpatch.h"
#include "kubedefaults.h"
#include "kubeobject.h"
#include "kubelogstream.h"
#include "kubewatch.h"

#include "core/cluster/kubeprinters.h"
#include "core/cluster/kubetime.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

#include <algorithm>

namespace ragdr::sandbox {

namespace {

const QByteArray kJson = "application/json";

struct MediaRange
{
    QByteArray type;
    QHash<QByteArray, QByteArray> params;
};

QList<MediaRange> parseAccept(const QByteArray &accept)
{
    QList<MediaRange> out;
    for (const QByteArray &entry : accept.split(',')) {
        const QList<QByteArray> parts = entry.split(';');
        MediaRange range;
        range.type = parts.first().trimmed().toLower();
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray p = parts.at(i).trimmed();
            const qsizetype eq = p.indexOf('=');
            if (eq > 0)
                range.params.insert(p.left(eq).trimmed(), p.mid(eq + 1).trimmed());
        }
        if (!range.type.isEmpty())
            out.append(range);
    }
    return out;
}

// The Table version the client prefers, or an empty string for plain JSON objects.
QString tableVersion(const QByteArray &accept)
{
    for (const MediaRange &r : parseAccept(accept)) {
        if (r.type == "application/json" && r.params.value("as") == "Table"
            && r.params.value("g") == "meta.k8s.io")
            return QString::fromLatin1(r.params.value("v", "v1"));
        if (r.type == "application/json" || r.type == "*/*" || r.type == "application/*")
            return {};
    }
    return {};
}

// "v2" or "v2beta1" for aggregated discovery, empty for the legacy documents.
QByteArray discoveryVersion(const QByteArray &accept)
{
    for (const MediaRange &r : parseAccept(accept)) {
        if (r.type == "application/json" && r.params.value("as") == "APIGroupDiscoveryList"
            && r.params.value("g") == "apidiscovery.k8s.io") {
            const QByteArray v = r.params.value("v");
            if (v == "v2" || v == "v2beta1")
                return v;
        }
        if (r.type == "application/json" || r.type == "*/*")
            return {};
    }
    return {};
}

QString metaString(const QJsonObject &o, QLatin1String key)
{
    return o.value(QLatin1String("metadata")).toObject().value(key).toString();
}

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

QByteArray encodeContinue(qint64 resourceVersion, const QString &lastKey)
{
    const QJsonObject token{{QStringLiteral("v"), QStringLiteral("meta.k8s.io/v1")},
                            {QStringLiteral("rv"), resourceVersion},
                            {QStringLiteral("start"), lastKey}};
    return QJsonDocument(token).toJson(QJsonDocument::Compact).toBase64();
}

bool decodeContinue(const QString &text, qint64 &resourceVersion, QString &lastKey)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromBase64(text.toLatin1()));
    if (!doc.isObject()
        || doc.object().value(QLatin1String("v")).toString() != QLatin1String("meta.k8s.io/v1"))
        return false;
    resourceVersion = doc.object().value(QLatin1String("rv")).toInteger();
    lastKey = doc.object().value(QLatin1String("start")).toString();
    return resourceVersion > 0;
}

// The length-delimited fields of a protobuf message, by field number (varints and fixed-width
// fields skipped): enough to read the strings of a SelfSubjectAccessReview that kubectl's typed
// client sends as application/vnd.kubernetes.protobuf.
QMultiHash<int, QByteArray> protobufFields(const QByteArray &data)
{
    QMultiHash<int, QByteArray> fields;
    qsizetype pos = 0;
    auto varint = [&](quint64 &value) {
        value = 0;
        for (int shift = 0; pos < data.size() && shift < 64; shift += 7) {
            const quint8 b = quint8(data.at(pos++));
            value |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return true;
        }
        return false;
    };
    while (pos < data.size()) {
        quint64 key = 0;
        if (!varint(key))
            break;
        const int field = int(key >> 3);
        switch (key & 7) {
        case 0: {
            quint64 ignored = 0;
            if (!varint(ignored))
                return fields;
            break;
        }
        case 1:
            pos += 8;
            break;
        case 5:
            pos += 4;
            break;
        case 2: {
            quint64 length = 0;
            if (!varint(length) || pos + qsizetype(length) > data.size())
                return fields;
            fields.insert(field, data.mid(pos, qsizetype(length)));
            pos += qsizetype(length);
            break;
        }
        default:
            return fields;
        }
    }
    return fields;
}

// SelfSubjectAccessReview.spec.resourceAttributes from the "k8s\0" protobuf envelope
// (runtime.Unknown.raw -> review.spec(2) -> resourceAttributes(1)).
QJsonObject resourceAttributesFromProtobuf(const QByteArray &body)
{
    if (!body.startsWith(QByteArray("k8s\0", 4)))
        return {};
    const QByteArray raw = protobufFields(body.mid(4)).value(2);
    const QByteArray spec = protobufFields(raw).value(2);
    const QMultiHash<int, QByteArray> attributes = protobufFields(protobufFields(spec).value(1));
    const char *names[]
        = {"", "namespace", "verb", "group", "version", "resource", "subresource", "name"};
    QJsonObject out;
    for (int field = 1; field <= 7; ++field) {
        if (attributes.contains(field))
            out.insert(QLatin1String(names[field]), QString::fromUtf8(attributes.value(field)));
    }
    return out;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

QString randomSuffix()
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    QString s;
    for (int i = 0; i < 5; ++i)
        s.append(QLatin1Char(alphabet[QRandomGenerator::global()->bounded(27)]));
    return s;
}

} // namespace

KubeApiServer::KubeApiServer(KubeStore &store,
                             KubeController &controller,
                             KubeClusterConfig config,
                             QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_controller(controller)
    , m_config(std::move(config))
{}

void KubeApiServer::sendJson(HttpConnection *connection,
                             int code,
                             const QJsonObject &body,
                             const QByteArray &contentType)
{
    connection->respond(code, contentType, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void KubeApiServer::sendStatus(HttpConnection *connection,
                               int code,
                               const QString &reason,
                               const QString &message,
                               const QJsonObject &details)
{
    QJsonObject status{{QStringLiteral("kind"), QStringLiteral("Status")},
                       {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                       {QStringLiteral("metadata"), QJsonObject()},
                       {QStringLiteral("status"), QStringLiteral("Failure")},
                       {QStringLiteral("message"), message},
                       {QStringLiteral("reason"), reason},
                       {QStringLiteral("code"), code}};
    if (!details.isEmpty())
        status.insert(QStringLiteral("details"), details);
    sendJson(connection, code, status);
}

void KubeApiServer::notFound(HttpConnection *connection, const Target &target)
{
    const QString qualified = target.info.qualified();
    QJsonObject details{{QStringLiteral("name"), target.name},
                        {QStringLiteral("kind"), target.info.plural}};
    if (!target.info.group.isEmpty())
        details.insert(QStringLiteral("group"), target.info.group);
    sendStatus(connection,
               404,
               QStringLiteral("NotFound"),
               QStringLiteral("%1 \"%2\" not found").arg(qualified, target.name),
               details);
}

void KubeApiServer::handle(HttpConnection *connection, const HttpRequest &request)
{
    ++m_requests;
    // Every request, /version included, carries the token over TLS (kubectl-wire.md §0).
    const QByteArray authorization = request.header("authorization");
    const QByteArray expected = "Bearer " + m_config.token.toUtf8();
    if (!constantTimeEquals(authorization, expected)) {
        sendStatus(connection, 401, QStringLiteral("Unauthorized"), QStringLiteral("Unauthorized"));
        return;
    }
    if (m_errorShare > 0 && request.path != QLatin1String("/version")
        && QRandomGenerator::global()->generateDouble() < m_errorShare) {
        sendStatus(connection,
                   500,
                   QStringLiteral("InternalError"),
                   QStringLiteral(
                       "Internal error occurred: injected by the drill (apiserver-errors)"));
        return;
    }
    route(connection, request);
}

void KubeApiServer::setWatchStall(bool on)
{
    m_watchStall = on;
    if (on) {
        for (KubeWatch *watch : findChildren<KubeWatch *>(Qt::FindDirectChildrenOnly))
            watch->stall();
    }
}

std::optional<KubeApiServer::Target> KubeApiServer::parseResourcePath(
    const QStringList &segments) const
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
    Target t;
    if (rest.value(0) == QLatin1String("namespaces") && rest.size() >= 3) {
        t.ns = rest.at(1);
        rest = rest.mid(2);
    }
    static const QList<ResourceInfo> resources{
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
    for (const ResourceInfo &info : resources) {
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

bool KubeApiServer::isDenied(const QString &verb, const Target &target) const
{
    const QString resource = target.subresource.isEmpty()
                                 ? target.info.plural
                                 : target.info.plural + QLatin1Char('/') + target.subresource;
    for (const QString &rule : m_denied) {
        const QString ruleVerb = rule.section(QLatin1Char(':'), 0, 0);
        const QString ruleResource = rule.section(QLatin1Char(':'), 1);
        if ((ruleVerb == QLatin1String("*") || ruleVerb == verb)
            && (ruleResource == QLatin1String("*") || ruleResource == resource))
            return true;
    }
    return false;
}

void KubeApiServer::route(HttpConnection *connection, const HttpRequest &request)
{
    const QString path = request.path;
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QByteArray method = request.method;

    if (path == QLatin1String("/version")) {
        sendJson(connection,
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
        return;
    }
    if (path == QLatin1String("/healthz") || path == QLatin1String("/livez")
        || path == QLatin1String("/readyz")) {
        connection->respond(200, "text/plain; charset=utf-8", "ok");
        return;
    }
    if (segments.value(0) == QLatin1String("openapi")) {
        sendStatus(connection,
                   404,
                   QStringLiteral("NotFound"),
                   QStringLiteral("the server could not find the requested resource"));
        return;
    }
    if (path == QLatin1String("/api") || path == QLatin1String("/apis")) {
        const QByteArray version = discoveryVersion(request.header("accept"));
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
            sendJson(connection,
                     200,
                     {{QStringLiteral("kind"), QStringLiteral("APIGroupDiscoveryList")},
                      {QStringLiteral("apiVersion"),
                       QString(QStringLiteral("apidiscovery.k8s.io/")
                               + QString::fromLatin1(version))},
                      {QStringLiteral("metadata"), QJsonObject()},
                      {QStringLiteral("items"), items}},
                     contentType);
            return;
        }
        if (path == QLatin1String("/api")) {
            sendJson(connection,
                     200,
                     {{QStringLiteral("kind"), QStringLiteral("APIVersions")},
                      {QStringLiteral("versions"), strings({"v1"})},
                      {QStringLiteral("serverAddressByClientCIDRs"),
                       QJsonArray{
                           QJsonObject{{QStringLiteral("clientCIDR"), QStringLiteral("0.0.0.0/0")},
                                       {QStringLiteral("serverAddress"),
                                        QStringLiteral("127.0.0.1:%1").arg(m_config.port)}}}}});
        } else {
            sendJson(connection,
                     200,
                     {{QStringLiteral("kind"), QStringLiteral("APIGroupList")},
                      {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                      {QStringLiteral("groups"),
                       QJsonArray{apiGroup(QStringLiteral("apps")),
                                  apiGroup(QStringLiteral("authorization.k8s.io"))}}});
        }
        return;
    }
    if (path == QLatin1String("/api/v1")) {
        sendJson(connection, 200, resourceList(QStringLiteral("v1"), coreResources()));
        return;
    }
    if (path == QLatin1String("/apis/apps/v1")) {
        sendJson(connection, 200, resourceList(QStringLiteral("apps/v1"), appsResources()));
        return;
    }
    if (path == QLatin1String("/apis/authorization.k8s.io/v1")) {
        sendJson(connection,
                 200,
                 resourceList(QStringLiteral("authorization.k8s.io/v1"), authorizationResources()));
        return;
    }
    if (path == QLatin1String("/apis/apps") || path == QLatin1String("/apis/authorization.k8s.io")) {
        QJsonObject group = apiGroup(segments.at(1));
        group.insert(QStringLiteral("kind"), QStringLiteral("APIGroup"));
        group.insert(QStringLiteral("apiVersion"), QStringLiteral("v1"));
        sendJson(connection, 200, group);
        return;
    }
    if (path == QLatin1String("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")) {
        if (method != "POST") {
            sendStatus(connection,
                       405,
                       QStringLiteral("MethodNotAllowed"),
                       QStringLiteral(
                           "the server does not allow this method on the requested resource"));
            return;
        }
        accessReview(connection, request);
        return;
    }

    const std::optional<Target> parsed = parseResourcePath(segments);
    if (!parsed) {
        sendStatus(connection,
                   404,
                   QStringLiteral("NotFound"),
                   QStringLiteral("the server could not find the requested resource"));
        return;
    }
    const Target &target = *parsed;
    if (!target.ns.isEmpty()
        && !m_store.contains(KubeResource::Namespaces, KubeStore::key(QString(), target.ns))) {
        sendStatus(connection,
                   404,
                   QStringLiteral("NotFound"),
                   QStringLiteral("namespaces \"%1\" not found").arg(target.ns),
                   {{QStringLiteral("name"), target.ns},
                    {QStringLiteral("kind"), QStringLiteral("namespaces")}});
        return;
    }

    QString verb;
    const bool isWatch = request.queryValue(QStringLiteral("watch")) == QLatin1String("true")
                         || request.queryValue(QStringLiteral("watch")) == QLatin1String("1");
    if (method == "GET")
        verb = target.name.isEmpty() ? (isWatch ? QStringLiteral("watch") : QStringLiteral("list"))
                                     : QStringLiteral("get");
    else if (method == "POST")
        verb = QStringLiteral("create");
    else if (method == "PUT")
        verb = QStringLiteral("update");
    else if (method == "PATCH")
        verb = QStringLiteral("patch");
    else if (method == "DELETE")
        verb = QStringLiteral("delete");
    if (verb.isEmpty()) {
        sendStatus(connection,
                   405,
                   QStringLiteral("MethodNotAllowed"),
                   QStringLiteral(
                       "the server does not allow this method on the requested resource"));
        return;
    }
    if (isDenied(verb, target)) {
        const QString resource = target.subresource.isEmpty()
                                     ? target.info.plural
                                     : target.info.plural + QLatin1Char('/') + target.subresource;
        const QString qualified = target.info.qualified();
        const QString subject = target.name.isEmpty()
                                    ? qualified
                                    : QStringLiteral("%1 \"%2\"").arg(qualified, target.name);
        QString message
            = QStringLiteral(
                  "%1 is forbidden: User \"%2\" cannot %3 resource \"%4\" in API group \"%5\"")
                  .arg(subject, m_config.user, verb, resource, target.info.group);
        if (!target.ns.isEmpty())
            message += QStringLiteral(" in the namespace \"%1\"").arg(target.ns);
        sendStatus(connection,
                   403,
                   QStringLiteral("Forbidden"),
                   message,
                   {{QStringLiteral("name"), target.name},
                    {QStringLiteral("group"), target.info.group},
                    {QStringLiteral("kind"), target.info.plural}});
        return;
    }

    // Typed clients (`kubectl create deployment`) send protobuf; the drill reads JSON only. (The
    // scale client sends its JSON with no Content-Type at all.)
    const QByteArray contentType = request.header("content-type").toLower();
    if ((method == "POST" || method == "PUT") && !request.body.isEmpty() && !contentType.isEmpty()
        && !contentType.startsWith("application/json")) {
        sendStatus(
            connection,
            415,
            QStringLiteral("UnsupportedMediaType"),
            QStringLiteral(
                "the drill's API server reads JSON bodies only, not %1; send the object as JSON "
                "(kubectl create -f FILE --validate=false)")
                .arg(QString::fromLatin1(request.header("content-type"))));
        return;
    }
    if (target.name.isEmpty()) {
        if (method == "GET")
            isWatch ? watch(connection, request, target) : list(connection, request, target);
        else if (method == "POST")
            create(connection, request, target);
        else
            sendStatus(connection,
                       405,
                       QStringLiteral("MethodNotAllowed"),
                       QStringLiteral(
                           "the server does not allow this method on the requested resource"));
        return;
    }
    if (target.subresource == QLatin1String("log") && target.info.resource == KubeResource::Pods
        && method == "GET") {
        logs(connection, request, target);
        return;
    }
    if (target.subresource == QLatin1String("scale")
        && target.info.resource == KubeResource::Deployments) {
        scale(connection, request, target);
        return;
    }
    if (!target.subresource.isEmpty() && target.subresource != QLatin1String("status")) {
        sendStatus(connection,
                   404,
                   QStringLiteral("NotFound"),
                   QStringLiteral("the server could not find the requested resource"));
        return;
    }
    if (!target.subresource.isEmpty() && method != "GET") {
        sendStatus(connection,
                   405,
                   QStringLiteral("MethodNotAllowed"),
                   QStringLiteral("status is written by the drill's controllers"));
        return;
    }
    if (method == "GET")
        get(connection, request, target);
    else if (method == "PUT")
        replace(connection, request, target);
    else if (method == "PATCH")
        patch(connection, request, target);
    else if (method == "DELETE")
        remove(connection, request, target);
    else
        sendStatus(connection,
                   405,
                   QStringLiteral("MethodNotAllowed"),
                   QStringLiteral(
                       "the server does not allow this method on the requested resource"));
}

QString KubeApiServer::ResourceInfo::qualified() const
{
    return group.isEmpty() ? plural : plural + QLatin1Char('.') + group;
}

QString KubeApiServer::ResourceInfo::apiVersion() const
{
    return group.isEmpty() ? version : group + QLatin1Char('/') + version;
}

std::optional<KubeApiServer::Selectors> KubeApiServer::parseSelectors(HttpConnection *connection,
                                                                      const HttpRequest &request,
                                                                      const Target &target)
{
    auto labels = LabelSelector::parse(request.queryValue(QStringLiteral("labelSelector")));
    if (!labels) {
        sendStatus(connection, 400, QStringLiteral("BadRequest"), labels.error().message);
        return std::nullopt;
    }
    auto fields = FieldSelector::parse(request.queryValue(QStringLiteral("fieldSelector")),
                                       target.info.resource);
    if (!fields) {
        sendStatus(connection, 400, QStringLiteral("BadRequest"), fields.error().message);
        return std::nullopt;
    }
    return Selectors{*labels, *fields};
}

void KubeApiServer::list(HttpConnection *connection,
                         const HttpRequest &request,
                         const Target &target)
{
    const auto selectors = parseSelectors(connection, request, target);
    if (!selectors)
        return;
    const qint64 limit = request.queryValue(QStringLiteral("limit")).toLongLong();
    qint64 listVersion = m_store.resourceVersion();
    QString startAfter;
    if (const QString token = request.queryValue(QStringLiteral("continue")); !token.isEmpty()) {
        if (!decodeContinue(token, listVersion, startAfter)) {
            sendStatus(connection,
                       400,
                       QStringLiteral("BadRequest"),
                       QStringLiteral("continue key is not valid: incorrect encoded start "
                                      "resourceVersion (version meta.k8s.io/v1)"));
            return;
        }
    }

    const QMap<QString, QJsonObject> &objects = m_store.objects(target.info.resource);
    const QString prefix = target.ns.isEmpty() ? QString() : target.ns + QLatin1Char('/');
    QList<QJsonObject> items;
    bool more = false;
    QString lastKey;
    auto selected = [&](const QJsonObject &o) {
        return selectors->labels.matches(o.value(QLatin1String("metadata"))
                                             .toObject()
                                             .value(QLatin1String("labels"))
                                             .toObject())
               && selectors->fields.matches(o);
    };
    if (const QString exact = selectors->fields.exactName();
        !exact.isEmpty() && !target.ns.isEmpty()) {
        // metadata.name=X (rollout status, get pod X -w): one lookup, not a scan.
        const QJsonObject o = objects.value(KubeStore::key(target.ns, exact));
        if (!o.isEmpty() && selected(o))
            items.append(o);
    } else {
        auto it = !startAfter.isEmpty()
                      ? objects.upperBound(startAfter)
                      : (prefix.isEmpty() ? objects.begin() : objects.lowerBound(prefix));
        for (; it != objects.end(); ++it) {
            if (!prefix.isEmpty() && !it.key().startsWith(prefix))
                break;
            if (!selected(it.value()))
                continue;
            if (limit > 0 && items.size() == limit) {
                more = true;
                break;
            }
            items.append(it.value());
            lastKey = it.key();
        }
    }
    std::optional<qint64> remaining;
    QString continueToken;
    if (more) {
        continueToken = QString::fromLatin1(encodeContinue(listVersion, lastKey));
        // kube-apiserver counts what is left only when no selector filters it.
        if (selectors->labels.isEmpty() && selectors->fields.isEmpty()) {
            qint64 n = 0;
            for (auto it = objects.upperBound(lastKey);
                 it != objects.end() && (prefix.isEmpty() || it.key().startsWith(prefix));
                 ++it)
                ++n;
            remaining = n;
        }
    }

    // Metadata only (what kubectl get --show-kind -o name and the console's secret check ask
    // for): no spec, no data, no status leaves the server.
    if (request.header("accept").contains("as=PartialObjectMetadataList")) {
        QJsonArray partial;
        for (const QJsonObject &o : items)
            partial.append(KubeTable::partialObjectMetadata(o));
        QJsonObject meta{{QStringLiteral("resourceVersion"), QString::number(listVersion)}};
        if (!continueToken.isEmpty())
            meta.insert(QStringLiteral("continue"), continueToken);
        sendJson(connection,
                 200,
                 {{QStringLiteral("kind"), QStringLiteral("PartialObjectMetadataList")},
                  {QStringLiteral("apiVersion"), QStringLiteral("meta.k8s.io/v1")},
                  {QStringLiteral("metadata"), meta},
                  {QStringLiteral("items"), partial}});
        return;
    }
    const QString version = tableVersion(request.header("accept"));
    if (!version.isEmpty()) {
        KubeTableOptions options;
        options.apiVersion = QStringLiteral("meta.k8s.io/") + version;
        options.resourceVersion = QString::number(listVersion);
        options.continueToken = continueToken;
        options.remainingItemCount = remaining;
        const QString include = request.queryValue(QStringLiteral("includeObject"));
        if (include == QLatin1String("None"))
            options.includeObject = KubeTableOptions::IncludeObject::None;
        else if (include == QLatin1String("Object"))
            options.includeObject = KubeTableOptions::IncludeObject::Object;
        sendJson(connection,
                 200,
                 KubeTable::build(target.info.resource, items, m_store.now(), options));
        return;
    }
    QJsonObject meta{{QStringLiteral("resourceVersion"), QString::number(listVersion)}};
    if (!continueToken.isEmpty())
        meta.insert(QStringLiteral("continue"), continueToken);
    if (remaining)
        meta.insert(QStringLiteral("remainingItemCount"), *remaining);
    QJsonArray array;
    for (const QJsonObject &o : items)
        array.append(o);
    sendJson(connection,
             200,
             {{QStringLiteral("kind"), QString(target.info.kind + QStringLiteral("List"))},
              {QStringLiteral("apiVersion"), target.info.apiVersion()},
              {QStringLiteral("metadata"), meta},
              {QStringLiteral("items"), array}});
}

void KubeApiServer::watch(HttpConnection *connection,
                          const HttpRequest &request,
                          const Target &target)
{
    const auto selectors = parseSelectors(connection, request, target);
    if (!selectors)
        return;
    KubeWatchOptions options;
    options.resource = target.info.resource;
    options.kind = target.info.kind;
    options.apiVersion = target.info.apiVersion();
    options.ns = target.ns;
    options.labels = selectors->labels;
    options.fields = selectors->fields;
    const QString version = tableVersion(request.header("accept"));
    options.table = !version.isEmpty();
    options.tableOptions.apiVersion = QStringLiteral("meta.k8s.io/")
                                      + (version.isEmpty() ? QStringLiteral("v1") : version);
    if (request.queryValue(QStringLiteral("includeObject")) == QLatin1String("None"))
        options.tableOptions.includeObject = KubeTableOptions::IncludeObject::None;
    else if (request.queryValue(QStringLiteral("includeObject")) == QLatin1String("Object"))
        options.tableOptions.includeObject = KubeTableOptions::IncludeObject::Object;
    options.bookmarks = request.queryValue(QStringLiteral("allowWatchBookmarks"))
                        == QLatin1String("true");
    options.timeoutSeconds = request.queryValue(QStringLiteral("timeoutSeconds")).toInt();
    const bool initialEvents = request.queryValue(QStringLiteral("sendInitialEvents"))
                               == QLatin1String("true");
    options.initialEventsEnd = initialEvents;
    options.stalled = m_watchStall;

    const QString rvText = request.queryValue(QStringLiteral("resourceVersion"));
    std::optional<qint64> after;
    // "" and "0" mean "from the current state": it is sent as ADDED events first (kubectl's
    // `get pod X -w` drops the first event, expecting exactly that).
    if (!initialEvents && !rvText.isEmpty() && rvText != QLatin1String("0")) {
        bool ok = false;
        const qint64 rv = rvText.toLongLong(&ok);
        if (!ok) {
            sendStatus(connection,
                       400,
                       QStringLiteral("BadRequest"),
                       QStringLiteral("invalid resource version: %1").arg(rvText));
            return;
        }
        if (!m_store.canReplayFrom(rv)) {
            // As the watch cache answers: 200, then one ERROR event, so the client relists.
            connection->beginStream(200, "application/json");
            const QJsonObject event{{QStringLiteral("type"), QStringLiteral("ERROR")},
                                    {QStringLiteral("object"),
                                     KubeWatch::expiredStatus(
                                         QStringLiteral("too old resource version: %1 (%2)")
                                             .arg(rv)
                                             .arg(m_store.resourceVersion()))}};
            connection->writeChunk(QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n');
            connection->endStream();
            return;
        }
        after = rv;
    }
    auto *stream = new KubeWatch(m_store, connection, options, this);
    stream->start(after);
}

void KubeApiServer::get(HttpConnection *connection, const HttpRequest &request, const Target &target)
{
    const QJsonObject object = m_store.get(target.info.resource, target.ns, target.name);
    if (object.isEmpty()) {
        notFound(connection, target);
        return;
    }
    const QString version = tableVersion(request.header("accept"));
    if (!version.isEmpty() && target.subresource.isEmpty()) {
        KubeTableOptions options;
        options.apiVersion = QStringLiteral("meta.k8s.io/") + version;
        options.resourceVersion = metaString(object, QLatin1String("resourceVersion"));
        sendJson(connection,
                 200,
                 KubeTable::build(target.info.resource, {object}, m_store.now(), options));
        return;
    }
    sendJson(connection, 200, object);
}

void KubeApiServer::create(HttpConnection *connection,
                           const HttpRequest &request,
                           const Target &target)
{
    const QJsonDocument doc = QJsonDocument::fromJson(request.body);
    if (!doc.isObject()) {
        sendStatus(connection,
                   400,
                   QStringLiteral("BadRequest"),
                   QStringLiteral("the body of the request was in an unknown format"));
        return;
    }
    QJsonObject object = doc.object();
    QJsonObject meta = object.value(QLatin1String("metadata")).toObject();
    if (meta.value(QLatin1String("name")).toString().isEmpty()
        && !meta.value(QLatin1String("generateName")).toString().isEmpty())
        meta.insert(QStringLiteral("name"),
                    QString(meta.value(QLatin1String("generateName")).toString() + randomSuffix()));
    const QString name = meta.value(QLatin1String("name")).toString();
    if (name.isEmpty()) {
        sendStatus(connection,
                   422,
                   QStringLiteral("Invalid"),
                   QStringLiteral("%1 \"\" is invalid: metadata.name: Required value: name or "
                                  "generateName is required")
                       .arg(target.info.kind));
        return;
    }
    if (target.info.namespaced) {
        const QString bodyNs = meta.value(QLatin1String("namespace")).toString();
        if (!bodyNs.isEmpty() && bodyNs != target.ns) {
            sendStatus(connection,
                       400,
                       QStringLiteral("BadRequest"),
                       QStringLiteral("the namespace of the provided object does not match the "
                                      "namespace sent on the request"));
            return;
        }
        meta.insert(QStringLiteral("namespace"), target.ns);
    }
    for (const char *field :
         {"uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generation"})
        meta.remove(QLatin1String(field));
    object.insert(QStringLiteral("metadata"), meta);
    if (m_store.contains(target.info.resource, KubeStore::keyOf(object))) {
        sendStatus(connection,
                   409,
                   QStringLiteral("AlreadyExists"),
                   QStringLiteral("%1 \"%2\" already exists").arg(target.info.qualified(), name),
                   {{QStringLiteral("name"), name},
                    {QStringLiteral("group"), target.info.group},
                    {QStringLiteral("kind"), target.info.plural}});
        return;
    }
    switch (target.info.resource) {
    case KubeResource::Pods:
        if (object.value(QLatin1String("spec"))
                .toObject()
                .value(QLatin1String("containers"))
                .toArray()
                .isEmpty()) {
            sendStatus(connection,
                       422,
                       QStringLiteral("Invalid"),
                       QStringLiteral("Pod \"%1\" is invalid: spec.containers: Required value")
                           .arg(name));
            return;
        }
        object = KubeDefaults::pod(object);
        break;
    case KubeResource::Deployments: {
        const QJsonObject spec = object.value(QLatin1String("spec")).toObject();
        const LabelSelector selector = LabelSelector::fromJson(
            spec.value(QLatin1String("selector")).toObject());
        const QJsonObject templateLabels = spec.value(QLatin1String("template"))
                                               .toObject()
                                               .value(QLatin1String("metadata"))
                                               .toObject()
                                               .value(QLatin1String("labels"))
                                               .toObject();
        if (selector.isEmpty() || !selector.matches(templateLabels)) {
            sendStatus(connection,
                       422,
                       QStringLiteral("Invalid"),
                       QStringLiteral(
                           "Deployment.apps \"%1\" is invalid: spec.template.metadata.labels: "
                           "Invalid value: `selector` does not match template `labels`")
                           .arg(name));
            return;
        }
        object = KubeDefaults::deployment(object);
        break;
    }
    case KubeResource::Events:
    case KubeResource::Services:
    case KubeResource::ConfigMaps:
    case KubeResource::Secrets:
        break;
    case KubeResource::ReplicaSets:
    case KubeResource::Namespaces:
        sendStatus(connection,
                   405,
                   QStringLiteral("MethodNotAllowed"),
                   QStringLiteral("the drill creates %1 only through its controllers")
                       .arg(target.info.plural));
        return;
    }
    sendJson(connection, 201, m_store.create(target.info.resource, object));
}

void KubeApiServer::storeUpdate(HttpConnection *connection,
                                const Target &target,
                                const QJsonObject &current,
                                QJsonObject changed,
                                const QString &expectedResourceVersion)
{
    const QString currentVersion = metaString(current, QLatin1String("resourceVersion"));
    const QString qualified = target.info.qualified();
    if (!expectedResourceVersion.isEmpty() && expectedResourceVersion != currentVersion) {
        sendStatus(connection,
                   409,
                   QStringLiteral("Conflict"),
                   QStringLiteral(
                       "Operation cannot be fulfilled on %1 \"%2\": the object has been modified; "
                       "please apply your changes to the latest version and try again")
                       .arg(qualified, target.name),
                   {{QStringLiteral("name"), target.name},
                    {QStringLiteral("group"), target.info.group},
                    {QStringLiteral("kind"), target.info.plural}});
        return;
    }
    const QJsonObject currentMeta = current.value(QLatin1String("metadata")).toObject();
    QJsonObject meta = changed.value(QLatin1String("metadata")).toObject();
    for (const char *field : {"name",
                              "namespace",
                              "uid",
                              "creationTimestamp",
                              "resourceVersion",
                              "generation",
                              "deletionTimestamp",
                              "deletionGracePeriodSeconds",
                              "generateName"}) {
        const QLatin1String f(field);
        if (currentMeta.contains(f))
            meta.insert(f, currentMeta.value(f));
        else
            meta.remove(f);
    }
    changed.insert(QStringLiteral("apiVersion"), current.value(QLatin1String("apiVersion")));
    changed.insert(QStringLiteral("kind"), current.value(QLatin1String("kind")));
    // status is its own subresource: an update of the object leaves it alone.
    changed.insert(QStringLiteral("status"), current.value(QLatin1String("status")));
    const QJsonObject oldSpec = current.value(QLatin1String("spec")).toObject();
    const QJsonObject newSpec = changed.value(QLatin1String("spec")).toObject();
    if (target.info.resource == KubeResource::Pods && oldSpec != newSpec) {
        sendStatus(connection,
                   422,
                   QStringLiteral("Invalid"),
                   QStringLiteral("Pod \"%1\" is invalid: spec: Forbidden: pod updates may not "
                                  "change fields other than `spec.containers[*].image`,"
                                  "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`"
                                  "spec.tolerations` (only additions to existing tolerations),"
                                  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 "
                                  "if it was previously negative)")
                       .arg(target.name));
        return;
    }
    if (target.info.resource == KubeResource::Deployments) {
        const QJsonValue replicas = newSpec.value(QLatin1String("replicas"));
        if (!replicas.isUndefined()
            && (!replicas.isDouble() || replicas.toDouble() < 0
                || replicas.toDouble() != std::floor(replicas.toDouble()))) {
            sendStatus(connection,
                       422,
                       QStringLiteral("Invalid"),
                       QStringLiteral("Deployment.apps \"%1\" is invalid: spec.replicas: Invalid "
                                      "value: %2: must be greater than or equal to 0")
                           .arg(target.name,
                                QString::fromUtf8(QJsonDocument(QJsonArray{replicas})
                                                      .toJson(QJsonDocument::Compact))
                                    .mid(1)
                                    .chopped(1)));
            return;
        }
        if (oldSpec.value(QLatin1String("selector")) != newSpec.value(QLatin1String("selector"))) {
            sendStatus(connection,
                       422,
                       QStringLiteral("Invalid"),
                       QStringLiteral("Deployment.apps \"%1\" is invalid: spec.selector: Invalid "
                                      "value: %2: field is immutable")
                           .arg(target.name,
                                core::KubePrinters::formatLabelSelector(
                                    newSpec.value(QLatin1String("selector")).toObject())));
            return;
        }
        if (oldSpec != newSpec)
            meta.insert(QStringLiteral("generation"),
                        currentMeta.value(QLatin1String("generation")).toInt(1) + 1);
    }
    changed.insert(QStringLiteral("metadata"), meta);
    sendJson(connection, 200, m_store.update(target.info.resource, changed));
}

void KubeApiServer::replace(HttpConnection *connection,
                            const HttpRequest &request,
                            const Target &target)
{
    const QJsonObject current = m_store.get(target.info.resource, target.ns, target.name);
    if (current.isEmpty()) {
        notFound(connection, target);
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(request.body);
    if (!doc.isObject()) {
        sendStatus(connection,
                   400,
                   QStringLiteral("BadRequest"),
                   QStringLiteral("the body of the request was in an unknown format"));
        return;
    }
    const QJsonObject body = doc.object();
    if (metaString(body, QLatin1String("name")) != target.name) {
        sendStatus(connection,
                   400,
                   QStringLiteral("BadRequest"),
                   QStringLiteral(
                       "the name of the object (%1) does not match the name on the URL (%2)")
                       .arg(metaString(body, QLatin1String("name")), target.name));
        return;
    }
    storeUpdate(connection,
                target,
                current,
                body,
                metaString(body, QLatin1String("resourceVersion")));
}

void KubeApiServer::patch(HttpConnection *connection,
                          const HttpRequest &request,
                          const Target &target)
{
    const QJsonObject current = m_store.get(target.info.resource, target.ns, target.name);
    if (current.isEmpty()) {
        notFound(connection, target);
        return;
    }
    auto patched = jsonpatch::apply(current, request.header("content-type"), request.body);
    if (!patched) {
        sendStatus(connection,
                   patched.error().kind == core::Error::Kind::Refused ? 415 : 400,
                   patched.error().kind == core::Error::Kind::Refused
                       ? QStringLiteral("UnsupportedMediaType")
                       : QStringLiteral("BadRequest"),
                   patched.error().message);
        return;
    }
    // A resourceVersion in the patch is a precondition; the one that was there already is not.
    QString expected = metaString(*patched, QLatin1String("resourceVersion"));
    if (expected == metaString(current, QLatin1String("resourceVersion")))
        expected.clear();
    storeUpdate(connection, target, current, *patched, expected);
}

void KubeApiServer::remove(HttpConnection *connection,
                           const HttpRequest &request,
                           const Target &target)
{
    QJsonObject object = m_store.get(target.info.resource, target.ns, target.name);
    if (object.isEmpty()) {
        notFound(connection, target);
        return;
    }
    if (target.info.resource == KubeResource::Namespaces) {
        sendStatus(connection,
                   405,
                   QStringLiteral("MethodNotAllowed"),
                   QStringLiteral("the drill keeps its namespaces"));
        return;
    }
    const QJsonObject options = QJsonDocument::fromJson(request.body).object();
    if (target.info.resource != KubeResource::Pods) {
        // Background propagation: the object goes now, what it owns follows (the controller's
        // garbage collection).
        m_store.remove(target.info.resource, KubeStore::keyOf(object));
        sendJson(connection, 200, object);
        return;
    }
    const QJsonObject spec = object.value(QLatin1String("spec")).toObject();
    const QString phase
        = object.value(QLatin1String("status")).toObject().value(QLatin1String("phase")).toString();
    int grace = spec.value(QLatin1String("terminationGracePeriodSeconds")).toInt(30);
    if (options.value(QLatin1String("gracePeriodSeconds")).isDouble())
        grace = options.value(QLatin1String("gracePeriodSeconds")).toInt();
    if (request.hasQuery(QStringLiteral("gracePeriodSeconds")))
        grace = request.queryValue(QStringLiteral("gracePeriodSeconds")).toInt();
    // Pods that never ran, or that finished, go at once; others terminate gracefully.
    if (grace <= 0 || spec.value(QLatin1String("nodeName")).toString().isEmpty()
        || phase == QLatin1String("Succeeded") || phase == QLatin1String("Failed")) {
        m_store.remove(KubeResource::Pods, KubeStore::keyOf(object));
        sendJson(connection, 200, object);
        return;
    }
    QJsonObject meta = object.value(QLatin1String("metadata")).toObject();
    const int previousGrace
        = meta.value(QLatin1String("deletionGracePeriodSeconds")).toInt(grace + 1);
    if (meta.value(QLatin1String("deletionTimestamp")).toString().isEmpty()
        || grace < previousGrace) {
        meta.insert(QStringLiteral("deletionTimestamp"),
                    core::kubetime::format(m_controller.now().addSecs(grace)));
        meta.insert(QStringLiteral("deletionGracePeriodSeconds"), grace);
        object.insert(QStringLiteral("metadata"), meta);
        object = m_store.update(KubeResource::Pods, object);
    }
    sendJson(connection, 200, object);
}

QJsonObject KubeApiServer::scaleOf(const QJsonObject &deployment) const
{
    const QJsonObject meta = deployment.value(QLatin1String("metadata")).toObject();
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    return {{QStringLiteral("kind"), QStringLiteral("Scale")},
            {QStringLiteral("apiVersion"), QStringLiteral("autoscaling/v1")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), meta.value(QLatin1String("name"))},
                         {QStringLiteral("namespace"), meta.value(QLatin1String("namespace"))},
                         {QStringLiteral("uid"), meta.value(QLatin1String("uid"))},
                         {QStringLiteral("resourceVersion"),
                          meta.value(QLatin1String("resourceVersion"))},
                         {QStringLiteral("creationTimestamp"),
                          meta.value(QLatin1String("creationTimestamp"))}}},
            {QStringLiteral("spec"),
             QJsonObject{
                 {QStringLiteral("replicas"), spec.value(QLatin1String("replicas")).toInt(1)}}},
            {QStringLiteral("status"),
             QJsonObject{{QStringLiteral("replicas"),
                          deployment.value(QLatin1String("status"))
                              .toObject()
                              .value(QLatin1String("replicas"))
                              .toInt()},
                         {QStringLiteral("selector"),
                          core::KubePrinters::formatLabelSelector(
                              spec.value(QLatin1String("selector")).toObject())}}}};
}

void KubeApiServer::scale(HttpConnection *connection,
                          const HttpRequest &request,
                          const Target &target)
{
    QJsonObject deployment = m_store.get(KubeResource::Deployments, target.ns, target.name);
    if (deployment.isEmpty()) {
        notFound(connection, target);
        return;
    }
    const QJsonObject current = scaleOf(deployment);
    if (request.method == "GET") {
        sendJson(connection, 200, current);
        return;
    }
    QJsonObject wanted;
    if (request.method == "PUT") {
        wanted = QJsonDocument::fromJson(request.body).object();
    } else if (request.method == "PATCH") {
        auto patched = jsonpatch::apply(current, request.header("content-type"), request.body);
        if (!patched) {
            sendStatus(connection, 400, QStringLiteral("BadRequest"), patched.error().message);
            return;
        }
        wanted = *patched;
    } else {
        sendStatus(connection,
                   405,
                   QStringLiteral("MethodNotAllowed"),
                   QStringLiteral(
                       "the server does not allow this method on the requested resource"));
        return;
    }
    const QString expected = metaString(wanted, QLatin1String("resourceVersion"));
    if (!expected.isEmpty()
        && expected != metaString(deployment, QLatin1String("resourceVersion"))) {
        sendStatus(
            connection,
            409,
            QStringLiteral("Conflict"),
            QStringLiteral(
                "Operation cannot be fulfilled on deployments.apps \"%1\": the object has been "
                "modified; please apply your changes to the latest version and try again")
                .arg(target.name),
            {{QStringLiteral("name"), target.name},
             {QStringLiteral("group"), QStringLiteral("apps")},
             {QStringLiteral("kind"), QStringLiteral("deployments")}});
        return;
    }
    const QJsonValue replicas
        = wanted.value(QLatin1String("spec")).toObject().value(QLatin1String("replicas"));
    if (!replicas.isDouble() || replicas.toDouble() < 0
        || replicas.toDouble() != std::floor(replicas.toDouble())) {
        sendStatus(connection,
                   422,
                   QStringLiteral("Invalid"),
                   QStringLiteral("Scale.autoscaling \"%1\" is invalid: spec.replicas: Invalid "
                                  "value: %2: must be greater than or equal to 0")
                       .arg(target.name, QString::number(replicas.toDouble())));
        return;
    }
    QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    if (spec.value(QLatin1String("replicas")).toInt(1) != replicas.toInt()) {
        spec.insert(QStringLiteral("replicas"), replicas.toInt());
        deployment.insert(QStringLiteral("spec"), spec);
        QJsonObject meta = deployment.value(QLatin1String("metadata")).toObject();
        meta.insert(QStringLiteral("generation"),
                    meta.value(QLatin1String("generation")).toInt(1) + 1);
        deployment.insert(QStringLiteral("metadata"), meta);
        deployment = m_store.update(KubeResource::Deployments, deployment);
    }
    sendJson(connection, 200, scaleOf(deployment));
}

void KubeApiServer::logs(HttpConnection *connection,
                         const HttpRequest &request,
                         const Target &target)
{
    const QJsonObject pod = m_store.get(KubeResource::Pods, target.ns, target.name);
    if (pod.isEmpty()) {
        notFound(connection, target);
        return;
    }
    const QJsonObject spec = pod.value(QLatin1String("spec")).toObject();
    QStringList containers;
    QStringList initContainers;
    for (const QJsonValue &c : spec.value(QLatin1String("containers")).toArray())
        containers.append(c.toObject().value(QLatin1String("name")).toString());
    for (const QJsonValue &c : spec.value(QLatin1String("initContainers")).toArray())
        initContainers.append(c.toObject().value(QLatin1String("name")).toString());
    QString container = request.queryValue(QStringLiteral("container"));
    if (container.isEmpty()) {
        if (containers.size() != 1) {
            QString message
                = QStringLiteral(
                      "a container name must be specified for pod %1, choose one of: [%2]")
                      .arg(target.name, containers.join(QLatin1Char(' ')));
            if (!initContainers.isEmpty())
                message += QStringLiteral(" or one of the init containers: [%1]")
                               .arg(initContainers.join(QLatin1Char(' ')));
            sendStatus(connection, 400, QStringLiteral("BadRequest"), message);
            return;
        }
        container = containers.first();
    }
    if (!containers.contains(container) && !initContainers.contains(container)) {
        sendStatus(connection,
                   400,
                   QStringLiteral("BadRequest"),
                   QStringLiteral("container %1 is not valid for pod %2")
                       .arg(container, target.name));
        return;
    }
    const auto logTarget = m_controller.logTarget(KubeStore::key(target.ns, target.name), container);
    const bool previous = request.queryValue(QStringLiteral("previous")) == QLatin1String("true");
    if (!logTarget || (!previous && !logTarget->started)) {
        QString reason = logTarget ? logTarget->waitingReason : QStringLiteral("ContainerCreating");
        if (reason == QLatin1String("ImagePullBackOff") || reason == QLatin1String("ErrImagePull"))
            reason = QStringLiteral("trying and failing to pull image");
        sendStatus(connection,
                   400,
                   QStringLiteral("BadRequest"),
                   QStringLiteral("container \"%1\" in pod \"%2\" is waiting to start: %3")
                       .arg(container, target.name, reason));
        return;
    }
    if (previous && !logTarget->previous) {
        sendStatus(connection,
                   400,
                   QStringLiteral("BadRequest"),
                   QStringLiteral("previous terminated container \"%1\" in pod \"%2\" not found")
                       .arg(container, target.name));
        return;
    }
    const ContainerRun run = previous ? *logTarget->previous : logTarget->current;
    const qint64 now = m_controller.nowMs();
    qint64 from = 0;
    if (request.hasQuery(QStringLiteral("sinceSeconds")))
        from = now - request.queryValue(QStringLiteral("sinceSeconds")).toLongLong() * 1000;
    else if (request.hasQuery(QStringLiteral("sinceTime")))
        from = core::kubetime::parse(request.queryValue(QStringLiteral("sinceTime")))
                   .toMSecsSinceEpoch();
    QList<LogLine> lines
        = KubeLogs::lines(logTarget->flavour, target.name, logTarget->podIP, run, from, now);
    if (request.hasQuery(QStringLiteral("tailLines"))) {
        const qint64 tail = request.queryValue(QStringLiteral("tailLines")).toLongLong();
        if (tail >= 0 && tail < lines.size())
            lines = lines.mid(lines.size() - tail);
    }
    const bool timestamps = request.queryValue(QStringLiteral("timestamps"))
                            == QLatin1String("true");
    const qint64 limitBytes = request.queryValue(QStringLiteral("limitBytes")).toLongLong();
    QByteArray data = KubeLogStream::format(lines, timestamps);
    if (limitBytes > 0 && data.size() > limitBytes)
        data.truncate(limitBytes);
    const bool follow = request.queryValue(QStringLiteral("follow")) == QLatin1String("true");
    if (!follow || previous || run.endedMs > 0) {
        connection->respond(200, "text/plain", data);
        return;
    }
    connection->beginStream(200, "text/plain");
    connection->writeChunk(data);
    KubeLogStream::Follow f;
    f.podKey = KubeStore::key(target.ns, target.name);
    f.podName = target.name;
    f.container = container;
    f.timestamps = timestamps;
    f.limitBytes = limitBytes > 0 ? limitBytes - data.size() : 0;
    f.sentMs = now;
    f.run = run;
    new KubeLogStream(m_controller, connection, f, this);
}

void KubeApiServer::accessReview(HttpConnection *connection, const HttpRequest &request)
{
    QJsonObject review = QJsonDocument::fromJson(request.body).object();
    QJsonObject attributes = review.value(QLatin1String("spec"))
                                 .toObject()
                                 .value(QLatin1String("resourceAttributes"))
                                 .toObject();
    if (review.isEmpty()) {
        // kubectl auth can-i speaks protobuf; the answer may be JSON (it accepts both).
        attributes = resourceAttributesFromProtobuf(request.body);
        review = {{QStringLiteral("spec"),
                   QJsonObject{{QStringLiteral("resourceAttributes"), attributes}}}};
    }
    const QString verb = attributes.value(QLatin1String("verb")).toString();
    Target target;
    target.info.plural = attributes.value(QLatin1String("resource")).toString();
    target.info.group = attributes.value(QLatin1String("group")).toString();
    target.subresource = attributes.value(QLatin1String("subresource")).toString();
    const bool denied = !attributes.isEmpty() && isDenied(verb, target);
    QJsonObject meta = review.value(QLatin1String("metadata")).toObject();
    meta.insert(QStringLiteral("creationTimestamp"), QJsonValue::Null);
    review.insert(QStringLiteral("metadata"), meta);
    review.insert(QStringLiteral("apiVersion"), QStringLiteral("authorization.k8s.io/v1"));
    review.insert(QStringLiteral("kind"), QStringLiteral("SelfSubjectAccessReview"));
    QJsonObject status{{QStringLiteral("allowed"), !denied}};
    if (denied) {
        status.insert(QStringLiteral("reason"), QStringLiteral("denied by the drill's RBAC fault"));
    } else {
        status.insert(QStringLiteral("reason"),
                      QStringLiteral("RBAC: allowed by ClusterRoleBinding \"drill-admin\" of "
                                     "ClusterRole \"cluster-admin\" to User \"%1\"")
                          .arg(m_config.user));
    }
    review.insert(QStringLiteral("status"), status);
    sendJson(connection, 201, review);
}

} // namespace ragdr::sandbox
