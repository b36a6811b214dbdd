#include "secretstore.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>

#include <qt6keychain/keychain.h>

namespace ragdr::core {

namespace {

Result<QByteArray> readFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        return fail(Error::badInput(QStringLiteral("the secret file %1 does not exist").arg(path)));
    }
    const QFileDevice::Permissions loose = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                           | QFileDevice::ReadOther | QFileDevice::WriteOther;
    if (info.permissions() & loose) {
        return fail(
            Error::badInput(QStringLiteral("refusing the secret file %1: others may read it; "
                                           "run: chmod 600 %1")
                                .arg(path)));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(Error::badInput(
            QStringLiteral("cannot read the secret file %1: %2").arg(path, file.errorString())));
    }
    QByteArray secret = file.readAll();
    while (secret.endsWith('\n') || secret.endsWith('\r'))
        secret.chop(1);
    if (secret.isEmpty())
        return fail(Error::badInput(QStringLiteral("the secret file %1 is empty").arg(path)));
    return secret;
}

template<typename Job>
void runJob(Job &job)
{
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    job.start();
    loop.exec();
}

} // namespace

Result<QByteArray> SecretStore::read(const SecretRef &ref)
{
    switch (ref.source) {
    case SecretRef::Source::None:
        return QByteArray();
    case SecretRef::Source::File:
        return readFile(ref.location);
    case SecretRef::Source::Keychain: {
        QKeychain::ReadPasswordJob job{QLatin1String(kKeychainService)};
        job.setAutoDelete(false);
        job.setKey(ref.location);
        runJob(job);
        if (job.error() != QKeychain::NoError) {
            return fail(Error::failed(QStringLiteral("cannot read keychain entry \"%1\": %2")
                                          .arg(ref.location, job.errorString())));
        }
        return job.binaryData().isEmpty() ? job.textData().toUtf8() : job.binaryData();
    }
    }
    return QByteArray();
}

Status SecretStore::writeKeychain(const QString &key, const QByteArray &secret)
{
    QKeychain::WritePasswordJob job{QLatin1String(kKeychainService)};
    job.setAutoDelete(false);
    job.setKey(key);
    job.setBinaryData(secret);
    runJob(job);
    if (job.error() != QKeychain::NoError) {
        return fail(Error::failed(
            QStringLiteral("cannot write keychain entry \"%1\": %2").arg(key, job.errorString())));
    }
    return {};
}

QString SecretStore::mask(const QByteArray &secret)
{
    if (secret.size() < 8)
        return QStringLiteral("…");
    return QStringLiteral("…") + QString::fromUtf8(secret.right(4));
}

} // namespace ragdr::core
