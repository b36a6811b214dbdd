#include "kubeconnection.h"

#include "kubeproxy.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>

namespace ragdr::core {

KubeRequest KubeRequest::get(const QString &path, const QUrlQuery &query)
{
    KubeRequest r;
    r.path = path;
    r.query = query;
    return r;
}

KubeRequest KubeRequest::patch(const QString &path,
                               const QByteArray &contentType,
                               const QByteArray &body,
                               const QUrlQuery &query)
{
    KubeRequest r;
    r.verb = "PATCH";
    r.path = path;
    r.contentType = contentType;
    r.body = body;
    r.query = query;
    return r;
}

QJsonObject KubeResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

KubeConnection::KubeConnection(ClusterAccess access)
    : m_access(std::move(access))
{}

Result<std::shared_ptr<KubeConnection>> KubeConnection::open(const KubeTarget &target)
{
    auto access = ClusterAccess::forTarget(target);
    if (!access)
        return fail(access.error());
    return open(*access);
}

Result<std::shared_ptr<KubeConnection>> KubeConnection::open(const ClusterAccess &access)
{
    std::shared_ptr<KubeConnection> c(new KubeConnection(access));
    if (c->m_access.usesTls()) {
        auto tls = c->m_access.sslConfiguration();
        if (!tls)
            return fail(tls.error());
        c->m_tls = *tls;
    }
    auto proxy = KubeProxy::decide(c->m_access.server, c->m_access.proxyUrl);
    if (!proxy) {
        return fail(proxy.error().prefixed(
            QStringLiteral("context \"%1\" (%2)").arg(c->m_access.context, c->m_access.origin)));
    }
    c->m_proxy = *proxy;
    auto credentials = c->m_access.credentialProvider();
    if (!credentials)
        return fail(credentials.error());
    c->m_credentials = *credentials;
    return c;
}

std::unique_ptr<QNetworkAccessManager> KubeConnection::networkAccess() const
{
    auto nam = std::make_unique<QNetworkAccessManager>();
    nam->setProxy(m_proxy);
    nam->setAutoDeleteReplies(false);
    return nam;
}

QNetworkRequest KubeConnection::prepare(const KubeRequest &request,
                                        const Credential &credential) const
{
    QNetworkRequest r(m_access.url(request.path, request.query));
    r.setRawHeader("Accept", request.accept);
    r.setRawHeader("User-Agent", "ragdr/" RAGDR_VERSION);
    if (!request.contentType.isEmpty())
        r.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
    r.setTransferTimeout(request.timeoutMs);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // The kubeconfig's disable-compression: client-go then asks for no gzip.
    if (m_access.disableCompression)
        r.setRawHeader("Accept-Encoding", "identity");
    // kubectl sends credentials over TLS only (kubectl-wire.md §0); so do we.
    if (m_access.usesTls()) {
        const QByteArray auth = credential.authorizationHeader();
        if (!auth.isEmpty())
            r.setRawHeader("Authorization", auth);
        r.setSslConfiguration(credential.applyTo(m_tls));
        if (!m_access.tlsServerName.isEmpty())
            r.setPeerVerifyName(m_access.tlsServerName);
    }
    return r;
}

Result<QNetworkRequest> KubeConnection::prepare(const KubeRequest &request,
                                                const CancelToken &cancel,
                                                quint64 *credentialSerial) const
{
    if (!m_access.usesTls())
        return prepare(request, Credential());
    auto credential = m_credentials->credential(cancel);
    if (!credential) {
        return fail(credential.error().prefixed(
            QStringLiteral("credentials for context %1").arg(m_access.context)));
    }
    if (credentialSerial)
        *credentialSerial = credential->serial;
    return prepare(request, *credential);
}

Error KubeConnection::errorFrom(int status, const QByteArray &body, const QString &what)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    QString message = json.value(QStringLiteral("message")).toString();
    QString reason = json.value(QStringLiteral("reason")).toString();
    if (message.isEmpty())
        message = QString::fromUtf8(body.left(200)).trimmed();
    if (reason.isEmpty())
        reason = QStringLiteral("HTTP %1").arg(status);
    const QString text = QStringLiteral("%1: Error from server (%2): %3").arg(what, reason, message);
    switch (status) {
    case 400:
    case 404:
    case 422:
        return Error::badInput(text);
    case 401:
    case 403:
        return Error::refused(text);
    default:
        return Error::failed(text);
    }
}

} // namespace ragdr::core
