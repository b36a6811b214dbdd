#pragma once

#include "drillservicesconfig.h"
#include "ragapi.h"
#include "webhookreceiver.h"

#include "core/base/error.h"

#include <QJsonObject>
#include <QObject>
#include <QSslConfiguration>
#include <QStringList>

#include <memory>

namespace ragdr::core {
class PgSession;
}

namespace ragdr::sandbox {

class HttpServer;

// The drill's simulated service endpoints in `ragdr-drill serve`: the RAG API of every region on
// one HTTPS port (each under its own path), and the webhook receiver on another. They live on a
// thread of their own, with the one database session the RAG APIs share (libpq: one thread).
// Tests also run one in-process, on a database of their own.
class DrillServices final : public QObject
{
    Q_OBJECT

public:
    DrillServices(DrillServicesConfig config, QSslConfiguration tls, QObject *parent = nullptr);
    ~DrillServices() override;

    // On the services' thread: listen on both ports.
    core::Status start();

    // rag-api-degraded, rag-api-down, bad-metrics (per region) and webhook-down.
    static QStringList faultNames();
    // region: a region, a kube context, "all", or empty (the first region).
    core::Status inject(const QString &fault, const QString &region);
    void heal(const QString &region);
    QJsonObject status() const;

    quint16 apiPort() const;
    quint16 webhookPort() const;

private:
    QList<RagApi *> apisFor(const QString &region) const;
    core::Result<core::PgSession *> session();

    DrillServicesConfig m_config;
    QSslConfiguration m_tls;
    std::unique_ptr<HttpServer> m_apiServer;
    std::unique_ptr<HttpServer> m_webhookServer;
    QList<std::shared_ptr<RagApi>> m_apis;
    WebhookReceiver m_webhooks;
    std::unique_ptr<core::PgSession> m_session;
};

} // namespace ragdr::sandbox
