#pragma once

#include "tlsmaterial.h"

#include "core/base/canceltoken.h"
#include "core/base/error.h"

#include <QByteArray>
#include <QDateTime>
#include <QFuture>
#include <QSslConfiguration>

#include <memory>
#include <optional>

namespace ragdr::core {

// What to present to the API server, obtained by a CredentialProvider. Holds secrets: pass it to
// the request and let it go; describe() is the only text of it that may be shown or logged.
struct Credential
{
    QByteArray bearerToken;   // empty: no Authorization header
    ClientKeyPair clientCert; // from an exec plugin; a kubeconfig's own is in sslConfiguration()
    QDateTime expiresAt;      // invalid: does not expire (or nobody said)
    quint64 serial = 0;       // a new number for each credential a provider obtains

    // "Bearer <token>", or empty when there is no token.
    QByteArray authorizationHeader() const;
    bool hasClientCertificate() const { return !clientCert.isNull(); }
    // base with this credential's client certificate and key, if it has one.
    QSslConfiguration applyTo(QSslConfiguration base) const;
    // "token …abcd, expires 2026-01-01T10:00:00Z", "client certificate CN=admin", "none".
    QString describe() const;
};

// A credential asked for without blocking: the answer when it is at hand, otherwise the one
// refresh in flight (an exec plugin running on a thread of its own) to wait for. Keep `interest`
// while waiting: a refresh that nobody waits for any more is cancelled (its plugin stopped).
struct PendingCredential
{
    std::optional<Result<Credential>> ready;
    QFuture<Result<Credential>> refresh; // when ready is empty; always ends with one result
    std::shared_ptr<void> interest;
};

// Obtains the credential of one kubeconfig user, caching it as client-go does. Thread-safe: the
// REST clients call it from their worker threads, and several requests may ask at once (an exec
// plugin then still runs once, and every caller gets its result). Share one provider among all
// clients of a context so that they share its cache.
//
// Blocking, on an operation's thread (never the GUI's):
//   auto cred = provider->credential(cancel);          // Result: an error stops the request
//   request.setRawHeader("Authorization", cred->authorizationHeader());   // if not empty
//   request.setSslConfiguration(cred->applyTo(access.sslConfiguration().value()));
//   ... on HTTP 401: provider->invalidate(cred->serial); retry once.
// Event-driven, on a thread that must never wait (the watches'): request(), and when it is not
// ready, a QFutureWatcher on `refresh` (kept with `interest`) says when it is.
class CredentialProvider
{
public:
    virtual ~CredentialProvider() = default;

    // May block while a plugin runs; returns early with Cancelled on cancel (the plugin goes on
    // for other waiters, and stops when none is left).
    virtual Result<Credential> credential(const CancelToken &cancel = {}) = 0;

    // Never blocks on a plugin. The default answers at once with credential(), for providers
    // that only read memory or a small file.
    virtual PendingCredential request();

    // The Authorization header value, or empty when this user authenticates otherwise.
    Result<QByteArray> authorizationHeader(const CancelToken &cancel = {});

    // After a 401: forget the cached credential so that the next call obtains a new one (runs the
    // plugin again, re-reads the token file). Given the refused credential's serial, it does so only
    // if that credential is still the current one, so that requests failing together cause a single
    // refresh; 0 forgets whatever is cached.
    virtual void invalidate(quint64 refusedSerial = 0) = 0;

    // Where the credential comes from, masked: "exec plugin /usr/bin/gke-gcloud-auth-plugin".
    virtual QString describe() const = 0;

protected:
    CredentialProvider() = default;
    static quint64 nextSerial();

private:
    Q_DISABLE_COPY_MOVE(CredentialProvider)
};

} // namespace ragdr::core
