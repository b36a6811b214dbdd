#pragma once

#include "core/base/error.h"

#include <QNetworkProxy>
#include <QString>
#include <QUrl>

namespace ragdr::core {

// The proxy a cluster's requests go through, decided as kubectl decides it: the kubeconfig's
// proxy-url when it has one (client-go clientcmd: http.ProxyURL, for every request, loopback
// included), else the environment (http.ProxyFromEnvironment: HTTPS_PROXY or HTTP_PROXY by the
// server's scheme, upper or lower case, minus NO_PROXY and loopback). Applied to the
// QNetworkAccessManager of every client of the cluster, so no request goes around it.
//
// Qt speaks to a proxy over plain TCP: HTTP CONNECT (the API server's TLS runs through the
// tunnel, end to end) or SOCKS5. A proxy reached over TLS itself (an https:// proxy URL) is
// refused with an error that says so, never used as something else.
class KubeProxy final
{
public:
    struct Environment
    {
        QString httpsProxy;
        QString httpProxy;
        QString noProxy;

        // HTTPS_PROXY/https_proxy, HTTP_PROXY/http_proxy, NO_PROXY/no_proxy of this process.
        static Environment fromProcess();
    };

    // server: the API server's URL; proxyUrl: the kubeconfig's proxy-url (empty: none).
    static Result<QNetworkProxy> decide(const QUrl &server,
                                        const QUrl &proxyUrl,
                                        const Environment &env = Environment::fromProcess());

    // http://[user:password@]host[:port] or socks5://...; a URL without a scheme is http, as in
    // Go. `what` names where it came from, for the error.
    static Result<QNetworkProxy> fromUrl(const QString &url, const QString &what);

    // Go's NO_PROXY rules (golang.org/x/net/http/httpproxy): "*", IP addresses, CIDR ranges and
    // domain names ("example.com" also matches its subdomains, ".example.com" only them), each
    // optionally with a port; localhost and loopback addresses are never proxied.
    static bool bypasses(const QString &noProxy, const QString &host, int port);

    // "http://proxy.example:3128" with any password left out; "direct" for none.
    static QString describe(const QNetworkProxy &proxy);
};

} // namespace ragdr::core
