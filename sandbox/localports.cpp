#include "localports.h"

#include <QTcpServer>

namespace ragdr::sandbox {

bool LocalPorts::isFree(quint16 port)
{
    QTcpServer probe;
    return port > 0 && probe.listen(QHostAddress::LocalHost, port);
}

quint16 LocalPorts::pick()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace ragdr::sandbox
