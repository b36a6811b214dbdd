// Backups against the real PostgreSQL of the drill sandbox, with the real pg_dump, pg_restore and
// rclone.
#include "backuphelpers.h"
#include "testdatabase.h"
#include "testsandbox.h"

#include "core/backup/backupnaming.h"
#include "core/backup/backupoperations.h"
#include "core/base/childprocess.h"
#include "core/base/files.h"
#include "core/db/pgtools.h"
#include "core/db/scram.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSignalSpy>
#include <QThread>

#include <csignal>
#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;

namespace {

class BackupTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_dir = makeTempDir();
        m_profile = TestSandbox::shared().isolatedProfile(m_dir->path());
    }

    std::unique_ptr<Workspace> workspace(const Profile &profile)
    {
        return Workspace::forProfile(profile);
    }
    QString primaryDir() const { return m_dir->path() + QStringLiteral("/primary"); }
    QString mirrorDir() const { return m_dir->path() + QStringLiteral("/mirror"); }

    QStringList filesIn(const QString &dir) const
    {
        return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    Profile m_profile;
};

} // namespace

TEST_F(BackupTest, BackupIsTheRunbooksDumpWithCountsEqualToTheDatabase)
{
    TestDatabase db;
    auto ws = workspace(db.use(m_profile));
    const OperationResult r = runBackup(*ws);
    ASSERT_TRUE(r.ok()) << qPrintable(r.message);

    const QString name
        = BackupNaming(m_profile.backup.naming).fileNameFor(QDateTime::currentDateTimeUtc());
    const QString dump = primaryDir() + QLatin1Char('/') + name;
    ASSERT_TRUE(QFileInfo::exists(dump)) << qPrintable(dump);
    EXPECT_EQ(r.evidence.value(QStringLiteral("file")).toString(), dump);

    QFile manifestFile(dump + QStringLiteral(".manifest.json"));
    ASSERT_TRUE(manifestFile.open(QIODevice::ReadOnly));
    auto manifest = BackupManifest::fromJson(manifestFile.readAll(), manifestFile.fileName());
    ASSERT_TRUE(manifest.has_value());
    for (const QString &table :
         {QStringLiteral("documents"), QStringLiteral("chunks"), QStringLiteral("embeddings")}) {
        const TableCount *t = manifest->facts.table(QStringLiteral("public.") + table);
        ASSERT_NE(t, nullptr) << qPrintable(table);
        EXPECT_EQ(t->rows, db.count(table)) << qPrintable(table);
    }
    ASSERT_TRUE(manifest->facts.rag.has_value());
    EXPECT_EQ(manifest->facts.rag->dimension, 384);
    EXPECT_EQ(manifest->facts.rag->chunksWithoutEmbeddings,
              db.count(QStringLiteral("chunks")) - db.count(QStringLiteral("embeddings")));
    EXPECT_EQ(manifest->facts.rag->probe.topKeys.value(0), manifest->facts.rag->probe.probeKey);
    EXPECT_EQ(manifest->sha256.size(), 64);
    EXPECT_EQ(manifest->size, QFileInfo(dump).size());
    EXPECT_GT(manifest->tocListed, 0);
    EXPECT_TRUE(manifest->pgDumpVersion.startsWith(QStringLiteral("pg_dump (PostgreSQL)")));
    ASSERT_FALSE(manifest->verifications.isEmpty());
    EXPECT_TRUE(manifest->verifications.constLast().passed());

    // The mirror holds the same bytes, and the manifest says so.
    const QString mirrored = mirrorDir() + QLatin1Char('/') + name;
    ASSERT_TRUE(QFileInfo::exists(mirrored));
    auto mirrorSha = files::sha256Hex(mirrored, CancelToken());
    EXPECT_EQ(QString::fromLatin1(*mirrorSha), manifest->sha256);
    const CopyRecord *copy = manifest->copy(QStringLiteral("mirror"));
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(copy->state, QStringLiteral("ok"));

    // rag_backup_latest.dump points at it.
    const QFileInfo latest(primaryDir() + QStringLiteral("/rag_backup_latest.dump"));
    ASSERT_TRUE(latest.isSymLink());
    EXPECT_EQ(QFileInfo(latest.symLinkTarget()).fileName(), name);

    // The namespace's Kubernetes objects are saved with it (runbook §3.2), and recorded.
    const QString k8s = primaryDir() + QLatin1Char('/') + name + QStringLiteral(".k8s.yaml");
    ASSERT_TRUE(QFileInfo::exists(k8s)) << qPrintable(r.warnings.join(QLatin1Char('\n')));
    EXPECT_EQ(manifest->kubernetes.value(QStringLiteral("context")).toString(), QStringLiteral("drill-a"));
    EXPECT_EQ(manifest->kubernetes.value(QStringLiteral("sha256")).toString(),
              QString::fromLatin1(files::sha256Hex(k8s, CancelToken()).value_or(QByteArray())));
    EXPECT_FALSE(manifest->kubernetes.value(QStringLiteral("objects")).toArray().isEmpty());
    EXPECT_TRUE(QFileInfo::exists(mirrorDir() + QLatin1Char('/') + name + QStringLiteral(".k8s.yaml")));

    // Nothing but the dump, its manifest, the cluster's objects and the link is left behind.
    EXPECT_EQ(filesIn(primaryDir()),
              (QStringList{name,
                           name + QStringLiteral(".k8s.yaml"),
                           name + QStringLiteral(".manifest.json"),
                           QStringLiteral("rag_backup_latest.dump")}));
}

