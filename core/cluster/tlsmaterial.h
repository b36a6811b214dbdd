#pragma once

#include "core/base/error.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>

namespace ragdr::core {

// A client certificate chain (leaf first) and its private key.
struct ClientKeyPair
{
    QList<QSslCertificate> chain;
    QSslKey key; // secret

    bool isNull() const { return chain.isEmpty() || key.isNull(); }
};

// PEM certificates and keys, read with the checks Go's crypto/tls makes, so that a bad file fails
// here with its name rather than later as a TLS handshake error.
class TlsMaterial final
{
public:
    // Every certificate in a PEM bundle; none at all is an error. `what` names the source in
    // messages, e.g. "certificate-authority /etc/k8s/ca.crt".
    static Result<QList<QSslCertificate>> certificates(const QByteArray &pem, const QString &what);

    // An unencrypted RSA, EC or DSA key in PKCS#1, SEC1 or PKCS#8 PEM.
    static Result<QSslKey> privateKey(const QByteArray &pem, const QString &what);

    // Both, checked against each other (key type and size; Qt cannot compare the public halves).
    static Result<ClientKeyPair> keyPair(const QByteArray &certificatePem,
                                         const QByteArray &keyPem,
                                         const QString &what);
};

} // namespace ragdr::core
