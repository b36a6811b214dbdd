#include "connectproxy.h"

#include <QPointer>
#include <QTcpSocket>

namespace ragdr::test {

ConnectProxy::ConnectProxy(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &ConnectProxy::accept);
}

bool ConnectProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void ConnectProxy::accept()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        client->setParent(this);
        auto *head = new QByteArray;
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        connect(client, &QObject::destroyed, this, [head] { delete head; });
        connect(client, &QTcpSocket::readyRead, this, [this, client, head] {
            if (client->property("tunnel").toBool())
                return;
            head->append(client->readAll());
            const qsizetype end = head->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> request = head->left(head->indexOf("\r\n")).split(' ');
            if (request.size() < 2 || request.at(0) != "CONNECT") {
                client->write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            const QString target = QString::fromLatin1(request.at(1));
            m_tunnels.append(target);
            const QByteArray early = head->mid(end + 4);
            client->setProperty("tunnel", true);
            auto *upstream = new QTcpSocket(client);
            QPointer<QTcpSocket> guardedClient(client);
            connect(upstream, &QTcpSocket::connected, this, [client, upstream, early] {
                client->write("HTTP/1.1 200 Connection established\r\n\r\n");
                if (!early.isEmpty())
                    upstream->write(early);
                // Whatever the client sent meanwhile goes up as well.
                upstream->write(client->readAll());
                connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] {
                    upstream->write(client->readAll());
                });
            });
            connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] {
                client->write(upstream->readAll());
            });
            connect(upstream, &QTcpSocket::disconnected, client, [guardedClient] {
                if (guardedClient)
                    guardedClient->disconnectFromHost();
            });
            connect(client, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
            upstream->connectToHost(target.section(QLatin1Char(':'), 0, -2),
                                    quint16(target.section(QLatin1Char(':'), -1).toUInt()));
        });
    }
}

} // namespace ragdr::test
