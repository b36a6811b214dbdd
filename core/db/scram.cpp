#include "scram.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QPasswordDigestor>
#include <QRandomGenerator>

namespace ragdr::core {

QByteArray scramSha256Verifier(const QByteArray &password, const QByteArray &salt, int iterations)
{
    QByteArray s = salt;
    if (s.isEmpty()) {
        s.resize(16);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(s.data()), 4);
    }
    const QByteArray salted = QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256,
                                                                 password,
                                                                 s,
                                                                 iterations,
                                                                 32);
    const QByteArray clientKey = QMessageAuthenticationCode::hash("Client Key",
                                                                  salted,
                                                                  QCryptographicHash::Sha256);
    const QByteArray storedKey = QCryptographicHash::hash(clientKey, QCryptographicHash::Sha256);
    const QByteArray serverKey = QMessageAuthenticationCode::hash("Server Key",
                                                                  salted,
                                                                  QCryptographicHash::Sha256);
    QByteArray verifier("SCRAM-SHA-256$");
    verifier.append(QByteArray::number(iterations)).append(':').append(s.toBase64());
    verifier.append('$').append(storedKey.toBase64()).append(':').append(serverKey.toBase64());
    return verifier;
}

} // namespace ragdr::core
