#include "clusteraccess.h"

#include "execcredentialprovider.h"
#include "kubeconfigloader.h"
#include "kubeproxy.h"
#include "tlsmaterial.h"
#include "tokencredentialprovider.h"

#include "core/secrets/secretstore.h"

#include <QFile>
#include <QFileInfo>

namespace ragdr::core {

namespace {

const QString kUntouched = QStringLiteral("nothing was sent to the cluster");

QString quotedList(const QStringList &names)
{
    if (names.isEmpty())
        return QStringLiteral("none");
    QStringList quoted;
    for (const QString &n : names)
        quoted.append(QLatin1Char('"') + n + QLatin1Char('"'));
    return quoted.join(QStringLiteral(", "));
}

QString filesRead(const Kubeconfig &kubeconfig)
{
    if (kubeconfig.files.isEmpty()) {
        return QStringLiteral("no kubeconfig file (looked for %1)")
            .arg(kubeconfig.missing.isEmpty() ? QStringLiteral("none")
                                              : kubeconfig.missing.join(QStringLiteral(", ")));
    }
    return kubeconfig.files.join(QStringLiteral(", "));
}

// Checks that a file can be opened, as client-go's validation does before using it.
std::optional<QString> unreadable(const QString &path)
{
    QFile file(path);
    if (file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return file.errorString();
}

// client-go's dataFromSliceOrFile: the data field wins over the file.
Result<QByteArray> dataOrFile(const QByteArray &data, const QString &file, const QString &what)
{
    if (!data.isEmpty() || file.isEmpty())
        return data;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return fail(
            Error::failed(QStringLiteral("cannot read %1 %2: %3").arg(what, file, f.errorString()),
                          kUntouched));
    return f.readAll();
}

// rest.DefaultServerURL as kubectl applies it before TLS is known: a server without a scheme is
// plain http (and then kubectl uses neither credentials nor TLS settings).
std::optional<QUrl> serverUrl(const QString &server, QString *problem)
{
    QUrl url(server, QUrl::StrictMode);
    if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty()) {
        url = QUrl(QStringLiteral("http://") + server, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (!url.path().isEmpty() && url.path() != QLatin1String("/"))) {
            *problem = QStringLiteral("server \"%1\" must be a URL or a host:port pair").arg(server);
            return std::nullopt;
        }
    }
    if (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) {
        *problem = QStringLiteral("server \"%1\" must be an https:// URL (found scheme %2)")
                       .arg(server, url.scheme());
        return std::nullopt;
    }
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

} // namespace

Result<ClusterAccess> ClusterAccess::forTarget(const KubeTarget &target)
{
    auto kubeconfig = KubeconfigLoader::load(KubeconfigSearch::fromEnvironment(target.kubeconfig));
    if (!kubeconfig)
        return fail(kubeconfig.error());
    auto access = resolve(*kubeconfig, target.context);
    if (!access)
        return fail(access.error());
    if (!target.ns.isEmpty())
        access->ns = target.ns;
    return access;
}

Result<ClusterAccess> ClusterAccess::resolve(const Kubeconfig &kubeconfig, const QString &requested)
{
    const QString contextName = requested.isEmpty() ? kubeconfig.currentContext : requested;
    if (contextName.isEmpty()) {
        return fail(
            Error::badInput(QStringLiteral("no context chosen: none was given and %1 sets no "
                                           "current-context; contexts there are: %2")
                                .arg(filesRead(kubeconfig), quotedList(kubeconfig.contextNames())),
                            kUntouched));
    }
    const auto ctxIt = kubeconfig.contexts.constFind(contextName);
    if (ctxIt == kubeconfig.contexts.cend()) {
        return fail(
            Error::badInput(QStringLiteral(
                                "context \"%1\" was not found in %2; contexts there are: %3")
                                .arg(contextName,
                                     filesRead(kubeconfig),
                                     quotedList(kubeconfig.contextNames())),
                            kUntouched));
    }
    const KubeContext &ctx = *ctxIt;
    const QString where = QStringLiteral("context \"%1\" (%2)").arg(contextName, ctx.origin);

    if (ctx.cluster.isEmpty())
        return fail(Error::badInput(where + QStringLiteral(": it names no cluster"), kUntouched));
    const auto clusterIt = kubeconfig.clusters.constFind(ctx.cluster);
    if (clusterIt == kubeconfig.clusters.cend()) {
        return fail(Error::badInput(
            where
                + QStringLiteral(": cluster \"%1\" is not defined in %2; clusters there are: %3")
                      .arg(ctx.cluster,
                           filesRead(kubeconfig),
                           quotedList(kubeconfig.clusters.keys())),
            kUntouched));
    }
    const KubeCluster &cluster = *clusterIt;

    ClusterAccess access;
    access.warnings = kubeconfig.warnings;
    access.context = contextName;
    access.clusterName = cluster.name;
    access.origin = ctx.origin;
    access.ns = ctx.ns.isEmpty() ? QStringLiteral("default") : ctx.ns;

    KubeUser user;
    if (!ctx.user.isEmpty()) {
        const auto userIt = kubeconfig.users.constFind(ctx.user);
        if (userIt != kubeconfig.users.cend()) {
            user = *userIt;
        } else {
            access.warnings.append(
                where
                + QStringLiteral(": user \"%1\" is not defined in %2, so requests "
                                 "carry no credentials (kubectl does the same)")
                      .arg(ctx.user, filesRead(kubeconfig)));
        }
    }
    access.userName = user.name;

    // Every problem, as kubectl's ConfirmUsable lists them all.
    QStringList problems;
    const QString c = QStringLiteral("cluster \"%1\"").arg(cluster.name);
    const QString u = QStringLiteral("user \"%1\"").arg(user.name);

    if (cluster.server.isEmpty()) {
        problems.append(QStringLiteral("no server found for %1").arg(c));
    } else {
        QString problem;
        if (auto url = serverUrl(cluster.server, &problem))
            access.server = *url;
        else
            problems.append(c + QStringLiteral(": ") + problem);
    }
    if (!cluster.proxyUrl.isEmpty()) {
        const QUrl proxy(cluster.proxyUrl, QUrl::StrictMode);
        const QString scheme = proxy.scheme();
        if (!proxy.isValid()) {
            problems.append(QStringLiteral("invalid 'proxy-url' \"%1\" for %2: could not parse it")
                                .arg(cluster.proxyUrl, c));
        } else if (scheme != QLatin1String("http") && scheme != QLatin1String("https")
                   && scheme != QLatin1String("socks5")) {
            problems.append(
                QStringLiteral(
                    "invalid 'proxy-url' \"%1\" for %2: unsupported scheme \"%3\", must be "
                    "http, https, or socks5")
                    .arg(cluster.proxyUrl, c, scheme));
        } else if (auto usable = KubeProxy::fromUrl(cluster.proxyUrl,
                                                    QStringLiteral("proxy-url of %1").arg(c));
                   !usable) {
            problems.append(usable.error().message);
        } else {
            access.proxyUrl = proxy;
        }
    }
    if (!cluster.certificateAuthority.isEmpty() && !cluster.certificateAuthorityData.isEmpty()) {
        problems.append(
            QStringLiteral(
                "certificate-authority-data and certificate-authority are both specified "
                "for %1; keep one")
                .arg(c));
    }
    if (!cluster.certificateAuthority.isEmpty()) {
        if (auto why = unreadable(cluster.certificateAuthority)) {
            problems.append(QStringLiteral("unable to read certificate-authority %1 for %2: %3")
                                .arg(cluster.certificateAuthority, c, *why));
        }
    }

    const bool hasCert = !user.clientCertificate.isEmpty() || !user.clientCertificateData.isEmpty();
    if (hasCert) {
        if (!user.clientCertificate.isEmpty() && !user.clientCertificateData.isEmpty()) {
            problems.append(
                QStringLiteral("client-certificate-data and client-certificate are both specified "
                               "for %1; keep one")
                    .arg(u));
        }
        if (!user.clientKey.isEmpty() && !user.clientKeyData.isEmpty()) {
            problems.append(
                QStringLiteral("client-key-data and client-key are both specified for %1; keep one")
                    .arg(u));
        }
        if (user.clientKey.isEmpty() && user.clientKeyData.isEmpty()) {
            problems.append(
                QStringLiteral("client-key-data or client-key must be specified for %1 to use the "
                               "client certificate")
                    .arg(u));
        }
        if (!user.clientCertificate.isEmpty()) {
            if (auto why = unreadable(user.clientCertificate))
                problems.append(QStringLiteral("unable to read client-certificate %1 for %2: %3")
                                    .arg(user.clientCertificate, u, *why));
        }
        if (!user.clientKey.isEmpty()) {
            if (auto why = unreadable(user.clientKey))
                problems.append(QStringLiteral("unable to read client-key %1 for %2: %3")
                                    .arg(user.clientKey, u, *why));
        }
    }
    if (user.exec) {
        const KubeExecConfig &e = *user.exec;
        if (!user.authProvider.isEmpty())
            problems.append(
                QStringLiteral("auth-provider cannot be combined with an exec plugin for %1").arg(u));
        if (e.command.isEmpty())
            problems.append(
                QStringLiteral("exec.command must be specified for %1 to use an exec plugin").arg(u));
        if (e.apiVersion.isEmpty()) {
            problems.append(
                QStringLiteral("exec.apiVersion must be specified for %1 to use an exec plugin")
                    .arg(u));
        } else if (e.apiVersion != QLatin1String("client.authentication.k8s.io/v1")
                   && e.apiVersion != QLatin1String("client.authentication.k8s.io/v1beta1")) {
            problems.append(
                QStringLiteral("exec plugin of %1: invalid apiVersion \"%2\" (supported: "
                               "client.authentication.k8s.io/v1 and /v1beta1)")
                    .arg(u, e.apiVersion));
        }
        for (const KubeExecEnvVar &var : e.env) {
            if (var.name.isEmpty())
                problems.append(QStringLiteral("exec.env: a variable of %1 has no name").arg(u));
        }
        if (e.interactiveMode.isEmpty()) {
            problems.append(
                QStringLiteral(
                    "exec.interactiveMode must be specified for %1 to use an exec plugin "
                    "(Never, IfAvailable or Always)")
                    .arg(u));
        } else if (e.interactiveMode != QLatin1String("Never")
                   && e.interactiveMode != QLatin1String("IfAvailable")
                   && e.interactiveMode != QLatin1String("Always")) {
            problems.append(
                QStringLiteral(
                    "invalid exec.interactiveMode for %1: \"%2\" (Never, IfAvailable or Always)")
                    .arg(u, e.interactiveMode));
        }
    }
    if (!user.token.isEmpty() && user.basicAuth) {
        problems.append(
            QStringLiteral(
                "more than one authentication method found for %1; found [token basicAuth], "
                "only one is allowed")
                .arg(u));
    }

    const bool tls = access.usesTls();
    // Checked by client-go when it builds the transport; for us, before anything is sent.
    if (tls && cluster.insecureSkipTlsVerify
        && (!cluster.certificateAuthority.isEmpty()
            || !cluster.certificateAuthorityData.isEmpty())) {
        problems.append(
            QStringLiteral(
                "%1 sets insecure-skip-tls-verify together with a certificate authority: "
                "specifying a root certificates file with the insecure flag is not "
                "allowed; remove one of them")
                .arg(c));
    }
    // What kubectl supports and ragdr does not: refused by name rather than silently connecting as
    // someone else, or as nobody.
    if (tls && !user.authProvider.isEmpty() && !user.exec) {
        problems.append(
            QStringLiteral(
                "%1 uses auth-provider \"%2\", which ragdr does not support; use an exec "
                "credential plugin instead (for gcp: gke-gcloud-auth-plugin, for oidc: "
                "kubelogin)")
                .arg(u, user.authProvider));
    }
    if (tls && user.basicAuth && user.token.isEmpty()) {
        problems.append(
            QStringLiteral(
                "%1 uses a username and password, which ragdr does not send (API servers "
                "dropped basic authentication in Kubernetes 1.19); use a token, a client "
                "certificate or an exec plugin")
                .arg(u));
    }
    if (tls && !user.impersonate.isEmpty()) {
        problems.append(
            QStringLiteral("%1 impersonates %2 (as:), which ragdr does not support; use a context "
                           "whose user acts as itself")
                .arg(u, user.impersonate));
    }
    if (tls && user.token.isEmpty() && !user.tokenFile.isEmpty()) {
        // client-go reads it while building the client, so a missing file fails there.
        if (auto why = unreadable(user.tokenFile))
            problems.append(
                QStringLiteral("cannot read tokenFile %1 of %2: %3").arg(user.tokenFile, u, *why));
    }

    if (!problems.isEmpty()) {
        return fail(Error::badInput(QStringLiteral("invalid configuration for %1: %2")
                                        .arg(where, problems.join(QStringLiteral("; "))),
                                    kUntouched));
    }

    if (!tls) {
        if (!user.name.isEmpty() || cluster.insecureSkipTlsVerify
            || !cluster.certificateAuthority.isEmpty()
            || !cluster.certificateAuthorityData.isEmpty()) {
            access.warnings.append(
                where
                + QStringLiteral(": server %1 is not https, so requests go unencrypted "
                                 "and without credentials or TLS settings (as kubectl "
                                 "sends them)")
                      .arg(access.server.toString()));
        }
        return access;
    }

    access.tlsServerName = cluster.tlsServerName;
    access.insecureSkipTlsVerify = cluster.insecureSkipTlsVerify;
    access.disableCompression = cluster.disableCompression;
    access.certificateAuthority = cluster.certificateAuthority;
    access.certificateAuthorityData = cluster.certificateAuthorityData;
    access.execExtension = cluster.execExtension;
    if (hasCert) {
        access.clientCertificate = user.clientCertificate;
        access.clientCertificateData = user.clientCertificateData;
        access.clientKey = user.clientKey;
        access.clientKeyData = user.clientKeyData;
    }
    access.token = user.token;
    access.tokenFile = user.tokenFile;
    // client-go's exec authenticator steps aside when a token or a client certificate is configured.
    if (user.exec) {
        if (!user.token.isEmpty() || !user.tokenFile.isEmpty() || hasCert) {
            access.warnings.append(
                where
                + QStringLiteral(": %1 has both an exec plugin and a %2; the plugin is "
                                 "not used (as in kubectl)")
                      .arg(u,
                           hasCert ? QStringLiteral("client certificate")
                                   : QStringLiteral("token")));
        } else {
            access.exec = user.exec;
        }
    }
    return access;
}

QUrl ClusterAccess::url(const QString &apiPath, const QUrlQuery &query) const
{
    QUrl u = server;
    QString base = server.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    u.setPath(base + (apiPath.startsWith(QLatin1Char('/')) ? apiPath : QLatin1Char('/') + apiPath));
    if (!query.isEmpty())
        u.setQuery(query);
    return u;
}

Result<QSslConfiguration> ClusterAccess::sslConfiguration() const
{
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    if (!usesTls())
        return conf;
    conf.setProtocol(QSsl::TlsV1_2OrLater);
    if (insecureSkipTlsVerify) {
        conf.setPeerVerifyMode(QSslSocket::VerifyNone);
    } else {
        conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
        auto caPem = dataOrFile(certificateAuthorityData,
                                certificateAuthority,
                                QStringLiteral("certificate-authority"));
        if (!caPem)
            return fail(caPem.error());
        if (!caPem->isEmpty()) {
            const QString what
                = certificateAuthorityData.isEmpty()
                      ? QStringLiteral("certificate-authority %1").arg(certificateAuthority)
                      : QStringLiteral("certificate-authority-data of cluster \"%1\"")
                            .arg(clusterName);
            auto cas = TlsMaterial::certificates(*caPem, what);
            if (!cas)
                return fail(
                    cas.error().prefixed(QStringLiteral("unable to load root certificates")));
            // Only the kubeconfig's CAs are trusted then, as client-go sets RootCAs to them alone.
            conf.setCaCertificates(*cas);
        }
    }
    if (hasClientCertificate()) {
        auto certPem = dataOrFile(clientCertificateData,
                                  clientCertificate,
                                  QStringLiteral("client-certificate"));
        if (!certPem)
            return fail(certPem.error());
        auto keyPem = dataOrFile(clientKeyData, clientKey, QStringLiteral("client-key"));
        if (!keyPem)
            return fail(keyPem.error());
        auto pair = TlsMaterial::keyPair(*certPem,
                                         *keyPem,
                                         QStringLiteral("client certificate of user \"%1\"")
                                             .arg(userName));
        if (!pair)
            return fail(pair.error());
        conf.setLocalCertificateChain(pair->chain);
        conf.setPrivateKey(pair->key);
    }
    return conf;
}

Result<std::shared_ptr<CredentialProvider>> ClusterAccess::credentialProvider(
    const ExecPluginSearch &search) const
{
    if (!usesTls() || !token.isEmpty() || !tokenFile.isEmpty() || !exec)
        return std::shared_ptr<CredentialProvider>(
            std::make_shared<TokenCredentialProvider>(token, tokenFile));
    std::optional<ExecClusterInfo> info;
    if (exec->provideClusterInfo) {
        ExecClusterInfo cluster;
        cluster.server = server.toString();
        cluster.tlsServerName = tlsServerName;
        cluster.insecureSkipTlsVerify = insecureSkipTlsVerify;
        auto ca = dataOrFile(certificateAuthorityData,
                             certificateAuthority,
                             QStringLiteral("certificate-authority"));
        if (!ca)
            return fail(ca.error().prefixed(
                QStringLiteral("failed to load CA bundle for the exec plugin")));
        cluster.certificateAuthorityData = *ca;
        cluster.proxyUrl = proxyUrl.toString();
        cluster.disableCompression = disableCompression;
        cluster.config = execExtension;
        info = cluster;
    }
    return std::shared_ptr<CredentialProvider>(
        std::make_shared<ExecCredentialProvider>(*exec, info, search));
}

QString ClusterAccess::describe() const
{
    QStringList parts;
    parts.append(QStringLiteral("context \"%1\" at %2").arg(context, server.toString()));
    parts.append(QStringLiteral("namespace %1").arg(ns));
    if (!usesTls()) {
        parts.append(QStringLiteral("plain http, no credentials"));
        return parts.join(QStringLiteral(", "));
    }
    if (insecureSkipTlsVerify) {
        parts.append(QStringLiteral("TLS NOT verified (insecure-skip-tls-verify)"));
    } else if (!certificateAuthorityData.isEmpty()) {
        parts.append(QStringLiteral("TLS verified with the kubeconfig's CA data"));
    } else if (!certificateAuthority.isEmpty()) {
        parts.append(QStringLiteral("TLS verified with the CA from %1").arg(certificateAuthority));
    } else {
        parts.append(QStringLiteral("TLS verified with the system CAs"));
    }
    if (!tlsServerName.isEmpty())
        parts.append(QStringLiteral("as server name %1").arg(tlsServerName));
    if (!proxyUrl.isEmpty())
        parts.append(
            QStringLiteral("through proxy %1").arg(proxyUrl.toString(QUrl::RemovePassword)));
    if (disableCompression)
        parts.append(QStringLiteral("uncompressed"));
    if (hasClientCertificate()) {
        parts.append(clientCertificate.isEmpty()
                         ? QStringLiteral("client certificate from the kubeconfig")
                         : QStringLiteral("client certificate %1").arg(clientCertificate));
    }
    if (!tokenFile.isEmpty())
        parts.append(QStringLiteral("token from file %1").arg(tokenFile));
    else if (!token.isEmpty())
        parts.append(QStringLiteral("token %1").arg(SecretStore::mask(token)));
    if (exec)
        parts.append(QStringLiteral("exec plugin %1").arg(exec->command));
    if (!hasClientCertificate() && token.isEmpty() && tokenFile.isEmpty() && !exec)
        parts.append(QStringLiteral("no credentials"));
    return parts.join(QStringLiteral(", "));
}

} // namespace ragdr::core
