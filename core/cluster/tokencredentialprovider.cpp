#include "tokencredentialprovider.h"

#include "core/secrets/secretstore.h"

#include <QFile>
#include <QLoggingCategory>

namespace ragdr::core {

Q_LOGGING_CATEGORY(lcToken, "ragdr.cluster.token", QtWarningMsg)

namespace {

// client-go caches a file token for a minute less ten seconds of leeway.
constexpr int kRereadSecs = 50;

} // namespace

TokenCredentialProvider::TokenCredentialProvider(QByteArray token, QString tokenFile)
    : m_inlineToken(std::move(token))
    , m_tokenFile(std::move(tokenFile))
{
    use(m_inlineToken);
}

void TokenCredentialProvider::use(const QByteArray &token)
{
    if (token != m_current || m_serial == 0) {
        m_current = token;
        m_serial = nextSerial();
    }
}

Result<Credential> TokenCredentialProvider::credential(const CancelToken &cancel)
{
    if (cancel.isCancelled())
        return fail(Error::cancelled());
    QMutexLocker lock(&m_mutex);
    if (!m_tokenFile.isEmpty() && m_rereadDue.hasExpired()) {
        QFile file(m_tokenFile);
        QString problem;
        QByteArray token;
        if (!file.open(QIODevice::ReadOnly)) {
            problem = QStringLiteral("cannot read tokenFile %1: %2")
                          .arg(m_tokenFile, file.errorString());
        } else {
            token = file.readAll().trimmed();
            if (token.isEmpty())
                problem = QStringLiteral("tokenFile %1 is empty").arg(m_tokenFile);
        }
        if (problem.isEmpty()) {
            use(token);
            m_fromFile = true;
            m_rereadDue.setRemainingTime(kRereadSecs * 1000);
        } else if (m_fromFile || !m_inlineToken.isEmpty()) {
            // As client-go: keep the token we have rather than fail every request; read again next time.
            qCWarning(lcToken).noquote() << problem << "- still using the token read before";
        } else {
            return fail(Error::failed(problem
                                          + QStringLiteral("; check that the file exists and is "
                                                           "readable by this user"),
                                      QStringLiteral("nothing was sent to the cluster")));
        }
    }
    Credential cred;
    cred.bearerToken = m_current;
    cred.serial = m_serial;
    return cred;
}

void TokenCredentialProvider::invalidate(quint64 refusedSerial)
{
    QMutexLocker lock(&m_mutex);
    if (refusedSerial == 0 || refusedSerial == m_serial)
        m_rereadDue = QDeadlineTimer(0);
}

QString TokenCredentialProvider::describe() const
{
    QMutexLocker lock(&m_mutex);
    if (!m_tokenFile.isEmpty())
        return QStringLiteral("token from file %1").arg(m_tokenFile);
    if (!m_inlineToken.isEmpty())
        return QStringLiteral("token %1").arg(SecretStore::mask(m_inlineToken));
    return QStringLiteral("no token");
}

} // namespace ragdr::core
