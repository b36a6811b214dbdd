#pragma once

#include "core/base/error.h"

#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QSslConfiguration>
#include <QStringList>

#include <memory>

namespace ragdr::sandbox {

class HttpConnection;
class HttpServer;
struct HttpRequest;

// One simulated Gemini endpoint (generativelanguage.googleapis.com/v1beta as the drill's profile
// names it): GET models and models/{m}, POST {m}:generateContent and {m}:embedContent with
// embeddings of the configured dimension; the key in x-goog-api-key (or ?key=) must be one the
// drill issued. Failures answer with Google's exact error bodies (google.rpc.Status with its
// details), and faults make it fail as Gemini does: a revoked key, a per-minute or per-day quota,
// overload, internal errors, slowness, a dead host, another embedding size, a blocked prompt, and
// what proxies send instead (HTML, a cut-off body, an array around the error).
class GeminiSimulator final : public QObject
{
    Q_OBJECT

public:
    struct Config
    {
        QString name;
        quint16 port = 0;
        QStringList models; // "gemini-2.0-flash"
        QStringList embeddingModels;
        int dimension = 384;
    };

    GeminiSimulator(Config config, QSslConfiguration tls, std::shared_ptr<QSet<QByteArray>> keys);
    ~GeminiSimulator() override;

    core::Status start();
    const Config &config() const { return m_config; }

    // params: "count" (fail only the next N requests, then heal), "retryDelay" ("2s"), "delayMs".
    core::Status inject(const QString &fault, const QJsonObject &params);
    void heal();
    QJsonObject status() const;

    static QStringList faultNames();

private:
    void handle(HttpConnection *connection, const HttpRequest &request);
    void answer(HttpConnection *connection, const HttpRequest &request);
    bool answerFault(HttpConnection *connection);
    void generated(HttpConnection *connection, const QString &model);

    Config m_config;
    QSslConfiguration m_tls;
    std::shared_ptr<QSet<QByteArray>> m_keys;
    std::unique_ptr<HttpServer> m_server;
    QString m_fault;
    QJsonObject m_params;
    int m_remaining = 0; // > 0: the fault heals after this many requests
    qint64 m_requests = 0;
};

} // namespace ragdr::sandbox