TEST_F(BackupTest, TheRunbooksPlainPgRestoreRestoresTheLatestBackup)
{
    TestDatabase db;
    auto ws = workspace(db.use(m_profile));
    ASSERT_TRUE(runBackup(*ws).ok());

    TestDatabase target(10);
    auto session = target.connect();
    ASSERT_TRUE(
        session
            ->execute(QStringLiteral(
                "DROP TABLE embeddings, chunks, documents; DROP FUNCTION drill_noise(bigint)"))
            .has_value());
    DatabaseConfig config = m_profile.regions.first().database;
    config.name = target.name();
    auto pass = PgPassFile::create(config, TestSandbox::shared().appPassword());
    ChildSpec spec;
    spec.program = *PgTools::locate(QStringLiteral("pg_restore"));
    // runbook §4.1: pg_restore -h <host> -U <user> -d <database> "/backups/rag_backup_latest.dump"
    spec.arguments = {QStringLiteral("-h"),
                      config.host,
                      QStringLiteral("-p"),
                      QString::number(config.port),
                      QStringLiteral("-U"),
                      config.user,
                      QStringLiteral("-d"),
                      target.name(),
                      primaryDir() + QStringLiteral("/rag_backup_latest.dump")};
    spec.environment = PgPassFile::environmentFor(config, pass->get());
    auto restored = ChildProcess::run(spec, CancelToken());
    ASSERT_TRUE(restored.has_value());
    EXPECT_TRUE(restored->succeeded())
        << qPrintable(restored->standardErrorTail.join(QLatin1Char('\n')));
    for (const QString &table :
         {QStringLiteral("documents"), QStringLiteral("chunks"), QStringLiteral("embeddings")})
        EXPECT_EQ(target.count(table), db.count(table)) << qPrintable(table);
}

