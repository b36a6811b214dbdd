// What is listed as good is good: only a verdict changes a backup's standing and "latest"; the
// scratch database of a deep verification never stays behind for long; a damaged manifest is
// never replaced; the manifest's content hashes and probe neighbours are what a restore shows.
#include "backuphelpers.h"
#include "testdatabase.h"
#include "testsandbox.h"
#include "wait.h"

#include "core/backup/backupnaming.h"
#include "core/backup/backupoperations.h"
#include "core/backup/databasefacts.h"
#include "core/base/childprocess.h"
#include "core/base/files.h"
#include "core/db/pgtools.h"
#include "core/secrets/secretstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<PgSession> superSession(const QString &database = {})
{
    TestSandbox &s = TestSandbox::shared();
    auto session = PgSession::connect(s.superuser(), s.superuserPassword(), database);
    EXPECT_TRUE(session.has_value()) << qPrintable(session.error().message);
    return session ? std::move(*session) : nullptr;
}

// A role of the test's own for deep verification, so that its scratch databases (and their
// leftovers) are this test's alone, whatever other tests verify beside it.
class VerifyRole final
{
public:
    explicit VerifyRole(const QString &dir)
        : m_name(QStringLiteral("ragdr_t_verify_%1")
                     .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0')))
    {
        const QByteArray password = QByteArray::number(QRandomGenerator::global()->generate64(), 36);
        auto admin = superSession();
        EXPECT_TRUE(
            admin
                ->execute(QStringLiteral("CREATE ROLE %1 LOGIN CREATEDB PASSWORD %2")
                              .arg(m_name, PgSession::quoteLiteral(QString::fromLatin1(password))))
                .has_value());
        const QString file = dir + QStringLiteral("/verify.password");
        EXPECT_TRUE(
            files::writeAtomically(file, password, QFileDevice::ReadOwner | QFileDevice::WriteOwner)
                .has_value());
        m_config = TestSandbox::shared().superuser();
        m_config.user = m_name;
        m_config.password = {SecretRef::Source::File, file};
    }
    ~VerifyRole()
    {
        auto admin = superSession();
        if (!admin)
            return;
        for (const QString &db : databases())
            admin->execute(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(db));
        admin->execute(QStringLiteral("DROP ROLE IF EXISTS %1").arg(m_name));
    }

    const DatabaseConfig &config() const { return m_config; }
    QString name() const { return m_name; }

    // The databases this role owns: its scratch databases and leftovers.
    QStringList databases() const
    {
        QStringList names;
        auto admin = superSession();
        auto rows = admin->query(QStringLiteral("SELECT datname FROM pg_database WHERE datdba = "
                                                "(SELECT oid FROM pg_roles WHERE rolname = $1)"),
                                 {m_name});
        for (const PgRow &r : rows.value_or(QList<PgRow>()))
            names.append(r.value(0).toString());
        return names;
    }

    // A database as a deep verification killed mid-way leaves it.
    void leaveScratchBehind(const QString &name) const
    {
        auto password = SecretStore::read(m_config.password);
        ASSERT_TRUE(password.has_value()) << qPrintable(password.error().message);
        auto session = PgSession::connect(m_config, *password);
        ASSERT_TRUE(session.has_value()) << qPrintable(session.error().message);
        ASSERT_TRUE((*session)->execute(QStringLiteral("CREATE DATABASE %1").arg(name)).has_value());
    }

private:
    QString m_name;
    DatabaseConfig m_config;
};

class BackupStandingTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_dir = makeTempDir();
        m_profile = m_db.use(TestSandbox::shared().isolatedProfile(m_dir->path()));
        m_role = std::make_unique<VerifyRole>(m_dir->path());
        m_profile.regions.first().verifyDatabase = m_role->config();
        m_ws = Workspace::forProfile(m_profile);
        const OperationResult made = runBackup(*m_ws);
        ASSERT_TRUE(made.ok()) << qPrintable(made.message);
        m_fileName = QFileInfo(made.evidence.value(QStringLiteral("file")).toString()).fileName();
    }

    QString primary() const { return m_dir->path() + QStringLiteral("/primary/"); }
    QString latestTarget() const
    {
        const QFileInfo link(primary() + m_profile.backup.latestName);
        return link.isSymLink() ? QFileInfo(link.symLinkTarget()).fileName() : QString();
    }
    BackupEntry entry() const
    {
        const RegionListing listing = listRegion(m_profile);
        EXPECT_EQ(listing.entries.size(), 1);
        return listing.entries.value(0);
    }
    QByteArray journal() const
    {
        QFile f(m_ws->journal().path());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    TestDatabase m_db{300};
    std::unique_ptr<QTemporaryDir> m_dir;
    Profile m_profile;
    std::unique_ptr<VerifyRole> m_role;
    std::unique_ptr<Workspace> m_ws;
    QString m_fileName;
};

} // namespace

