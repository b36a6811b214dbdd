#include "drillservices.h"

#include "httpserver.h"

#include "core/db/pgsession.h"
#include "core/secrets/secretstore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ragdr::sandbox {

DrillServices::DrillServices(DrillServicesConfig config, QSslConfiguration tls, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_tls(std::move(tls))
    , m_webhooks(m_config.webhookToken, m_config.receivedFile)
{
    for (const DrillServicesConfig::Api &a : m_config.apis)
        m_apis.append(std::make_shared<RagApi>(a.region, a.context, [this] { return session(); }));
}

DrillServices::~DrillServices() = default;

core::Status DrillServices::start()
{
    m_apiServer
        = std::make_unique<HttpServer>(m_tls, [this](HttpConnection *c, const HttpRequest &r) {
              for (qsizetype i = 0; i < m_config.apis.size(); ++i) {
                  const QString &prefix = m_config.apis.at(i).prefix;
                  if (r.path.startsWith(prefix + QLatin1Char('/'))) {
                      m_apis.at(i)->handle(c, r, r.path.mid(prefix.size()));
                      return;
                  }
              }
              c->respond(404, "application/json", R"({"detail":"Not Found"})");
          });
    if (auto listening = m_apiServer->listen(m_config.apiPort); !listening)
        return core::fail(listening.error().prefixed(QStringLiteral("the simulated RAG API")));
    m_webhookServer = std::make_unique<HttpServer>(m_tls,
                                                   [this](HttpConnection *c, const HttpRequest &r) {
                                                       m_webhooks.handle(c, r);
                                                   });
    if (auto listening = m_webhookServer->listen(m_config.webhookPort); !listening)
        return core::fail(listening.error().prefixed(QStringLiteral("the webhook receiver")));
    return {};
}

quint16 DrillServices::apiPort() const
{
    return m_apiServer ? m_apiServer->port() : 0;
}

quint16 DrillServices::webhookPort() const
{
    return m_webhookServer ? m_webhookServer->port() : 0;
}

core::Result<core::PgSession *> DrillServices::session()
{
    if (m_session) {
        // A session the server dropped (restart, lost database) is replaced, not reused.
        if (m_session->scalar(QStringLiteral("SELECT 1")))
            return m_session.get();
        m_session.reset();
    }
    auto password = core::SecretStore::read(m_config.database.password);
    if (!password)
        return core::fail(password.error());
    auto session = core::PgSession::connect(m_config.database, *password);
    if (!session)
        return core::fail(session.error());
    m_session = std::move(*session);
    return m_session.get();
}

QStringList DrillServices::faultNames()
{
    return RagApi::faultNames() + QStringList{WebhookReceiver::faultName()};
}

QList<RagApi *> DrillServices::apisFor(const QString &region) const
{
    QList<RagApi *> out;
    for (const auto &api : m_apis) {
        if (region == QLatin1String("all") || api->region() == region || api->context() == region)
            out.append(api.get());
    }
    if (region.isEmpty() && !m_apis.isEmpty())
        out.append(m_apis.constFirst().get());
    return out;
}

core::Status DrillServices::inject(const QString &fault, const QString &region)
{
    if (fault == WebhookReceiver::faultName()) {
        m_webhooks.setDown(true);
        return {};
    }
    const QList<RagApi *> targets = apisFor(region);
    if (targets.isEmpty())
        return core::fail(core::Error::badInput(
            QStringLiteral("no simulated RAG API serves region \"%1\"").arg(region)));
    for (RagApi *api : targets) {
        if (auto injected = api->inject(fault); !injected)
            return injected;
    }
    return {};
}

void DrillServices::heal(const QString &region)
{
    const QString target = region.isEmpty() ? QStringLiteral("all") : region;
    for (RagApi *api : apisFor(target))
        api->heal();
    if (target == QLatin1String("all"))
        m_webhooks.setDown(false);
}

QJsonObject DrillServices::status() const
{
    QJsonArray apis;
    for (qsizetype i = 0; i < m_apis.size(); ++i) {
        const RagApi &api = *m_apis.at(i);
        apis.append(
            QJsonObject{{QStringLiteral("region"), api.region()},
                        {QStringLiteral("url"),
                         QStringLiteral("https://127.0.0.1:%1%2")
                             .arg(apiPort())
                             .arg(m_config.apis.at(i).prefix)},
                        {QStringLiteral("served"), api.served()},
                        {QStringLiteral("faults"), QJsonArray::fromStringList(api.faults())}});
    }
    return {{QStringLiteral("apis"), apis},
            {QStringLiteral("webhooks"),
             QJsonObject{{QStringLiteral("port"), webhookPort()},
                         {QStringLiteral("received"), m_webhooks.received()},
                         {QStringLiteral("file"), m_webhooks.receivedFile()},
                         {QStringLiteral("down"), m_webhooks.isDown()}}}};
}

} // namespace ragdr::sandbox