TEST_F(BackupTest, CountsDescribeTheSnapshotNotLaterWrites)
{
    TestDatabase db;
    auto ws = workspace(db.use(m_profile));
    const qint64 before = db.count(QStringLiteral("documents"));

    // Hold the table: the backup's snapshot is taken, then its counting and pg_dump wait for us.
    auto blocker = db.connect();
    ASSERT_TRUE(blocker->begin(PgSession::Isolation::ReadCommitted, false).has_value());
    ASSERT_TRUE(blocker->execute(QStringLiteral("LOCK TABLE documents IN ACCESS EXCLUSIVE MODE"))
                    .has_value());
    Operation *op = BackupOperations::backup(ws->runner(), ws->profile(), {});
    QSignalSpy finished(op, &Operation::finished);
    ASSERT_NE(waitForChild(QStringLiteral("pg_dump"), "--snapshot", 20000), 0);
    QThread::msleep(300); // pg_dump has imported the snapshot and now waits for the lock
    ASSERT_TRUE(blocker
                    ->execute(QStringLiteral(
                        "INSERT INTO documents SELECT id + 1000000, title, source, topic, "
                        "created_at FROM documents WHERE id <= 7"))
                    .has_value());
    ASSERT_TRUE(blocker->commit().has_value());

    ASSERT_TRUE(finished.wait(60000));
    const auto r = finished.first().at(0).value<OperationResult>();
    ASSERT_TRUE(r.ok()) << qPrintable(r.message);
    EXPECT_EQ(db.count(QStringLiteral("documents")), before + 7);
    const RegionListing listing = listRegion(ws->profile());
    ASSERT_EQ(listing.entries.size(), 1);
    EXPECT_EQ(listing.entries.first().manifest->facts.table(QStringLiteral("public.documents"))->rows,
              before);

    // And the dump holds exactly what the manifest counted: a restore agrees with it.
    const OperationResult deep = runVerify(*ws, QStringLiteral("latest"), VerifyLevel::Deep);
    EXPECT_TRUE(deep.ok()) << qPrintable(deep.message);
}

TEST_F(BackupTest, PasswordIsNeitherInArgvNorInTheEnvironmentOfPgDump)
{
    TestDatabase db;
    auto ws = workspace(db.use(m_profile));
    const QByteArray password = TestSandbox::shared().appPassword();
    ASSERT_FALSE(password.isEmpty());

    auto blocker = db.connect();
    blocker->begin(PgSession::Isolation::ReadCommitted, false);
    blocker->execute(QStringLiteral("LOCK TABLE chunks IN ACCESS EXCLUSIVE MODE"));
    Operation *op = BackupOperations::backup(ws->runner(), ws->profile(), {});
    QSignalSpy finished(op, &Operation::finished);
    const qint64 pid = waitForChild(QStringLiteral("pg_dump"), "--snapshot", 20000);
    ASSERT_NE(pid, 0);
    const QByteArray cmdline = procFile(pid, "cmdline");
    const QByteArray environ = procFile(pid, "environ");
    ASSERT_FALSE(cmdline.isEmpty());
    ASSERT_FALSE(environ.isEmpty());
    EXPECT_FALSE(cmdline.contains(password));
    EXPECT_FALSE(environ.contains(password));
    EXPECT_FALSE(environ.contains("PGPASSWORD="));
    // The password travels in a pgpass file only its owner can read.
    QString passFile;
    for (const QByteArray &var : environ.split('\0')) {
        if (var.startsWith("PGPASSFILE="))
            passFile = QString::fromLocal8Bit(var.mid(11));
    }
    ASSERT_FALSE(passFile.isEmpty());
    EXPECT_EQ(QFileInfo(passFile).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
              QFileDevice::Permissions());
    blocker->commit();
    ASSERT_TRUE(finished.wait(60000));
    EXPECT_FALSE(QFileInfo::exists(passFile)) << "the pgpass file outlived pg_dump";

    // Nor is it in the journal.
    QFile journal(ws->journal().path());
    ASSERT_TRUE(journal.open(QIODevice::ReadOnly));
    EXPECT_FALSE(journal.readAll().contains(password));
}

