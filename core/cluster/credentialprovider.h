#pragma once

#include "tlsmaterial.h"

#include "core/base/canceltoken.h"
#include "core/base/error.h"

#include <QByteArray>
#include <QDateTime>
#include <QSslConfiguration>

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

// Obtains the credential of one kubeconfig user, caching it as client-go does. Thread-safe: the
// REST client calls it from its worker thread, and several requests may ask at once (an exec plugin
// then still runs once). credential() may block while a plugin runs, so never call it on the GUI
// thread. Share one provider among all clients of a context so that they share its cache.
//
// Use per request:
//   auto cred = provider->credential(cancel);          // Result: an error stops the request
//   request.setRawHeader("Authorization", cred->authorizationHeader());   // if not empty
//   request.setSslConfiguration(cred->applyTo(access.sslConfiguration().value()));
//   ... on HTTP 401: provider->invalidate(cred->serial); retry once.
class CredentialProvider
{
public:
    virtual ~CredentialProvider() = default;

    virtual Result<Credential> credential(const CancelToken &cancel = {}) = 0;

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