// runbook §4.1's own scenario: the database is gone, and the commander checks the backup.
TEST_F(BackupStandingTest, ADeepVerificationThatCannotReachTheServerKeepsLatest)
{
    ASSERT_EQ(latestTarget(), m_fileName);
    QTcpServer closed; // a port nothing listens on once closed
    ASSERT_TRUE(closed.listen(QHostAddress::LocalHost));
    Profile down = m_profile;
    down.regions.first().verifyDatabase->port = closed.serverPort();
    closed.close();
    auto ws = Workspace::forProfile(down);

    const OperationResult r = runVerify(*ws, QStringLiteral("latest"), VerifyLevel::Deep);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status, OperationResult::Status::Failed);
    EXPECT_TRUE(r.message.startsWith(QStringLiteral("could not verify"))) << qPrintable(r.message);
    EXPECT_TRUE(r.message.contains(QStringLiteral("its standing (full: passed)")))
        << qPrintable(r.message);

    // Recorded as what it was, and nothing else changed: the link, the standing, the RPO.
    EXPECT_EQ(latestTarget(), m_fileName) << "rag_backup_latest.dump was moved or removed";
    const BackupEntry e = entry();
    ASSERT_TRUE(e.manifest.has_value());
    EXPECT_EQ(e.manifest->lastVerification()->result, VerificationResult::CouldNotCheck);
    EXPECT_TRUE(e.isVerifiedGood());
    EXPECT_TRUE(e.isLatest);
    bool breached = true;
    BackupOperations::rpoText({listRegion(m_profile)}, m_profile, &breached);
    EXPECT_FALSE(breached);
}

TEST_F(BackupStandingTest, AScratchDatabaseLeftBehindIsDroppedByTheNextVerification)
{
    const QString leftover = QStringLiteral("ragdr_verify_20260101000000_dead");
    m_role->leaveScratchBehind(leftover);
    ASSERT_TRUE(m_role->databases().contains(leftover));

    const OperationResult r = runVerify(*m_ws, QStringLiteral("latest"), VerifyLevel::Deep);
    ASSERT_TRUE(r.ok()) << qPrintable(r.message);
    EXPECT_TRUE(m_role->databases().isEmpty())
        << qPrintable(m_role->databases().join(QLatin1Char(' ')));
    EXPECT_EQ(r.evidence.value(QStringLiteral("dropped_scratch_databases")).toArray().first(),
              leftover);
    EXPECT_TRUE(journal().contains(leftover.toUtf8()))
        << "the journal does not say what was dropped";
}

TEST_F(BackupStandingTest, AScratchDatabaseThatCannotBeDroppedChangesNothingAndGoesLater)
{
    Operation *op = BackupOperations::verify(m_ws->runner(),
                                             m_profile,
                                             {},
                                             QStringLiteral("latest"),
                                             VerifyLevel::Deep);
    QSignalSpy finished(op, &Operation::finished);
    // Someone else (a superuser with psql, or an autovacuum worker) is in the scratch database.
    QString scratch;
    ASSERT_TRUE(waitUntil(
        [&] {
            scratch = m_role->databases().value(0);
            return !scratch.isEmpty();
        },
        60s));
    auto intruder = superSession(scratch);
    ASSERT_NE(intruder, nullptr) << "the scratch database went before the test could enter it";
    ASSERT_TRUE(finished.wait(120000));
    const auto r = finished.first().at(0).value<OperationResult>();
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.message.contains(QStringLiteral("could not be dropped")))
        << qPrintable(r.message);
    EXPECT_TRUE(r.message.contains(QStringLiteral("of role postgres"))) << qPrintable(r.message);
    EXPECT_EQ(r.evidence.value(QStringLiteral("verification"))
                  .toObject()
                  .value(QStringLiteral("result"))
                  .toString(),
              QStringLiteral("could-not-check"));
    EXPECT_EQ(latestTarget(), m_fileName) << "rag_backup_latest.dump was moved or removed";
    EXPECT_TRUE(entry().isVerifiedGood());
    EXPECT_EQ(m_role->databases(), QStringList{scratch});

    intruder.reset();
    const OperationResult again = runVerify(*m_ws, QStringLiteral("latest"), VerifyLevel::Deep);
    ASSERT_TRUE(again.ok()) << qPrintable(again.message);
    EXPECT_TRUE(m_role->databases().isEmpty());
    EXPECT_EQ(again.evidence.value(QStringLiteral("dropped_scratch_databases")).toArray().first(),
              scratch);
}

