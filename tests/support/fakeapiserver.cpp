#include "fakeapiserver.h"

#include "testcertificates.h"

#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>

namespace ragdr::test {

namespace {
const QByteArray kToken = "fake-api-server-token";
}

FakeApiServer::FakeApiServer(Handler handler)
{
    const TestCertificates &certs = testCertificates();
    if (!certs.error.isEmpty())
        return;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(certs.serverCertPem));
    tls.setPrivateKey(QSslKey(certs.serverKeyPem, QSsl::Rsa));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_server = std::make_unique<sandbox::HttpServer>(
        tls,
        [this, handler = std::move(handler)](sandbox::HttpConnection *c,
                                             const sandbox::HttpRequest &r) {
            QString kind = QStringLiteral("get");
            if (r.path.endsWith(QLatin1String("/log")))
                kind = QStringLiteral("log");
            else if (r.queryValue(QStringLiteral("watch")) == QLatin1String("1")
                     || r.queryValue(QStringLiteral("watch")) == QLatin1String("true"))
                kind = QStringLiteral("watch");
            else if (r.path.count(QLatin1Char('/')) == 5) // /api/v1/namespaces/ns/pods
                kind = QStringLiteral("list");
            ++m_counts[kind];
            if (r.header("authorization") != "Bearer " + kToken) {
                sendJson(c,
                         401,
                         {{QStringLiteral("kind"), QStringLiteral("Status")},
                          {QStringLiteral("code"), 401},
                          {QStringLiteral("reason"), QStringLiteral("Unauthorized")}});
                return;
            }
            handler(c, r);
        });
    if (!m_server->listen(0))
        m_server.reset();
}

FakeApiServer::~FakeApiServer() = default;

bool FakeApiServer::isListening() const
{
    return m_server && m_server->isListening();
}

core::ClusterAccess FakeApiServer::access() const
{
    core::ClusterAccess a;
    a.context = QStringLiteral("fake");
    a.clusterName = QStringLiteral("fake");
    a.userName = QStringLiteral("tester");
    a.server = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(m_server ? m_server->port() : 0));
    a.ns = QStringLiteral("ns");
    a.certificateAuthorityData = testCertificates().caCertPem;
    a.token = kToken;
    return a;
}

void FakeApiServer::sendJson(sandbox::HttpConnection *connection,
                             int status,
                             const QJsonObject &body)
{
    connection->respond(status,
                        "application/json",
                        QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace ragdr::test
