#include "kubeapiserver.h"

#include "kubeaccessreview.h"
#include "kubeapireply.h"
#include "kubediscovery.h"

#include <QRandomGenerator>

namespace ragdr::sandbox {

namespace {

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

} // namespace

KubeApiServer::KubeApiServer(KubeStore &store,
                             KubeController &controller,
                             KubeClusterConfig config,
                             QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_config(std::move(config))
    , m_objects(store, controller)
    , m_subresources(store, controller)
{}

void KubeApiServer::handle(HttpConnection *connection, const HttpRequest &request)
{
    ++m_requests;
    // Every request, /version included, carries the token over TLS (kubectl-wire.md §0).
    const QByteArray authorization = request.header("authorization");
    const QByteArray expected = "Bearer " + m_config.token.toUtf8();
    if (!constantTimeEquals(authorization, expected)) {
        KubeApiReply::status(connection,
                             401,
                             QStringLiteral("Unauthorized"),
                             QStringLiteral("Unauthorized"));
        return;
    }
    if (m_errorShare > 0 && request.path != QLatin1String("/version")
        && QRandomGenerator::global()->generateDouble() < m_errorShare) {
        KubeApiReply::status(
            connection,
            500,
            QStringLiteral("InternalError"),
            QStringLiteral("Internal error occurred: injected by the drill (apiserver-errors)"));
        return;
    }
    route(connection, request);
}

void KubeApiServer::route(HttpConnection *connection, const HttpRequest &request)
{
    const QString path = request.path;
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QByteArray method = request.method;

    if (KubeDiscovery::serve(connection, request, m_config.port))
        return;
    if (path == QLatin1String("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")) {
        if (method != "POST") {
            KubeApiReply::methodNotAllowed(connection);
            return;
        }
        KubeAccessReview::answer(connection, request, m_rbac, m_config.user);
        return;
    }

    const std::optional<KubeResourcePath> parsed = KubeResourcePath::parse(segments);
    if (!parsed) {
        KubeApiReply::notFound(connection);
        return;
    }
    const KubeResourcePath &target = *parsed;
    if (!target.ns.isEmpty()
        && !m_store.contains(KubeResource::Namespaces, KubeStore::key(QString(), target.ns))) {
        KubeApiReply::status(connection,
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
        KubeApiReply::methodNotAllowed(connection);
        return;
    }
    if (m_rbac.denies(verb, target.resource())) {
        KubeRbac::refuse(connection, verb, target, m_config.user);
        return;
    }

    // Typed clients (`kubectl create deployment`) send protobuf; the drill reads JSON only. (The
    // scale client sends its JSON with no Content-Type at all.)
    const QByteArray contentType = request.header("content-type").toLower();
    if ((method == "POST" || method == "PUT") && !request.body.isEmpty() && !contentType.isEmpty()
        && !contentType.startsWith("application/json")) {
        KubeApiReply::status(
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
            isWatch ? m_objects.watch(connection, request, target)
                    : m_objects.list(connection, request, target);
        else if (method == "POST")
            m_objects.create(connection, request, target);
        else
            KubeApiReply::methodNotAllowed(connection);
        return;
    }
    if (target.subresource == QLatin1String("log") && target.info.resource == KubeResource::Pods
        && method == "GET") {
        m_subresources.logs(connection, request, target);
        return;
    }
    if (target.subresource == QLatin1String("scale")
        && target.info.resource == KubeResource::Deployments) {
        m_subresources.scale(connection, request, target);
        return;
    }
    if (!target.subresource.isEmpty() && target.subresource != QLatin1String("status")) {
        KubeApiReply::notFound(connection);
        return;
    }
    if (!target.subresource.isEmpty() && method != "GET") {
        KubeApiReply::status(connection,
                             405,
                             QStringLiteral("MethodNotAllowed"),
                             QStringLiteral("status is written by the drill's controllers"));
        return;
    }
    if (method == "GET")
        m_objects.get(connection, request, target);
    else if (method == "PUT")
        m_objects.replace(connection, request, target);
    else if (method == "PATCH")
        m_objects.patch(connection, request, target);
    else if (method == "DELETE")
        m_objects.remove(connection, request, target);
    else
        KubeApiReply::methodNotAllowed(connection);
}

} // namespace ragdr::sandbox
