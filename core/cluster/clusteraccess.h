#pragma once

#include "credentialprovider.h"
#include "execpluginsearch.h"
#include "kubeconfig.h"

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QSslConfiguration>
#include <QUrl>
#include <QUrlQuery>

#include <memory>
#include <optional>

namespace ragdr::core {

// How to reach one cluster as one user: a kubeconfig context resolved the way kubectl resolves it
// (client-go clientcmd/client_config.go, validation.go and transport/transport.go). For a REST
// client on a worker thread:
//
//   auto access = ClusterAccess::forTarget(region.kube);            // once; BadInput errors
//   auto tls = access->sslConfiguration();                          // Result<QSslConfiguration>
//   auto provider = access->credentialProvider();                   // Result<shared_ptr<...>>
//   QNetworkRequest request(access->url(QStringLiteral("/api/v1/namespaces/%1/pods").arg(ns)));
//   if (!access->tlsServerName.isEmpty()) request.setPeerVerifyName(access->tlsServerName);
//   then per request see CredentialProvider (Authorization header, exec client certificate, 401).
//
// When an exec plugin's client certificate changes (a new Credential::serial carrying one), call
// QNetworkAccessManager::clearConnectionCache(): client-go closes its connections then as well.
struct ClusterAccess
{
    QString context;
    QString clusterName;
    QString userName;
    QString origin; // the file the context came from
    QUrl server;    // base URL; API paths go below its path (it may carry a proxy's prefix)
    QString ns; // the context's namespace, "default" when it names none; forTarget: the profile's
    QString tlsServerName; // when set, pass it to QNetworkRequest::setPeerVerifyName
    bool insecureSkipTlsVerify = false;
    QUrl proxyUrl; // http or socks5 (checked; see KubeProxy); empty: the environment's proxy
    bool disableCompression = false; // no gzip asked for (Accept-Encoding: identity)

    // TLS material as the kubeconfig gives it, with absolute paths; sslConfiguration() reads it.
    QString certificateAuthority;
    QByteArray certificateAuthorityData;
    QString clientCertificate;
    QByteArray clientCertificateData;
    QString clientKey;
    QByteArray clientKeyData; // secret

    // Credentials besides a client certificate, only what will be used: client-go prefers a
    // token (or tokenFile) and a client certificate over an exec plugin, so exec is unset then.
    QByteArray token; // secret
    QString tokenFile;
    std::optional<KubeExecConfig> exec;
    QByteArray execExtension; // the cluster's client.authentication.k8s.io/exec extension (JSON)

    // What kubectl accepts silently but the commander should know: unknown keys, a context whose
    // user is not defined (so no credentials), a plugin that is ignored because a token is set.
    QStringList warnings;

    // Reads the kubeconfig the profile names, or else $KUBECONFIG or ~/.kube/config, and resolves
    // target.context; target.ns, when set, overrides the context's namespace (as --namespace does).
    static Result<ClusterAccess> forTarget(const KubeTarget &target);

    // context, or the current-context when empty. Errors (kind BadInput) name the context and the
    // file and say what to fix: an unknown context lists the contexts there are; every problem
    // kubectl would refuse the context for is listed, e.g. a CA file together with
    // insecure-skip-tls-verify ("specifying a root certificates file with the insecure flag is not
    // allowed").
    static Result<ClusterAccess> resolve(const Kubeconfig &kubeconfig, const QString &context = {});

    // https. Over plain http kubectl sends no credentials and uses no TLS settings; neither do we.
    bool usesTls() const { return server.scheme() == QLatin1String("https"); }

    // server with apiPath ("/api/v1/...") appended below its own path, and the query, if any.
    QUrl url(const QString &apiPath, const QUrlQuery &query = {}) const;
    bool hasClientCertificate() const
    {
        return !clientCertificate.isEmpty() || !clientCertificateData.isEmpty();
    }

    // CA certificates (only those of the kubeconfig, when it names any; else the system's), the
    // kubeconfig's client certificate and key, TLS 1.2 or later, and peer verification unless
    // insecure-skip-tls-verify. Files are read on each call, so a rotated certificate is picked up
    // by calling it again.
    Result<QSslConfiguration> sslConfiguration() const;

    // The provider of this user's token or exec credential (a provider of nothing when the user
    // authenticates with the client certificate alone, or anonymously). Create it once per context
    // and share it.
    Result<std::shared_ptr<CredentialProvider>> credentialProvider(
        const ExecPluginSearch &search = ExecPluginSearch::fromEnvironment()) const;

    // One line, secrets masked: context "eu" at https://…:6443, namespace rag-prod, TLS verified with
    // the CA from /…/ca.crt, token …abcd.
    QString describe() const;
};

} // namespace ragdr::core
