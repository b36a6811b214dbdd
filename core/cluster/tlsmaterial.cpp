#include "tlsmaterial.h"

#include <QSslSocket>

namespace ragdr::core {

namespace {

Status requireTls()
{
    if (!QSslSocket::supportsSsl()) {
        return fail(
            Error::failed(QStringLiteral("this Qt has no working TLS backend (%1); install the Qt "
                                         "TLS plugin for OpenSSL (libqt6network6's tls plugins)")
                              .arg(QSslSocket::availableBackends().join(QStringLiteral(", ")))));
    }
    return {};
}

} // namespace

Result<QList<QSslCertificate>> TlsMaterial::certificates(const QByteArray &pem, const QString &what)
{
    if (auto ok = requireTls(); !ok)
        return fail(ok.error());
    if (!pem.contains("-----BEGIN")) {
        return fail(Error::badInput(
            QStringLiteral("%1: no PEM data found (expected -----BEGIN CERTIFICATE----- blocks)")
                .arg(what)));
    }
    const QList<QSslCertificate> certs = QSslCertificate::fromData(pem, QSsl::Pem);
    if (certs.isEmpty())
        return fail(Error::badInput(
            QStringLiteral("%1: no readable certificate in the PEM data").arg(what)));
    for (const QSslCertificate &cert : certs) {
        if (cert.isNull())
            return fail(
                Error::badInput(QStringLiteral("%1: a certificate cannot be parsed").arg(what)));
    }
    return certs;
}

Result<QSslKey> TlsMaterial::privateKey(const QByteArray &pem, const QString &what)
{
    if (auto ok = requireTls(); !ok)
        return fail(ok.error());
    if (!pem.contains("PRIVATE KEY-----")) {
        return fail(Error::badInput(
            QStringLiteral(
                "%1: no PEM private key found (expected a -----BEGIN ... PRIVATE KEY----- block)")
                .arg(what)));
    }
    if (pem.contains("ENCRYPTED")) {
        return fail(Error::badInput(
            QStringLiteral(
                "%1: the private key is encrypted; kubectl cannot use it either (decrypt it "
                "with openssl pkey)")
                .arg(what)));
    }
    // PKCS#8 ("BEGIN PRIVATE KEY") does not say the algorithm in its header; try each.
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return fail(Error::badInput(
        QStringLiteral("%1: the private key cannot be read (supported: unencrypted RSA, EC or DSA)")
            .arg(what)));
}

Result<ClientKeyPair> TlsMaterial::keyPair(const QByteArray &certificatePem,
                                           const QByteArray &keyPem,
                                           const QString &what)
{
    auto chain = certificates(certificatePem, what + QStringLiteral(" certificate"));
    if (!chain)
        return fail(chain.error());
    auto key = privateKey(keyPem, what + QStringLiteral(" key"));
    if (!key)
        return fail(key.error());
    const QSslKey publicKey = chain->constFirst().publicKey();
    if (publicKey.algorithm() != key->algorithm() || publicKey.length() != key->length()) {
        return fail(
            Error::badInput(QStringLiteral("%1: the private key does not match the certificate "
                                           "(different key type or size)")
                                .arg(what)));
    }
    return ClientKeyPair{*chain, *key};
}

} // namespace ragdr::core
