// Backups against the real PostgreSQL of the drill sandbox, with the real pg_dump, pg_restore and
// rclone.
#include "backuphelpers.h"
#include "testdatabase.h"
#include "testsandbox.h"
#include "wait.h"

#include "core/backup/backupnaming.h"
#include "core/backup/backupoperations.h"
#include "core/backup/contenthash.h"
#include "core/base/childprocess.h"
#include "core/base/files.h"
#include "core/db/pgtools.h"
#include "core/db/scram.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>

#include <csignal>
#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;
using namespace std::chrono_literals;

namespace {

// pg_dump (its application name is ragdr-backup-…) waits for a lock a test holds.
bool pgDumpWaitsForALock(const TestDatabase &db)
{
    auto session = db.connect();
    return waitUntil(
        [&] {
            auto n = session->scalar(QStringLiteral(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name LIKE 'ragdr-backup-%' AND wait_event_type = 'Lock'"));
            return n && n->toString() != QLatin1String("0");
        },
        20s);
}

// A file system of a few megabytes over dir, for as long as the test runs: a disk that fills.
class SmallDisk final
{
public:
    SmallDisk(const QString &dir, const QString &size)
        : m_dir(dir)
    {
        ChildSpec mount;
        mount.program = QStringLiteral("mount");
        mount.arguments = {QStringLiteral("-t"),
                           QStringLiteral("tmpfs"),
                           QStringLiteral("-o"),
                           QStringLiteral("size=%1,mode=0755").arg(size),
                           QStringLiteral("tmpfs"),
                           dir};
        auto mounted = ChildProcess::run(mount, CancelToken());
        m_mounted = mounted && mounted->succeeded();
        m_error = !mounted ? mounted.error().message
                           : mounted->standardErrorTail.join(QLatin1Char(' '));
    }
    ~SmallDisk()
    {
        if (!m_mounted)
            return;
        ChildSpec umount;
        umount.program = QStringLiteral("umount");
        umount.arguments = {QStringLiteral("-l"), m_dir};
        (void) ChildProcess::run(umount, CancelToken());
    }

    bool mounted() const { return m_mounted; }
    QString why() const
    {
        return QStringLiteral(
                   "cannot mount a small tmpfs over %1 for this test (%2): the disk-full "
                   "tests mount one and need root, as ./run test runs in CI")
            .arg(m_dir, m_error);
    }

    // Writes a file until the disk is full.
    void fill() const
    {
        QFile filler(m_dir + QStringLiteral("/filler"));
        ASSERT_TRUE(filler.open(QIODevice::WriteOnly));
        const QByteArray block(64 * 1024, 'x');
        while (filler.write(block) == block.size() && filler.flush()) {
        }
    }

private:
    QString m_dir;
    bool m_mounted = false;
    QString m_error;
};

// An environment variable for the length of a test.
class ScopedEnv final
{
public:
    ScopedEnv(const char *name, const QByteArray &value)
        : m_name(name)
    {
        qputenv(name, value);
    }
    ~ScopedEnv() { qunsetenv(m_name); }

private:
    const char *m_name;
};

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
    // A workspace on db whose retention keeps the newest keepLast backups, none for their age.
    std::unique_ptr<Workspace> keepingLast(const TestDatabase &db, int keepLast)
    {
        Profile profile = db.use(m_profile);
        profile.backup.retention.keepLast = keepLast;
        profile.backup.retention.maxAgeSecs.reset();
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
    ASSERT_EQ(manifest->facts.rag->probes.size(), DatabaseFactsCollector::kProbes);
    for (const SimilarityProbe &p : manifest->facts.rag->probes) {
        EXPECT_EQ(p.topKeys.size(), DatabaseFactsCollector::kProbeTop);
        EXPECT_FALSE(p.topKeys.contains(p.probeKey)) << "a probe is its own neighbour";
    }
    // Every table's content is hashed in the same snapshot.
    EXPECT_EQ(manifest->facts.contentHashMethod, ContentHash::method());
    for (const TableCount &t : manifest->facts.tables)
        EXPECT_EQ(t.contentHash.size(), 32) << qPrintable(t.qualifiedName());
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
    EXPECT_EQ(copy->state, CopyStatus::Ok);

    // rag_backup_latest.dump points at it.
    const QFileInfo latest(primaryDir() + QStringLiteral("/rag_backup_latest.dump"));
    ASSERT_TRUE(latest.isSymLink());
    EXPECT_EQ(QFileInfo(latest.symLinkTarget()).fileName(), name);

    // The namespace's Kubernetes objects are saved with it (runbook §3.2), and recorded.
    const QString k8s = primaryDir() + QLatin1Char('/') + name + QStringLiteral(".k8s.yaml");
    ASSERT_TRUE(QFileInfo::exists(k8s)) << qPrintable(r.warnings.join(QLatin1Char('\n')));
    EXPECT_EQ(manifest->kubernetes.value(QStringLiteral("context")).toString(),
              QStringLiteral("drill-a"));
    EXPECT_EQ(manifest->kubernetes.value(QStringLiteral("sha256")).toString(),
              QString::fromLatin1(files::sha256Hex(k8s, CancelToken()).value_or(QByteArray())));
    EXPECT_FALSE(manifest->kubernetes.value(QStringLiteral("objects")).toArray().isEmpty());
    EXPECT_TRUE(
        QFileInfo::exists(mirrorDir() + QLatin1Char('/') + name + QStringLiteral(".k8s.yaml")));

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
    const QString failure = restoreInto(target,
                                        m_profile.regions.first().database,
                                        primaryDir() + QStringLiteral("/rag_backup_latest.dump"));
    EXPECT_TRUE(failure.isEmpty()) << qPrintable(failure);
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
    // pg_dump has imported the snapshot and now waits for the lock.
    ASSERT_TRUE(pgDumpWaitsForALock(db));
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
    ASSERT_TRUE(pgDumpWaitsForALock(db)); // mid-backup: the schema is read, the data not yet
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
    auto ws = keepingLast(db, 1);
    const Profile &profile = ws->profile();
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(runBackup(*ws).ok());
    const RegionListing before = listRegion(profile);
    ASSERT_EQ(before.entries.size(), 3);
    const QString newest = before.entries.first().id;

    const OperationResult dry = runRetention(*ws, true);
    EXPECT_TRUE(dry.ok()) << qPrintable(dry.message);
    EXPECT_EQ(listRegion(profile).entries.size(), 3) << "a dry run deleted something";
    const QStringList planned = planDeletions(dry);
    EXPECT_EQ(planned.size(), 2);

    // Without the region's name typed: refused.
    QSignalSpy unconfirmed(BackupOperations::retention(ws->runner(), profile, {}, false, {}, planned),
                           &Operation::finished);
    ASSERT_TRUE(unconfirmed.wait(60000));
    EXPECT_EQ(unconfirmed.first().at(0).value<OperationResult>().exitCode(), 3);
    EXPECT_EQ(listRegion(profile).entries.size(), 3);

    const OperationResult applied = runRetention(*ws, false, planned);
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

TEST_F(BackupTest, RetentionOfAPlanThatChangedSinceItWasConfirmedIsRefused)
{
    TestDatabase db(100);
    auto ws = keepingLast(db, 1);
    const Profile &profile = ws->profile();
    ASSERT_TRUE(runBackup(*ws).ok());
    ASSERT_TRUE(runBackup(*ws).ok());
    const QStringList shown = planDeletions(runRetention(*ws, true));
    ASSERT_EQ(shown.size(), 1);

    // Another backup lands while the commander reads the plan: applied now, the plan would delete
    // one backup more than the one confirmed.
    ASSERT_TRUE(runBackup(*ws).ok());
    const OperationResult refused = runRetention(*ws, false, shown);
    EXPECT_EQ(refused.exitCode(), 3) << qPrintable(refused.message);
    EXPECT_TRUE(refused.message.contains(QStringLiteral("it would now also delete")))
        << qPrintable(refused.message);
    EXPECT_EQ(listRegion(profile).entries.size(), 3) << "a backup no one confirmed was deleted";

    // The plan as it is now, confirmed, is applied; exactly that.
    const QStringList fresh = planDeletions(refused);
    ASSERT_EQ(fresh.size(), 2);
    const OperationResult applied = runRetention(*ws, false, fresh);
    ASSERT_TRUE(applied.ok()) << qPrintable(applied.message);
    EXPECT_EQ(listRegion(profile).entries.size(), 1);
}

// A backup, a verification that finds the newest backup corrupt and a retention, all at once,
// several times: whatever order they take the manifests in, "latest" ends on the newest backup
// that is verified good, never on a corrupt or deleted one, and retention deletes exactly what
// was confirmed or nothing.
TEST_F(BackupTest, ConcurrentBackupVerificationAndRetentionKeepLatestRight)
{
    TestDatabase db(100);
    auto ws = keepingLast(db, 2);
    const Profile &profile = ws->profile();
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(runBackup(*ws).ok());
    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE(round);
        const QStringList confirmed = planDeletions(runRetention(*ws, true));
        const RegionListing before = listRegion(profile);
        const BackupEntry *latest = nullptr;
        for (const BackupEntry &e : before.entries)
            latest = e.isLatest ? &e : latest;
        ASSERT_NE(latest, nullptr);
        flipByte(primaryDir() + QLatin1Char('/') + latest->fileName, 4000);

        QSignalSpy backedUp(BackupOperations::backup(ws->runner(), profile, {}),
                            &Operation::finished);
        QSignalSpy verified(BackupOperations::verify(ws->runner(),
                                                     profile,
                                                     {},
                                                     latest->id,
                                                     VerifyLevel::Quick),
                            &Operation::finished);
        QSignalSpy retained(BackupOperations::retention(ws->runner(),
                                                        profile,
                                                        {},
                                                        false,
                                                        profile.regions.first().name,
                                                        confirmed),
                            &Operation::finished);
        ASSERT_TRUE(waitUntil(
            [&] { return !backedUp.isEmpty() && !verified.isEmpty() && !retained.isEmpty(); },
            180s));
        EXPECT_TRUE(backedUp.first().at(0).value<OperationResult>().ok());
        EXPECT_TRUE(verified.first().at(0).value<OperationResult>().message.startsWith(
            QStringLiteral("CORRUPT")));
        const auto retention = retained.first().at(0).value<OperationResult>();
        QStringList deleted;
        for (const QJsonValue &id : retention.evidence.value(QStringLiteral("deleted")).toArray())
            deleted.append(id.toString());
        if (retention.ok())
            EXPECT_EQ(deleted, confirmed);
        else
            EXPECT_TRUE(deleted.isEmpty()) << qPrintable(retention.message);

        const RegionListing after = listRegion(profile);
        const BackupEntry *newestGood = after.newestVerified();
        ASSERT_NE(newestGood, nullptr) << "the new backup is verified good";
        EXPECT_EQ(after.latestTarget, newestGood->fileName);
        EXPECT_TRUE(QFileInfo::exists(primaryDir() + QLatin1Char('/') + after.latestTarget));
        for (const BackupEntry &e : after.entries)
            EXPECT_FALSE(e.isLatest && e.isCorrupt()) << qPrintable(e.id);
    }
}

TEST_F(BackupTest, ACancelAfterTheBackupIsInPlaceIsReportedAsWhatHappened)
{
    TestDatabase db(2000);
    auto ws = workspace(db.use(m_profile));
    // The copy to the mirror takes long enough to be cancelled in the middle.
    const ScopedEnv slow("RCLONE_BWLIMIT", "100k");
    Operation *op = BackupOperations::backup(ws->runner(), ws->profile(), {});
    QSignalSpy finished(op, &Operation::finished);
    ASSERT_NE(waitForChild(QStringLiteral("rclone"), "copyto", 120000), 0);
    op->cancel();
    ASSERT_TRUE(finished.wait(60000));
    const auto r = finished.first().at(0).value<OperationResult>();

    EXPECT_NE(r.status, OperationResult::Status::Cancelled)
        << "reported as a cancelled backup, yet the backup is listed";
    EXPECT_TRUE(r.message.contains(QStringLiteral("backed up and verified")))
        << qPrintable(r.message);
    EXPECT_TRUE(r.message.contains(QStringLiteral("copy to mirror cancelled")))
        << qPrintable(r.message);
    const RegionListing listing = listRegion(ws->profile());
    ASSERT_EQ(listing.entries.size(), 1);
    EXPECT_TRUE(listing.entries.first().isVerifiedGood());
    EXPECT_TRUE(listing.entries.first().isLatest);
    EXPECT_EQ(listing.entries.first().copies.at(1).state, CopyStatus::Missing);
    EXPECT_TRUE(filesIn(mirrorDir()).isEmpty())
        << qPrintable(filesIn(mirrorDir()).join(QLatin1Char(' ')));
}

TEST_F(BackupTest, WhatAKilledRunLeftIsSweptByTheNextBackup)
{
    // Every backup sweeps the password files of gone processes from the temporary directory: a
    // private one, so that a backup of another test running beside this one cannot sweep the
    // file planted here first.
    ASSERT_TRUE(QDir().mkpath(m_dir->filePath(QStringLiteral("tmp"))));
    const QByteArray oldTmp = qgetenv("TMPDIR");
    qputenv("TMPDIR", m_dir->filePath(QStringLiteral("tmp")).toLocal8Bit());
    const auto restoreTmp = qScopeGuard([&] { qputenv("TMPDIR", oldTmp); });
    TestDatabase db(100);
    auto ws = workspace(db.use(m_profile));
    auto write = [](const QString &path, const QByteArray &data = "x") {
        QFile f(path);
        EXPECT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(data);
    };
    const QString p = primaryDir() + QLatin1Char('/');
    const QString m = mirrorDir() + QLatin1Char('/');
    const QStringList leftovers{
        p + QStringLiteral(".rag_backup_2026-01-01.dump.partial-1a2b"),         // a dump being made
        p + QStringLiteral(".rag_backup_2026-01-01.dump.manifest.json.tmp-3c"), // a manifest write
        p + QStringLiteral(".rag_backup_latest.dump.tmp-4d"),                   // a link being made
        p + QStringLiteral("rag_backup_2026-01-02.dump.manifest.json"), // its dump deleted, not it
        p + QStringLiteral("rag_backup_2026-01-02.dump.k8s.yaml"),
        m + QStringLiteral(".rag_backup_2026-01-03.dump.tmp-5e"), // a copy to the mirror
    };
    for (const QString &path : leftovers)
        write(path);
    // A password file of a ragdr that was killed: its pid is gone.
    QProcess gone;
    gone.start(QStringLiteral("true"));
    ASSERT_TRUE(gone.waitForStarted());
    const qint64 gonePid = gone.processId();
    ASSERT_TRUE(gone.waitForFinished());
    const QString passFile = QDir::tempPath()
                             + QStringLiteral("/ragdr-pgpass-%1-AbC123").arg(gonePid);
    write(passFile, "127.0.0.1:5432:*:u:secret\n");
    // What stays: not ragdr's, and a manifest whose dump is in the mirror.
    const QStringList kept{p + QStringLiteral(".keep-me.tmp-1"),
                           p + QStringLiteral("notes.txt"),
                           p + QStringLiteral("rag_backup_2026-01-04.dump.manifest.json"),
                           m + QStringLiteral("rag_backup_2026-01-04.dump")};
    for (const QString &path : kept)
        write(path);
    write(kept.at(2), R"({"format": "ragdr-backup-manifest/1", "id": "rag_backup_2026-01-04"})");
    const QString ownPassFile
        = QDir::tempPath()
          + QStringLiteral("/ragdr-pgpass-%1-Live99").arg(QCoreApplication::applicationPid());
    write(ownPassFile);

    const OperationResult r = runBackup(*ws);
    ASSERT_TRUE(r.ok()) << qPrintable(r.message);
    QStringList swept;
    for (const QJsonValue &v : r.evidence.value(QStringLiteral("swept")).toArray())
        swept.append(v.toString());
    for (const QString &path : leftovers + QStringList{passFile}) {
        EXPECT_FALSE(QFileInfo::exists(path)) << qPrintable(path);
        // The mirror is an rclone remote: its files are named as rclone names them.
        const QString named = path.startsWith(m) ? QStringLiteral("drill-mirror:") + path : path;
        EXPECT_TRUE(swept.contains(named)) << qPrintable(named) << " is not named in the evidence";
    }
    for (const QString &path : kept + QStringList{ownPassFile})
        EXPECT_TRUE(QFileInfo::exists(path)) << qPrintable(path);
    QFile::remove(ownPassFile);
    QFile journal(ws->journal().path());
    ASSERT_TRUE(journal.open(QIODevice::ReadOnly));
    EXPECT_TRUE(journal.readAll().contains(".rag_backup_2026-01-01.dump.partial-1a2b"))
        << "the journal does not say what was removed";
}

TEST_F(BackupTest, ABackupThatCannotFitIsRefusedBeforeTheDump)
{
    const SmallDisk disk(primaryDir(), QStringLiteral("1m"));
    ASSERT_TRUE(disk.mounted()) << qPrintable(disk.why());
    TestDatabase db(2000);
    auto ws = workspace(db.use(m_profile));
    const OperationResult r = runBackup(*ws);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.message.startsWith(
        QStringLiteral("not enough free space for the dump in %1").arg(primaryDir())))
        << qPrintable(r.message);
    EXPECT_FALSE(r.evidence.contains(QStringLiteral("pg_dump_exit_code"))) << "pg_dump ran";
    EXPECT_TRUE(listRegion(ws->profile()).entries.isEmpty());
}

TEST_F(BackupTest, ADiskThatFillsDuringTheDumpLeavesNothingListedAndSaysWhy)
{
    const SmallDisk disk(primaryDir(), QStringLiteral("16m"));
    ASSERT_TRUE(disk.mounted()) << qPrintable(disk.why());
    TestDatabase db(2000);
    auto ws = workspace(db.use(m_profile));
    auto blocker = db.connect();
    blocker->begin(PgSession::Isolation::ReadCommitted, false);
    blocker->execute(QStringLiteral("LOCK TABLE chunks IN ACCESS EXCLUSIVE MODE"));
    Operation *op = BackupOperations::backup(ws->runner(), ws->profile(), {});
    QSignalSpy finished(op, &Operation::finished);
    ASSERT_NE(waitForChild(QStringLiteral("pg_dump"), "--snapshot", 20000), 0);
    ASSERT_TRUE(pgDumpWaitsForALock(db));
    disk.fill(); // someone else's files take the disk while pg_dump waits
    blocker->rollback();
    ASSERT_TRUE(finished.wait(60000));
    const auto r = finished.first().at(0).value<OperationResult>();
    EXPECT_EQ(r.status, OperationResult::Status::Failed);
    EXPECT_TRUE(r.message.contains(QStringLiteral("No space left on device")))
        << qPrintable(r.message);
    EXPECT_TRUE(
        r.message.contains(QStringLiteral("the primary repository %1 filled up").arg(primaryDir())))
        << qPrintable(r.message);
    EXPECT_TRUE(r.untouched.contains(QStringLiteral("no partial file"))) << qPrintable(r.untouched);
    EXPECT_TRUE(listRegion(ws->profile()).entries.isEmpty());
    const QStringList left = filesIn(primaryDir()).filter(QStringLiteral(".partial-"));
    EXPECT_TRUE(left.isEmpty()) << qPrintable(left.join(QLatin1Char(' ')));
    EXPECT_FALSE(QFileInfo(primaryDir() + QStringLiteral("/rag_backup_latest.dump")).isSymLink());
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
