#pragma once

#include "credentialprovider.h"

#include <QDeadlineTimer>
#include <QMutex>

namespace ragdr::core {

// A kubeconfig user's token and tokenFile, as client-go uses them (transport/token_source.go): the
// file is the source when it can be read, re-read about once a minute (so a rotated service account
// token is picked up) and at once after invalidate(); when a re-read fails, the last good token, or
// else the inline token, is still used. With neither a token nor a file it provides no credential:
// the user authenticates with a client certificate, or not at all.
class TokenCredentialProvider final : public CredentialProvider
{
public:
    explicit TokenCredentialProvider(QByteArray token, QString tokenFile);

    Result<Credential> credential(const CancelToken &cancel = {}) override;
    void invalidate(quint64 refusedSerial = 0) override;
    QString describe() const override;

private:
    void use(const QByteArray &token);

    const QByteArray m_inlineToken;
    const QString m_tokenFile;
    mutable QMutex m_mutex;
    QByteArray m_current;
    quint64 m_serial = 0;
    bool m_fromFile = false;
    QDeadlineTimer m_rereadDue{0};
};

} // namespace ragdr::core
