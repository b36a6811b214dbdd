#pragma once

#include "clusteraccess.h"

#include "core/base/canceltoken.h"
#include "core/base/error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QUrlQuery>

#include <memory>

class QNetworkAccessManager;

namespace ragdr::core {

struct KubeRequest
{
    QByteArray verb = "GET";
    QString path; // "/api/v1/namespaces/rag-prod/pods"
    QUrlQuery query;
    QByteArray accept = "application/json";
    QByteArray contentType;
    QByteArray body;
    int timeoutMs = 30000; // 0: none (streams)

    static KubeRequest get(const QString &path, const QUrlQuery &query = {});
    static KubeRequest patch(const QString &path,
                             const QByteArray &contentType,
                             const QByteArray &body,
                             const QUrlQuery &query = {});
};

struct KubeResponse
{
    int status = 0;
    QByteArray body;

    QJsonObject json() const;
};

// One region's API server as one user: the resolved kubeconfig context, its TLS settings, its
// proxy and its credential provider, shared (thread-safe, immutable) by every client of that
// context.
class KubeConnection final
{
public:
    static Result<std::shared_ptr<KubeConnection>> open(const KubeTarget &target);
    static Result<std::shared_ptr<KubeConnection>> open(const ClusterAccess &access);

    const ClusterAccess &access() const { return m_access; }
    const QString &ns() const { return m_access.ns; }
    CredentialProvider &credentials() const { return *m_credentials; }
    const QNetworkProxy &proxy() const { return m_proxy; }

    // A network access manager for a client of this context on the calling thread: through the
    // context's proxy (or explicitly none), replies deleted by their owner.
    std::unique_ptr<QNetworkAccessManager> networkAccess() const;

    // The request with its URL, headers, TLS settings and this credential (none over plain
    // http, as kubectl). Never blocks.
    QNetworkRequest prepare(const KubeRequest &request, const Credential &credential) const;
    // The same with the credential obtained first; its serial is returned so that a 401 can
    // invalidate exactly it. May block while an exec plugin runs: only on an operation's thread.
    Result<QNetworkRequest> prepare(const KubeRequest &request,
                                    const CancelToken &cancel,
                                    quint64 *credentialSerial) const;

    // An error a person can act on, from an HTTP status and a Kubernetes Status body, as kubectl
    // words it: "Error from server (NotFound): deployments.apps \"x\" not found".
    static Error errorFrom(int status, const QByteArray &body, const QString &what);

private:
    explicit KubeConnection(ClusterAccess access);

    ClusterAccess m_access;
    QSslConfiguration m_tls;
    QNetworkProxy m_proxy;
    std::shared_ptr<CredentialProvider> m_credentials;
};

} // namespace ragdr::core
