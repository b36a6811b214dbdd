#include "secretstore.h"

#include "sessionkeys.h"

#include "core/base/dedicatedthread.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QThread>

#include <qt6keychain/keychain.h>

namespace ragdr::core {

Q_LOGGING_CATEGORY(lcSecrets, "ragdr.secrets", QtWarningMsg)

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

// The keychain's own thread, started at first use and stopped as the application object goes.
QObject *keychainContext()
{
    static QObject *context = [] {
        auto *c = new QObject;
        DedicatedThread::adopt(c, QStringLiteral("ragdr-keychain"));
        return c;
    }();
    return context;
}

struct JobOutcome
{
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QByteArray data;
};

// Runs one QtKeychain job on the keychain thread and waits for it.
template<typename Job>
JobOutcome runJob(const QString &key, const std::function<void(Job &)> &setUp)
{
    JobOutcome outcome;
    auto body = [&] {
        Job job{QLatin1String(SecretStore::kKeychainService)};
        job.setAutoDelete(false);
        job.setKey(key);
        setUp(job);
        QEventLoop loop;
        QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
        job.start();
        loop.exec();
        outcome.error = job.error();
        outcome.errorString = job.errorString();
        if constexpr (std::is_same_v<Job, QKeychain::ReadPasswordJob>)
            outcome.data = job.binaryData().isEmpty() ? job.textData().toUtf8() : job.binaryData();
    };
    QObject *context = keychainContext();
    if (QThread::currentThread() == context->thread())
        body();
    else
        QMetaObject::invokeMethod(context, body, Qt::BlockingQueuedConnection);
    return outcome;
}

// What a failed job means for the commander.
Error keychainError(const QString &what, const JobOutcome &o)
{
    if (o.error == QKeychain::AccessDenied) {
        return Error::failed(QStringLiteral("%1: the keychain is locked or refused access (%2); "
                                            "unlock it in the desktop session and try again")
                                 .arg(what, o.errorString));
    }
    return Error::failed(
        QStringLiteral("%1: no keychain service answers (%2); keys live in the OS keychain (a "
                       "Secret Service such as gnome-keyring or KeePassXC, or KWallet). Without "
                       "one, a key can be given for this session only: kept in memory, never "
                       "written to disk")
            .arg(what, o.errorString.isEmpty() ? QStringLiteral("no backend") : o.errorString));
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
        if (SessionKeys::has(ref.location))
            return SessionKeys::get(ref.location);
        auto entry = readKeychain(ref.location);
        if (!entry)
            return fail(entry.error());
        if (!*entry) {
            return fail(Error::failed(
                QStringLiteral("the keychain holds no entry \"%1\" (service \"%2\"); store it "
                               "with: ragdr llm keys set %1 (or the console's Keys dialog)")
                    .arg(ref.location, QLatin1String(kKeychainService))));
        }
        return **entry;
    }
    }
    return QByteArray();
}

Result<std::optional<QByteArray>> SecretStore::readKeychain(const QString &key)
{
    const JobOutcome o = runJob<QKeychain::ReadPasswordJob>(key, [](auto &) {});
    if (o.error == QKeychain::EntryNotFound)
        return std::optional<QByteArray>();
    if (o.error != QKeychain::NoError) {
        qCDebug(lcSecrets) << "keychain read failed:" << o.error << o.errorString;
        return fail(keychainError(QStringLiteral("cannot read keychain entry \"%1\"").arg(key), o));
    }
    return std::optional<QByteArray>(o.data);
}

Status SecretStore::writeKeychain(const QString &key, const QByteArray &secret)
{
    const JobOutcome o = runJob<QKeychain::WritePasswordJob>(key, [&secret](auto &job) {
        job.setBinaryData(secret);
    });
    if (o.error != QKeychain::NoError)
        return fail(keychainError(QStringLiteral("cannot write keychain entry \"%1\"").arg(key), o));
    return {};
}

Status SecretStore::removeKeychain(const QString &key)
{
    const JobOutcome o = runJob<QKeychain::DeletePasswordJob>(key, [](auto &) {});
    if (o.error != QKeychain::NoError && o.error != QKeychain::EntryNotFound)
        return fail(
            keychainError(QStringLiteral("cannot delete keychain entry \"%1\"").arg(key), o));
    return {};
}

SecretStore::KeychainStatus SecretStore::keychainStatus()
{
    const JobOutcome o = runJob<QKeychain::ReadPasswordJob>(QStringLiteral(
                                                                "ragdr/availability-probe"),
                                                            [](auto &) {});
    if (o.error == QKeychain::NoError || o.error == QKeychain::EntryNotFound)
        return {true, {}};
    return {false, keychainError(QStringLiteral("the OS keychain"), o).message};
}

QString SecretStore::mask(const QByteArray &secret)
{
    if (secret.size() < 8)
        return QStringLiteral("…");
    return QStringLiteral("…") + QString::fromUtf8(secret.right(4));
}

} // namespace ragdr::core