TEST_F(BackupTest, KilledPgDumpLeavesNothingThatLooksLikeABackup)
{
    TestDatabase db;
    auto ws = workspace(db.use(m_profile));
    auto blocker = db.connect();
    blocker->begin(PgSession::Isolation::ReadCommitted, false);
    blocker->execute(QStringLiteral("LOCK TABLE embeddings IN ACCESS EXCLUSIVE MODE"));
    Operation *op = BackupOperations::backup(ws->runner(), ws->profile(), {});
    QSignalSpy finished(op, &Operation::finished);
    const qint64 pid = waitForChild(QStringLiteral("pg_dump"), "--snapshot", 20000);
    ASSERT_NE(pid, 0);
    QThread::msleep(300); // mid-backup: the schema is read, the data not yet
    ASSERT_EQ(::kill(pid_t(pid), SIGKILL), 0);
    ASSERT_TRUE(finished.wait(60000));
    blocker->rollback();
    const auto r = finished.first().at(0).value<OperationResult>();
    EXPECT_EQ(r.status, OperationResult::Status::Failed);
    EXPECT_TRUE(r.message.contains(QStringLiteral("pg_dump was killed"))) << qPrintable(r.message);
    EXPECT_TRUE(r.untouched.contains(QStringLiteral("no partial file"))) << qPrintable(r.untouched);
    EXPECT_TRUE(filesIn(primaryDir()).isEmpty())
        << qPrintable(filesIn(primaryDir()).join(QLatin1Char(' ')));
    EXPECT_TRUE(filesIn(mirrorDir()).isEmpty());
    EXPECT_TRUE(listRegion(ws->profile()).entries.isEmpty());
}

TEST_F(BackupTest, CancelStopsPgDumpAndCleansUp)
{
    TestDatabase db;
    auto ws = workspace(db.use(m_profile));
    auto blocker = db.connect();
    blocker->begin(PgSession::Isolation::ReadCommitted, false);
    blocker->execute(QStringLiteral("LOCK TABLE chunks IN ACCESS EXCLUSIVE MODE"));
    Operation *op = BackupOperations::backup(ws->runner(), ws->profile(), {});
    QSignalSpy finished(op, &Operation::finished);
    const qint64 pid = waitForChild(QStringLiteral("pg_dump"), "--snapshot", 20000);
    ASSERT_NE(pid, 0);
    op->cancel();
    ASSERT_TRUE(finished.wait(20000));
    blocker->rollback();
    const auto r = finished.first().at(0).value<OperationResult>();
    EXPECT_EQ(r.status, OperationResult::Status::Cancelled);
    EXPECT_TRUE(childPids(QStringLiteral("pg_dump")).isEmpty());
    EXPECT_TRUE(filesIn(primaryDir()).isEmpty())
        << qPrintable(filesIn(primaryDir()).join(QLatin1Char(' ')));
}

TEST_F(BackupTest, ASecondBackupWhileOneRunsIsRefused)
{
    TestDatabase db;
    auto ws = workspace(db.use(m_profile));
    auto blocker = db.connect();
    blocker->begin(PgSession::Isolation::ReadCommitted, false);
    blocker->execute(QStringLiteral("LOCK TABLE chunks IN ACCESS EXCLUSIVE MODE"));
    Operation *first = BackupOperations::backup(ws->runner(), ws->profile(), {});
    QSignalSpy firstDone(first, &Operation::finished);
    ASSERT_NE(waitForChild(QStringLiteral("pg_dump"), "--snapshot", 20000), 0);
    const OperationResult second = runBackup(*ws);
    EXPECT_EQ(second.errorKind, Error::Kind::Refused);
    EXPECT_EQ(second.exitCode(), 3);
    EXPECT_TRUE(second.message.contains(QStringLiteral("another backup")))
        << qPrintable(second.message);
    blocker->commit();
    ASSERT_TRUE(firstDone.wait(60000));
    EXPECT_TRUE(firstDone.first().at(0).value<OperationResult>().ok());
}

TEST_F(BackupTest, BackupsOnTheSameDayGetTheirOwnNames)
{
    TestDatabase db;
    auto ws = workspace(db.use(m_profile));
    ASSERT_TRUE(runBackup(*ws).ok());
    ASSERT_TRUE(runBackup(*ws).ok());
    const RegionListing listing = listRegion(ws->profile());
    ASSERT_EQ(listing.entries.size(), 2);
    EXPECT_TRUE(listing.entries.at(0).id.endsWith(QStringLiteral("_2")))
        << qPrintable(listing.entries.at(0).id);
    EXPECT_TRUE(listing.entries.at(0).isLatest);
    EXPECT_FALSE(listing.entries.at(1).isLatest);
}

