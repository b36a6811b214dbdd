#pragma once

#include "core/base/error.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>

#include <memory>

namespace ragdr::sandbox {

class GeminiSimulator;
class HttpConnection;
class HttpServer;
struct HttpRequest;

// The process behind `ragdr-drill serve-llm --dir DIR` (started detached by `up`): the drill's
// simulated Gemini endpoints (a primary and a backup, as the drill profile lists them) and the
// control endpoint through which `ragdr-drill fault llm-...`, `heal` and the tests reach them.
//
// DIR/llm/serve.json (0600) says what runs; DIR/llm/keys (0600) holds the keys the endpoints
// accept, one a line; DIR/llm/state.json carries the pid once it listens.
//
// Control endpoint (HTTPS on 127.0.0.1, controlPort; the controlToken in x-goog-api-key):
//   GET    /ragdr-drill/v1/status                              each endpoint, its fault, its requests
//   POST   /ragdr-drill/v1/faults {"name","endpoint","params"} inject (endpoint: a name or "all";
//                                                              none: the first)
//   DELETE /ragdr-drill/v1/faults?endpoint=E                   heal one, or all
//   POST   /ragdr-drill/v1/keys                                issue a key: {"key": "..."}
//   GET    /incidents.json                                     a status feed in Google Cloud's
//                                                              shape (no token)
class LlmServe final : public QObject
{
    Q_OBJECT

public:
    explicit LlmServe(QString dir);
    ~LlmServe() override;

    core::Status start();
    static int run(const QString &dir);

private:
    void control(HttpConnection *connection, const HttpRequest &request);
    QList<GeminiSimulator *> endpointsFor(const QString &endpoint) const;
    QJsonObject statusJson() const;
    QByteArray incidents() const;

    QString m_dir;
    QJsonObject m_config;
    std::shared_ptr<QSet<QByteArray>> m_keys;
    QList<GeminiSimulator *> m_endpoints;
    std::unique_ptr<HttpServer> m_control;
};

} // namespace ragdr::sandbox
