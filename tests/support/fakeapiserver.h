#pragma once

#include "core/cluster/clusteraccess.h"
#include "sandbox/httpserver.h"

#include <QHash>

#include <functional>
#include <memory>

namespace ragdr::test {

// An API server that answers as a test tells it, for what the drill's cannot be made to do on
// cue (a watch that ends at once, an ERROR event, a log stream that keeps ending): HTTPS on
// 127.0.0.1 with the test CA's certificate, a bearer token, and a count of the requests by kind.
class FakeApiServer final
{
public:
    using Handler = std::function<void(sandbox::HttpConnection *, const sandbox::HttpRequest &)>;

    // Fails the calling test (ASSERT) when the test certificates or the port are missing.
    explicit FakeApiServer(Handler handler);
    ~FakeApiServer();

    bool isListening() const;
    // A context for this server: its URL, the test CA and a token, namespace "ns".
    core::ClusterAccess access() const;

    // Requests so far: "list", "watch", "get" (with a name), "log".
    int count(const QString &kind) const { return m_counts.value(kind); }

    static void sendJson(sandbox::HttpConnection *connection, int status, const QJsonObject &body);

private:
    std::unique_ptr<sandbox::HttpServer> m_server;
    QHash<QString, int> m_counts;
};

} // namespace ragdr::test
