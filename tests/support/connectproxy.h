#pragma once

#include <QObject>
#include <QStringList>
#include <QTcpServer>

namespace ragdr::test {

// A forward proxy that tunnels with HTTP CONNECT, as the corporate proxies a kubeconfig's
// proxy-url names do: it records each tunnel's target and pipes bytes both ways.
class ConnectProxy final : public QObject
{
    Q_OBJECT

public:
    explicit ConnectProxy(QObject *parent = nullptr);

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    void close() { m_server.close(); }
    // "127.0.0.1:6443" for each CONNECT it accepted.
    QStringList tunnels() const { return m_tunnels; }

private:
    void accept();

    QTcpServer m_server;
    QStringList m_tunnels;
};

} // namespace ragdr::test
