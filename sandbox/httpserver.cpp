#include "httpserver.h"

namespace ragdr::sandbox {

HttpServer::HttpServer(QSslConfiguration tls, Handler handler, QObject *parent)
    : QObject(parent)
    , m_tls(std::move(tls))
    , m_handler(std::move(handler))
{}

HttpServer::~HttpServer()
{
    stop();
}

bool HttpServer::isListening() const
{
    return m_server && m_server->isListening();
}

core::Status HttpServer::listen(quint16 port)
{
    stop();
    m_server = std::make_unique<QSslServer>();
    m_server->setSslConfiguration(m_tls);
    // Sockets still in their TLS handshake count against this; a burst of kubectl processes
    // must not be turned away.
    m_server->setMaxPendingConnections(1000);
    m_server->setHandshakeTimeout(10000);
    connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, this, &HttpServer::accept);
    if (!m_server->listen(QHostAddress::LocalHost, port)) {
        const QString why = m_server->errorString();
        m_server.reset();
        return core::fail(core::Error::failed(
            QStringLiteral("cannot listen on 127.0.0.1:%1: %2").arg(port).arg(why)));
    }
    m_port = m_server->serverPort();
    return {};
}

void HttpServer::accept()
{
    while (m_server && m_server->hasPendingConnections()) {
        auto *socket = qobject_cast<QSslSocket *>(m_server->nextPendingConnection());
        if (!socket)
            continue;
        auto *connection = new HttpConnection(socket, this);
        m_connections.append(connection);
        connect(connection,
                &HttpConnection::requestReceived,
                this,
                [this, connection](const HttpRequest &request) { m_handler(connection, request); });
        connect(connection, &QObject::destroyed, this, [this] {
            m_connections.removeIf([](const QPointer<HttpConnection> &c) { return c.isNull(); });
        });
    }
}

void HttpServer::stop()
{
    if (m_server) {
        m_server->close();
        m_server.reset();
    }
    const auto connections = m_connections;
    m_connections.clear();
    for (const QPointer<HttpConnection> &c : connections) {
        if (c) {
            c->abort();
            c->deleteLater();
        }
    }
}

} // namespace ragdr::sandbox
