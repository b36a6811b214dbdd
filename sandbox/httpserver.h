#pragma once

#include "httpconnection.h"

#include "core/base/error.h"

#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QSslServer>

#include <functional>
#include <memory>

namespace ragdr::sandbox {

// A small HTTPS/1.1 server on 127.0.0.1 for the drill's simulated services: TLS from
// QSslServer, the protocol from HttpConnection, what to answer from the handler. (QtHttpServer
// would do, but Debian 12's package of it misses a dependency.)
class HttpServer final : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<void(HttpConnection *connection, const HttpRequest &request)>;

    HttpServer(QSslConfiguration tls, Handler handler, QObject *parent = nullptr);
    ~HttpServer() override;

    core::Status listen(quint16 port);
    quint16 port() const { return m_port; }
    bool isListening() const;

    // Stops accepting and drops every open connection, as a server that died would.
    void stop();

private:
    void accept();

    QSslConfiguration m_tls;
    Handler m_handler;
    std::unique_ptr<QSslServer> m_server;
    QList<QPointer<HttpConnection>> m_connections;
    quint16 m_port = 0;
};

} // namespace ragdr::sandbox
