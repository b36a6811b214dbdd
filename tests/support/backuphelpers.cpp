#include "backuphelpers.h"

#include "wait.h"

#include "testdatabase.h"
#include "testsandbox.h"

#include "core/backup/backupoperations.h"
#include "core/base/childprocess.h"
#include "core/db/pgtools.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>

#include <gtest/gtest.h>
#include <unistd.h>

namespace ragdr::test {

using namespace core;

namespace {

OperationResult await(Operation *op)
{
    OperationResult result;
    bool done = false;
    QObject context; // a result after the time is up must not write into this frame
    QObject::connect(op, &Operation::finished, &context, [&](const OperationResult &r) {
        result = r;
        done = true;
    });
    EXPECT_TRUE(waitUntil([&] { return done; }, std::chrono::minutes(5)))
        << "the operation did not finish in 5 minutes";
    return result;
}

} // namespace

OperationResult runBackup(Workspace &ws, const QString &region)
{
    return await(BackupOperations::backup(ws.runner(), ws.profile(), region));
}

OperationResult runVerify(Workspace &ws, const QString &key, VerifyLevel level)
{
    return await(BackupOperations::verify(ws.runner(), ws.profile(), {}, key, level));
}

OperationResult runRetention(Workspace &ws, bool dryRun, const QStringList &confirmed)
{
    return await(BackupOperations::retention(ws.runner(),
                                             ws.profile(),
                                             {},
                                             dryRun,
                                             dryRun ? QString() : ws.profile().regions.first().name,
                                             confirmed));
}

QStringList planDeletions(const OperationResult &retention)
{
    QStringList ids;
    for (const QJsonValue &id : retention.evidence.value(QStringLiteral("plan"))
                                    .toObject()
                                    .value(QStringLiteral("deletions"))
                                    .toArray())
        ids.append(id.toString());
    return ids;
}

QString restoreInto(const TestDatabase &target,
                    const DatabaseConfig &server,
                    const QString &dump,
                    const QStringList &options)
{
    auto session = target.connect();
    if (auto emptied = session->execute(QStringLiteral(
            "DROP TABLE embeddings, chunks, documents; DROP FUNCTION drill_noise(bigint)"));
        !emptied)
        return emptied.error().message;
    DatabaseConfig config = server;
    config.name = target.name();
    auto pass = PgPassFile::create(config, TestSandbox::shared().appPassword());
    if (!pass)
        return pass.error().message;
    ChildSpec spec;
    spec.program = PgTools::locate(QStringLiteral("pg_restore")).value_or(QString());
    // runbook §4.1: pg_restore -h <host> -U <user> -d <database> "/backups/rag_backup_latest.dump"
    spec.arguments = PgTools::connectionArguments(config);
    spec.arguments << QStringLiteral("-d") << target.name() << options << dump;
    spec.environment = PgPassFile::environmentFor(config, pass->get());
    auto restored = ChildProcess::run(spec, CancelToken());
    if (!restored)
        return restored.error().message;
    return restored->succeeded() ? QString() : restored->failureText(QStringLiteral("pg_restore"));
}

RegionListing listRegion(const Profile &profile)
{
    auto listing = BackupCatalog::list(profile, profile.regions.constFirst(), CancelToken());
    EXPECT_TRUE(listing.has_value()) << qPrintable(listing.error().message);
    return listing.value_or(RegionListing());
}

QByteArray procFile(qint64 pid, const char *name)
{
    QFile f(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    if (!f.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return {}; // the process has ended meanwhile
    return f.readAll();
}

QList<qint64> childPids(const QString &program)
{
    QList<qint64> pids;
    const qint64 self = ::getpid();
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        const QByteArray stat = procFile(pid, "stat");
        const qsizetype open = stat.indexOf('(');
        const qsizetype close = stat.lastIndexOf(')');
        if (open < 0 || close < 0)
            continue;
        const QByteArray comm = stat.mid(open + 1, close - open - 1);
        const QList<QByteArray> rest = stat.mid(close + 2).split(' ');
        if (comm == program.toUtf8() && rest.value(1).toLongLong() == self)
            pids.append(pid);
    }
    return pids;
}

qint64 waitForChild(const QString &program, const QByteArray &argument, int timeoutMs)
{
    qint64 found = 0;
    (void) waitUntil(
        [&] {
            for (qint64 pid : childPids(program)) {
                if (procFile(pid, "cmdline").contains(argument))
                    found = pid;
            }
            return found != 0;
        },
        std::chrono::milliseconds(timeoutMs));
    return found;
}

void truncateFile(const QString &path, qint64 size)
{
    QFile f(path);
    ASSERT_TRUE(f.resize(size)) << qPrintable(f.errorString());
}

void flipByte(const QString &path, qint64 offset)
{
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::ReadWrite));
    ASSERT_TRUE(f.seek(offset));
    char c = 0;
    ASSERT_TRUE(f.getChar(&c));
    ASSERT_TRUE(f.seek(offset));
    ASSERT_TRUE(f.putChar(char(c ^ 0x5a)));
}

} // namespace ragdr::test
