#include "kubeobjectapi.h"

#include "jsonpatch.h"
#include "kubeapireply.h"
#include "kubedefaults.h"
#include "kubemediatype.h"
#include "kubeobject.h"
#include "kubewatch.h"

#include "core/cluster/kubetime.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace ragdr::sandbox {

using namespace kubeobject;

namespace {

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

} // namespace

KubeObjectApi::KubeObjectApi(KubeStore &store, KubeController &controller, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_controller(controller)
{}

void KubeObjectApi::setWatchStall(bool on)
{
    m_watchStall = on;
    if (on) {
        for (KubeWatch *watch : findChildren<KubeWatch *>(Qt::FindDirectChildrenOnly))
            watch->stall();
    }
}

std::optional<KubeObjectApi::Selectors> KubeObjectApi::parseSelectors(HttpConnection *connection,
                                                                      const HttpRequest &request,
                                                                      const KubeResourcePath &target)
{
    auto labels = LabelSelector::parse(request.queryValue(QStringLiteral("labelSelector")));
    if (!labels) {
        KubeApiReply::status(connection, 400, QStringLiteral("BadRequest"), labels.error().message);
        return std::nullopt;
    }
    auto fields = FieldSelector::parse(request.queryValue(QStringLiteral("fieldSelector")),
                                       target.info.resource);
    if (!fields) {
        KubeApiReply::status(connection, 400, QStringLiteral("BadRequest"), fields.error().message);
        return std::nullopt;
    }
    return Selectors{*labels, *fields};
}

void KubeObjectApi::list(HttpConnection *connection,
                         const HttpRequest &request,
                         const KubeResourcePath &target)
{
    const auto selectors = parseSelectors(connection, request, target);
    if (!selectors)
        return;
    const qint64 limit = request.queryValue(QStringLiteral("limit")).toLongLong();
    qint64 listVersion = m_store.resourceVersion();
    QString startAfter;
    if (const QString token = request.queryValue(QStringLiteral("continue")); !token.isEmpty()) {
        if (!decodeContinue(token, listVersion, startAfter)) {
            KubeApiReply::status(connection,
                                 400,
                                 QStringLiteral("BadRequest"),
                                 QStringLiteral(
                                     "continue key is not valid: incorrect encoded start "
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
    if (KubeMediaType::wantsMetadataOnly(request.header("accept"))) {
        QJsonArray partial;
        for (const QJsonObject &o : items)
            partial.append(KubeTable::partialObjectMetadata(o));
        QJsonObject meta{{QStringLiteral("resourceVersion"), QString::number(listVersion)}};
        if (!continueToken.isEmpty())
            meta.insert(QStringLiteral("continue"), continueToken);
        KubeApiReply::json(connection,
                           200,
                           {{QStringLiteral("kind"), QStringLiteral("PartialObjectMetadataList")},
                            {QStringLiteral("apiVersion"), QStringLiteral("meta.k8s.io/v1")},
                            {QStringLiteral("metadata"), meta},
                            {QStringLiteral("items"), partial}});
        return;
    }
    const QString version = KubeMediaType::tableVersion(request.header("accept"));
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
        KubeApiReply::json(connection,
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
    KubeApiReply::json(connection,
                       200,
                       {{QStringLiteral("kind"), QString(target.info.kind + QStringLiteral("List"))},
                        {QStringLiteral("apiVersion"), target.info.apiVersion()},
                        {QStringLiteral("metadata"), meta},
                        {QStringLiteral("items"), array}});
}

void KubeObjectApi::watch(HttpConnection *connection,
                          const HttpRequest &request,
                          const KubeResourcePath &target)
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
    const QString version = KubeMediaType::tableVersion(request.header("accept"));
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
            KubeApiReply::status(connection,
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

void KubeObjectApi::get(HttpConnection *connection,
                        const HttpRequest &request,
                        const KubeResourcePath &target)
{
    const QJsonObject object = m_store.get(target.info.resource, target.ns, target.name);
    if (object.isEmpty()) {
        KubeApiReply::notFound(connection, target);
        return;
    }
    const QString version = KubeMediaType::tableVersion(request.header("accept"));
    if (!version.isEmpty() && target.subresource.isEmpty()) {
        KubeTableOptions options;
        options.apiVersion = QStringLiteral("meta.k8s.io/") + version;
        options.resourceVersion = resourceVersionOf(object);
        KubeApiReply::json(connection,
                           200,
                           KubeTable::build(target.info.resource, {object}, m_store.now(), options));
        return;
    }
    KubeApiReply::json(connection, 200, object);
}

void KubeObjectApi::create(HttpConnection *connection,
                           const HttpRequest &request,
                           const KubeResourcePath &target)
{
    const QJsonDocument doc = QJsonDocument::fromJson(request.body);
    if (!doc.isObject()) {
        KubeApiReply::status(connection,
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
                    QString(meta.value(QLatin1String("generateName")).toString() + randomSuffix(5)));
    const QString name = meta.value(QLatin1String("name")).toString();
    if (name.isEmpty()) {
        KubeApiReply::status(connection,
                             422,
                             QStringLiteral("Invalid"),
                             QStringLiteral(
                                 "%1 \"\" is invalid: metadata.name: Required value: name or "
                                 "generateName is required")
                                 .arg(target.info.kind));
        return;
    }
    if (target.info.namespaced) {
        const QString bodyNs = meta.value(QLatin1String("namespace")).toString();
        if (!bodyNs.isEmpty() && bodyNs != target.ns) {
            KubeApiReply::status(connection,
                                 400,
                                 QStringLiteral("BadRequest"),
                                 QStringLiteral(
                                     "the namespace of the provided object does not match the "
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
        KubeApiReply::status(connection,
                             409,
                             QStringLiteral("AlreadyExists"),
                             QStringLiteral("%1 \"%2\" already exists")
                                 .arg(target.info.qualified(), name),
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
            KubeApiReply::status(connection,
                                 422,
                                 QStringLiteral("Invalid"),
                                 QStringLiteral(
                                     "Pod \"%1\" is invalid: spec.containers: Required value")
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
            KubeApiReply::status(
                connection,
                422,
                QStringLiteral("Invalid"),
                QStringLiteral("Deployment.apps \"%1\" is invalid: spec.template.metadata.labels: "
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
        KubeApiReply::status(connection,
                             405,
                             QStringLiteral("MethodNotAllowed"),
                             QStringLiteral("the drill creates %1 only through its controllers")
                                 .arg(target.info.plural));
        return;
    }
    KubeApiReply::json(connection, 201, m_store.create(target.info.resource, object));
}

void KubeObjectApi::storeUpdate(HttpConnection *connection,
                                const KubeResourcePath &target,
                                const QJsonObject &current,
                                QJsonObject changed,
                                const QString &expectedResourceVersion)
{
    const QString currentVersion = resourceVersionOf(current);
    const QString qualified = target.info.qualified();
    if (!expectedResourceVersion.isEmpty() && expectedResourceVersion != currentVersion) {
        KubeApiReply::status(
            connection,
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
        KubeApiReply::status(connection,
                             422,
                             QStringLiteral("Invalid"),
                             QStringLiteral(
                                 "Pod \"%1\" is invalid: spec: Forbidden: pod updates may not "
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
            KubeApiReply::status(connection,
                                 422,
                                 QStringLiteral("Invalid"),
                                 QStringLiteral(
                                     "Deployment.apps \"%1\" is invalid: spec.replicas: Invalid "
                                     "value: %2: must be greater than or equal to 0")
                                     .arg(target.name,
                                          QString::fromUtf8(QJsonDocument(QJsonArray{replicas})
                                                                .toJson(QJsonDocument::Compact))
                                              .mid(1)
                                              .chopped(1)));
            return;
        }
        if (oldSpec.value(QLatin1String("selector")) != newSpec.value(QLatin1String("selector"))) {
            KubeApiReply::status(connection,
                                 422,
                                 QStringLiteral("Invalid"),
                                 QStringLiteral(
                                     "Deployment.apps \"%1\" is invalid: spec.selector: Invalid "
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
    KubeApiReply::json(connection, 200, m_store.update(target.info.resource, changed));
}

void KubeObjectApi::replace(HttpConnection *connection,
                            const HttpRequest &request,
                            const KubeResourcePath &target)
{
    const QJsonObject current = m_store.get(target.info.resource, target.ns, target.name);
    if (current.isEmpty()) {
        KubeApiReply::notFound(connection, target);
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(request.body);
    if (!doc.isObject()) {
        KubeApiReply::status(connection,
                             400,
                             QStringLiteral("BadRequest"),
                             QStringLiteral("the body of the request was in an unknown format"));
        return;
    }
    const QJsonObject body = doc.object();
    if (nameOf(body) != target.name) {
        KubeApiReply::status(
            connection,
            400,
            QStringLiteral("BadRequest"),
            QStringLiteral("the name of the object (%1) does not match the name on the URL (%2)")
                .arg(nameOf(body), target.name));
        return;
    }
    storeUpdate(connection, target, current, body, resourceVersionOf(body));
}

void KubeObjectApi::patch(HttpConnection *connection,
                          const HttpRequest &request,
                          const KubeResourcePath &target)
{
    const QJsonObject current = m_store.get(target.info.resource, target.ns, target.name);
    if (current.isEmpty()) {
        KubeApiReply::notFound(connection, target);
        return;
    }
    auto patched = jsonpatch::apply(current, request.header("content-type"), request.body);
    if (!patched) {
        KubeApiReply::status(connection,
                             patched.error().kind == core::Error::Kind::Refused ? 415 : 400,
                             patched.error().kind == core::Error::Kind::Refused
                                 ? QStringLiteral("UnsupportedMediaType")
                                 : QStringLiteral("BadRequest"),
                             patched.error().message);
        return;
    }
    // A resourceVersion in the patch is a precondition; the one that was there already is not.
    QString expected = resourceVersionOf(*patched);
    if (expected == resourceVersionOf(current))
        expected.clear();
    storeUpdate(connection, target, current, *patched, expected);
}

void KubeObjectApi::remove(HttpConnection *connection,
                           const HttpRequest &request,
                           const KubeResourcePath &target)
{
    QJsonObject object = m_store.get(target.info.resource, target.ns, target.name);
    if (object.isEmpty()) {
        KubeApiReply::notFound(connection, target);
        return;
    }
    if (target.info.resource == KubeResource::Namespaces) {
        KubeApiReply::status(connection,
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
        KubeApiReply::json(connection, 200, object);
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
        KubeApiReply::json(connection, 200, object);
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
    KubeApiReply::json(connection, 200, object);
}

} // namespace ragdr::sandbox