TEST_F(BackupStandingTest, ADamagedManifestIsNeverReplaced)
{
    const QString manifest = primary() + BackupNaming::manifestNameOf(m_fileName);
    const QByteArray damaged = "{\"format\": \"ragdr-backup-manifest/1\", \"verif";
    ASSERT_TRUE(files::writeAtomically(manifest, damaged).has_value());

    // The mirror's manifest is intact, but the primary's is the one that counts: a person must
    // find out what happened to it.
    BackupEntry e = entry();
    EXPECT_TRUE(e.verificationText().startsWith(QStringLiteral("manifest damaged: ")))
        << qPrintable(e.verificationText());
    EXPECT_FALSE(e.isVerifiedGood());

    for (VerifyLevel level : {VerifyLevel::Quick, VerifyLevel::Deep}) {
        const OperationResult r = runVerify(*m_ws, BackupNaming::idOf(m_fileName), level);
        EXPECT_FALSE(r.ok());
        EXPECT_TRUE(r.message.contains(QStringLiteral("manifest damaged")))
            << qPrintable(r.message);
        QFile f(manifest);
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        EXPECT_EQ(f.readAll(), damaged) << "the damaged manifest was replaced";
    }
    EXPECT_FALSE(entry().manifest.has_value());
}

TEST_F(BackupStandingTest, ContentHashesAndProbesMatchARealRestoreAndNotAChangedOne)
{
    const BackupManifest recorded = *entry().manifest;
    ASSERT_EQ(recorded.facts.contentHashMethod, QStringLiteral("ragdr-rows-md5/1"));

    // The runbook's plain pg_restore into a database of its own.
    TestDatabase target(10);
    const QString failure = restoreInto(target,
                                        m_profile.regions.first().database,
                                        primary() + m_fileName,
                                        {QStringLiteral("--exit-on-error")});
    ASSERT_TRUE(failure.isEmpty()) << qPrintable(failure);
    auto session = target.connect();
    auto facts = [&] {
        session->begin(PgSession::Isolation::RepeatableRead, true);
        auto f = DatabaseFactsCollector::collect(*session, m_profile.schema, CancelToken());
        session->rollback();
        EXPECT_TRUE(f.has_value()) << qPrintable(f.error().message);
        return f.value_or(DatabaseFacts());
    };
    EXPECT_EQ(DatabaseFactsCollector::compare(recorded.facts, facts()), QStringList());

    // One character of one chunk: that table's hash alone differs.
    ASSERT_TRUE(session
                    ->execute(QStringLiteral("UPDATE chunks SET body = body || '.' WHERE id = "
                                             "(SELECT max(id) FROM chunks)"))
                    .has_value());
    QList<FactsDifference> diffs = DatabaseFactsCollector::differences(recorded.facts, facts());
    ASSERT_EQ(diffs.size(), 1);
    EXPECT_EQ(diffs.first().aspect, FactsDifference::Aspect::Content);
    EXPECT_TRUE(diffs.first().text.startsWith(QStringLiteral("public.chunks: the same")))
        << qPrintable(diffs.first().text);

    // A probe's nearest neighbour turned away from it: its neighbours change.
    const SimilarityProbe &probe = recorded.facts.rag->probes.first();
    ASSERT_TRUE(session
                    ->execute(QStringLiteral("UPDATE embeddings SET embedding = (SELECT "
                                             "array_agg(-x) FROM unnest(embedding) x) WHERE "
                                             "chunk_id = $1"),
                              {probe.topKeys.first()})
                    .has_value());
    diffs = DatabaseFactsCollector::differences(recorded.facts, facts());
    const bool probeDiffers
        = std::any_of(diffs.cbegin(), diffs.cend(), [&](const FactsDifference &d) {
              return d.aspect == FactsDifference::Aspect::Probes
                     && d.text.startsWith(
                         QStringLiteral("similarity probe %1:").arg(probe.probeKey));
          });
    EXPECT_TRUE(probeDiffers) << qPrintable(
        DatabaseFactsCollector::compare(recorded.facts, facts()).join(QLatin1Char('\n')));
}