TEST_F(BackupTest, RetentionKeepsTheNewestVerifiedAndNeedsConfirmation)
{
    TestDatabase db(100);
    Profile profile = db.use(m_profile);
    profile.backup.retention.keepLast = 1;
    profile.backup.retention.maxAgeSecs.reset();
    auto ws = workspace(profile);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(runBackup(*ws).ok());
    const RegionListing before = listRegion(profile);
    ASSERT_EQ(before.entries.size(), 3);
    const QString newest = before.entries.first().id;

    auto await = [&](Operation *op) {
        QSignalSpy done(op, &Operation::finished);
        EXPECT_TRUE(done.wait(60000));
        return done.first().at(0).value<OperationResult>();
    };
    const OperationResult dry = await(
        BackupOperations::retention(ws->runner(), profile, {}, true, {}));
    EXPECT_TRUE(dry.ok()) << qPrintable(dry.message);
    EXPECT_EQ(listRegion(profile).entries.size(), 3) << "a dry run deleted something";

    const OperationResult unconfirmed = await(
        BackupOperations::retention(ws->runner(), profile, {}, false, {}));
    EXPECT_EQ(unconfirmed.exitCode(), 3);
    EXPECT_EQ(listRegion(profile).entries.size(), 3);

    const OperationResult applied = await(
        BackupOperations::retention(ws->runner(), profile, {}, false, profile.regions.first().name));
    ASSERT_TRUE(applied.ok()) << qPrintable(applied.message);
    const RegionListing after = listRegion(profile);
    ASSERT_EQ(after.entries.size(), 1);
    EXPECT_EQ(after.entries.first().id, newest);
    EXPECT_TRUE(after.entries.first().isLatest);
    EXPECT_EQ(after.entries.first().goodCopies(), 2)
        << "the mirror copy of the kept backup is gone";
    // Both repositories lost the deleted backups and their manifests.
    EXPECT_EQ(filesIn(mirrorDir()).size(), 3); // the kept backup: dump, manifest, Kubernetes objects
}

TEST_F(BackupTest, RetentionDeletesNothingWhenAListingFails)
{
    TestDatabase db(100);
    Profile profile = db.use(m_profile);
    profile.backup.retention.keepLast = 1;
    auto ws = workspace(profile);
    ASSERT_TRUE(runBackup(*ws).ok());
    ASSERT_TRUE(runBackup(*ws).ok());
    Profile broken = profile;
    broken.regions.first().repositories[1].location = QStringLiteral("no-such-remote:x");
    auto wsBroken = workspace(broken);
    QSignalSpy done(BackupOperations::retention(wsBroken->runner(),
                                                broken,
                                                {},
                                                false,
                                                broken.regions.first().name),
                    &Operation::finished);
    ASSERT_TRUE(done.wait(60000));
    const auto r = done.first().at(0).value<OperationResult>();
    EXPECT_EQ(r.exitCode(), 3);
    EXPECT_TRUE(r.message.contains(QStringLiteral("nothing is deleted"))) << qPrintable(r.message);
    EXPECT_EQ(listRegion(profile).entries.size(), 2);
}

TEST(Scram, TheServerAcceptsThePasswordBehindOurVerifier)
{
    TestSandbox &s = TestSandbox::shared();
    auto admin = PgSession::connect(s.superuser(), s.superuserPassword());
    ASSERT_TRUE(admin.has_value());
    const QString role = QStringLiteral("ragdr_scram_probe");
    (*admin)->execute(QStringLiteral("DROP ROLE IF EXISTS %1").arg(role));
    ASSERT_TRUE((*admin)
                    ->execute(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD %2")
                                  .arg(role,
                                       PgSession::quoteLiteral(
                                           QString::fromLatin1(scramSha256Verifier("s3cret:pw")))))
                    .has_value());
    DatabaseConfig login = s.superuser();
    login.user = role;
    EXPECT_TRUE(PgSession::connect(login, "s3cret:pw").has_value());
    EXPECT_FALSE(PgSession::connect(login, "wrong").has_value());
    (*admin)->execute(QStringLiteral("DROP ROLE %1").arg(role));
}
