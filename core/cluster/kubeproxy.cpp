#include "kubeproxy.h"

#include <QHostAddress>

namespace ragdr::core {

namespace {

const QString kUntouched = QStringLiteral("nothing was sent to the cluster");

QString firstSet(const char *upper, const char *lower)
{
    const QString value = qEnvironmentVariable(upper);
    return value.isEmpty() ? qEnvironmentVariable(lower) : value;
}

// Go's url.Port() default by the proxy's scheme (net/http transport's portMap).
int defaultPort(const QString &scheme)
{
    return scheme == QLatin1String("socks5") ? 1080 : 80;
}

} // namespace

KubeProxy::Environment KubeProxy::Environment::fromProcess()
{
    return {firstSet("HTTPS_PROXY", "https_proxy"),
            firstSet("HTTP_PROXY", "http_proxy"),
            firstSet("NO_PROXY", "no_proxy")};
}

Result<QNetworkProxy> KubeProxy::fromUrl(const QString &text, const QString &what)
{
    QString withScheme = text.trimmed();
    // Go's httpproxy: "proxy:3128" means http://proxy:3128.
    if (!withScheme.contains(QLatin1String("://")))
        withScheme.prepend(QLatin1String("http://"));
    const QUrl url(withScheme, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()) {
        return fail(
            Error::badInput(QStringLiteral("%1 \"%2\" is not a proxy URL (scheme://host:port)")
                                .arg(what, text),
                            kUntouched));
    }
    const QString scheme = url.scheme().toLower();
    QNetworkProxy proxy;
    if (scheme == QLatin1String("http")) {
        proxy.setType(QNetworkProxy::HttpProxy);
    } else if (scheme == QLatin1String("socks5")) {
        proxy.setType(QNetworkProxy::Socks5Proxy);
    } else if (scheme == QLatin1String("https")) {
        return fail(Error::badInput(
            QStringLiteral("%1 \"%2\": ragdr cannot reach a proxy over TLS (it speaks plain HTTP "
                           "CONNECT or SOCKS5 to proxies, as Qt does); if the proxy tunnels "
                           "with CONNECT, write it as http://%3, the API server's TLS still runs "
                           "end to end through it")
                .arg(what, text, url.authority()),
            kUntouched));
    } else {
        return fail(Error::badInput(
            QStringLiteral("%1 \"%2\": unsupported scheme \"%3\", must be http, https, or socks5")
                .arg(what, text, scheme),
            kUntouched));
    }
    proxy.setHostName(url.host());
    proxy.setPort(quint16(url.port(defaultPort(scheme))));
    if (!url.userName().isEmpty()) {
        proxy.setUser(url.userName(QUrl::FullyDecoded));
        proxy.setPassword(url.password(QUrl::FullyDecoded));
    }
    return proxy;
}

Result<QNetworkProxy> KubeProxy::decide(const QUrl &server,
                                        const QUrl &proxyUrl,
                                        const Environment &env)
{
    if (!proxyUrl.isEmpty())
        return fromUrl(proxyUrl.toString(), QStringLiteral("proxy-url"));
    const bool https = server.scheme() == QLatin1String("https");
    const QString fromEnv = https ? env.httpsProxy : env.httpProxy;
    if (fromEnv.isEmpty() || bypasses(env.noProxy, server.host(), server.port(https ? 443 : 80))) {
        return QNetworkProxy(QNetworkProxy::NoProxy);
    }
    return fromUrl(fromEnv, https ? QStringLiteral("HTTPS_PROXY") : QStringLiteral("HTTP_PROXY"));
}

bool KubeProxy::bypasses(const QString &noProxy, const QString &rawHost, int port)
{
    const QString host = rawHost.toLower();
    const QHostAddress address(host);
    if (host == QLatin1String("localhost") || (!address.isNull() && address.isLoopback()))
        return true;
    for (QString entry : noProxy.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        entry = entry.trimmed().toLower();
        if (entry.isEmpty())
            continue;
        if (entry == QLatin1String("*"))
            return true;
        // CIDR ranges and addresses, then domain names; each may carry a port.
        if (entry.contains(QLatin1Char('/'))) {
            const auto subnet = QHostAddress::parseSubnet(entry);
            if (!address.isNull()
                && subnet.first.protocol() != QAbstractSocket::UnknownNetworkLayerProtocol
                && address.isInSubnet(subnet))
                return true;
            continue;
        }
        QString entryHost = entry;
        int entryPort = 0;
        const qsizetype colon = entry.lastIndexOf(QLatin1Char(':'));
        if (colon > 0 && entry.count(QLatin1Char(':')) == 1) {
            entryHost = entry.left(colon);
            entryPort = entry.mid(colon + 1).toInt();
        } else if (entry.startsWith(QLatin1Char('[')) && entry.contains(QLatin1String("]:"))) {
            entryHost = entry.mid(1, entry.indexOf(QLatin1Char(']')) - 1);
            entryPort = entry.mid(entry.lastIndexOf(QLatin1Char(':')) + 1).toInt();
        }
        if (entryPort != 0 && entryPort != port)
            continue;
        const QHostAddress entryAddress(entryHost);
        if (!entryAddress.isNull()) {
            if (!address.isNull() && entryAddress.isEqual(address))
                return true;
            continue;
        }
        if (entryHost.startsWith(QLatin1String("*.")))
            entryHost.remove(0, 1);
        if (entryHost.startsWith(QLatin1Char('.'))) {
            if (host.endsWith(entryHost))
                return true;
        } else if (host == entryHost || host.endsWith(QLatin1Char('.') + entryHost)) {
            return true;
        }
    }
    return false;
}

QString KubeProxy::describe(const QNetworkProxy &proxy)
{
    QString scheme;
    switch (proxy.type()) {
    case QNetworkProxy::HttpProxy:
        scheme = QStringLiteral("http");
        break;
    case QNetworkProxy::Socks5Proxy:
        scheme = QStringLiteral("socks5");
        break;
    default:
        return QStringLiteral("direct");
    }
    QString user;
    if (!proxy.user().isEmpty())
        user = proxy.user() + QLatin1Char('@');
    return QStringLiteral("%1://%2%3:%4").arg(scheme, user, proxy.hostName()).arg(proxy.port());
}

} // namespace ragdr::core
