#include "credentialprovider.h"

#include "core/secrets/secretstore.h"

#include <atomic>

namespace ragdr::core {

QByteArray Credential::authorizationHeader() const
{
    if (bearerToken.isEmpty())
        return {};
    return QByteArrayLiteral("Bearer ") + bearerToken;
}

QSslConfiguration Credential::applyTo(QSslConfiguration base) const
{
    if (hasClientCertificate()) {
        base.setLocalCertificateChain(clientCert.chain);
        base.setPrivateKey(clientCert.key);
    }
    return base;
}

QString Credential::describe() const
{
    QStringList parts;
    if (!bearerToken.isEmpty())
        parts.append(QStringLiteral("token ") + SecretStore::mask(bearerToken));
    if (hasClientCertificate()) {
        const QStringList cn = clientCert.chain.constFirst().subjectInfo(
            QSslCertificate::CommonName);
        parts.append(QStringLiteral("client certificate CN=") + cn.join(QLatin1Char(',')));
    }
    if (parts.isEmpty())
        parts.append(QStringLiteral("none"));
    if (expiresAt.isValid())
        parts.append(QStringLiteral("expires ") + expiresAt.toUTC().toString(Qt::ISODate));
    return parts.join(QStringLiteral(", "));
}

Result<QByteArray> CredentialProvider::authorizationHeader(const CancelToken &cancel)
{
    auto cred = credential(cancel);
    if (!cred)
        return fail(cred.error());
    return cred->authorizationHeader();
}

PendingCredential CredentialProvider::request()
{
    PendingCredential pending;
    pending.ready = credential();
    return pending;
}

quint64 CredentialProvider::nextSerial()
{
    static std::atomic<quint64> serial{0};
    return ++serial;
}

} // namespace ragdr::core
