// Damaged backups are found at the verification level that can see the damage, with a reason;
// none is ever reported good. Matrix from ../shared/reference/pg-measured.md §3.
#include "backuphelpers.h"
#include "testdatabase.h"
#include "testsandbox.h"

#include "core/backup/backupnaming.h"
#include "core/base/files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;

namespace {

// One backup of a test database, made once per compression setting, copied for each test.
struct Original
{
    std::unique_ptr<QTemporaryDir> dir;
    QString fileName;
};

class CorruptionTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        s_db = new TestDatabase(800);
        s_default = makeOriginal({});
        s_uncompressed = makeOriginal(0);
    }

    static void TearDownTestSuite()
    {
        delete s_db;
        delete s_default.dir.release();
        delete s_uncompressed.dir.release();
    }

    static Original makeOriginal(std::optional<int> compression)
    {
        Original o;
        o.dir = makeTempDir();
        Profile profile = s_db->use(TestSandbox::shared().isolatedProfile(o.dir->path()));
        profile.backup.compression = compression;
        auto ws = Workspace::forProfile(profile);
        const OperationResult r = runBackup(*ws);
        EXPECT_TRUE(r.ok()) << qPrintable(r.message);
        o.fileName = QFileInfo(r.evidence.value(QStringLiteral("file")).toString()).fileName();
        return o;
    }

    // A fresh copy of an original's repositories for this test.
    void use(const Original &original)
    {
        m_dir = makeTempDir();
        m_profile = s_db->use(TestSandbox::shared().isolatedProfile(m_dir->path()));
        m_fileName = original.fileName;
        for (const QString &sub : {QStringLiteral("primary"), QStringLiteral("mirror")}) {
            const QDir from(original.dir->path() + QLatin1Char('/') + sub);
            for (const QFileInfo &f : from.entryInfoList(QDir::Files | QDir::System)) {
                const QString to = m_dir->path() + QLatin1Char('/') + sub + QLatin1Char('/')
                                   + f.fileName();
                if (f.isSymLink())
                    QFile::link(QFileInfo(f.symLinkTarget()).fileName(), to);
                else
                    QFile::copy(f.absoluteFilePath(), to);
                QFile::setPermissions(to, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            }
        }
        m_ws = Workspace::forProfile(m_profile);
    }

    QString dump() const { return m_dir->path() + QStringLiteral("/primary/") + m_fileName; }
    QString mirrorDump() const { return m_dir->path() + QStringLiteral("/mirror/") + m_fileName; }
    QString manifest() const { return dump() + QStringLiteral(".manifest.json"); }
    // Changes what the primary manifest records, as a bad disk or a person could.
    void editManifest(const std::function<void(BackupManifest &)> &edit) const
    {
        QFile f(manifest());
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        auto m = BackupManifest::fromJson(f.readAll(), manifest());
        f.close();
        ASSERT_TRUE(m.has_value());
        edit(*m);
        ASSERT_TRUE(files::writeAtomically(manifest(), m->toJson()).has_value());
    }
    qint64 size() const { return QFileInfo(dump()).size(); }
    // As if the runbook's plain pg_dump had made it: no manifest, no copy elsewhere.
    void makeRunbookStyle() const
    {
        QFile::remove(manifest());
        QFile::remove(mirrorDump());
        QFile::remove(mirrorDump() + QStringLiteral(".manifest.json"));
    }

    OperationResult verify(VerifyLevel level)
    {
        return runVerify(*m_ws, BackupNaming::idOf(m_fileName), level);
    }
    static QString checkStatus(const OperationResult &r, const QString &name)
    {
        for (const QJsonValue &c : r.evidence.value(QStringLiteral("verification"))
                                       .toObject()
                                       .value(QStringLiteral("checks"))
                                       .toArray()) {
            if (c.toObject().value(QStringLiteral("name")).toString() == name)
                return c.toObject().value(QStringLiteral("status")).toString();
        }
        return QStringLiteral("absent");
    }

    void expectCorrupt(const OperationResult &r, const QString &reasonPart)
    {
        EXPECT_FALSE(r.ok());
        EXPECT_TRUE(r.message.startsWith(QStringLiteral("CORRUPT: "))) << qPrintable(r.message);
        EXPECT_TRUE(r.message.contains(reasonPart))
            << "expected \"" << qPrintable(reasonPart) << "\" in: " << qPrintable(r.message);
        EXPECT_EQ(r.evidence.value(QStringLiteral("verification"))
                      .toObject()
                      .value(QStringLiteral("result"))
                      .toString(),
                  QStringLiteral("corrupt"));
        const RegionListing listing = listRegion(m_profile);
        ASSERT_FALSE(listing.entries.isEmpty());
        EXPECT_TRUE(listing.entries.first().isCorrupt())
            << "the catalog does not show it as corrupt";
        EXPECT_FALSE(listing.entries.first().isLatest) << "latest still points at a corrupt backup";
    }

    void expectPassed(const OperationResult &r) { EXPECT_TRUE(r.ok()) << qPrintable(r.message); }

    static inline TestDatabase *s_db = nullptr;
    static inline Original s_default;
    static inline Original s_uncompressed;

    std::unique_ptr<QTemporaryDir> m_dir;
    Profile m_profile;
    QString m_fileName;
    std::unique_ptr<Workspace> m_ws;
};

} // namespace

TEST_F(CorruptionTest, AnIntactBackupPassesEveryLevel)
{
    use(s_default);
    for (VerifyLevel level : {VerifyLevel::Quick, VerifyLevel::Full, VerifyLevel::Deep}) {
        const OperationResult r = verify(level);
        EXPECT_TRUE(r.ok()) << qPrintable(levelName(level)) << ": " << qPrintable(r.message);
    }
    const RegionListing listing = listRegion(m_profile);
    EXPECT_EQ(listing.entries.first().lastVerification()->level, VerifyLevel::Deep);
    EXPECT_TRUE(listing.entries.first().isLatest);
}

TEST_F(CorruptionTest, TruncationIsCaughtByQuickWhenTheManifestRecordsTheSize)
{
    for (qint64 cut : {qint64(3), qint64(100), qint64(2000)}) {
        use(s_default);
        truncateFile(dump(), cut);
        SCOPED_TRACE(cut);
        expectCorrupt(verify(VerifyLevel::Quick),
                      cut == 3 ? QStringLiteral("cut short: only 3 bytes")
                               : QStringLiteral("cut short"));
    }
    use(s_default);
    truncateFile(dump(), size() / 2);
    expectCorrupt(verify(VerifyLevel::Quick), QStringLiteral("the manifest records"));
    use(s_default);
    truncateFile(dump(), size() - 100);
    expectCorrupt(verify(VerifyLevel::Quick), QStringLiteral("(cut short)"));
}

TEST_F(CorruptionTest, WithoutAManifestAnEarlyCutFailsTheTocAndALateCutOnlyTheFullRead)
{
    for (qint64 cut : {qint64(100), qint64(2000)}) {
        use(s_default);
        makeRunbookStyle();
        truncateFile(dump(), cut);
        SCOPED_TRACE(cut);
        const OperationResult r = verify(VerifyLevel::Quick);
        expectCorrupt(r, QStringLiteral("pg_restore -l exited with code 1"));
        EXPECT_EQ(checkStatus(r, QStringLiteral("toc")), QStringLiteral("failed"));
    }
    for (bool half : {true, false}) {
        use(s_default);
        makeRunbookStyle();
        truncateFile(dump(), half ? size() / 2 : size() - 100);
        SCOPED_TRACE(half ? "50%" : "last 100 bytes");
        // pg_restore -l reads only the table of contents: the quick level cannot see this cut...
        const OperationResult quick = verify(VerifyLevel::Quick);
        EXPECT_TRUE(quick.ok()) << qPrintable(quick.message);
        EXPECT_TRUE(quick.message.contains(QStringLiteral("not checked: sha256")))
            << qPrintable(quick.message);
        // ...and says what it could not check; the full read sees it.
        expectCorrupt(verify(VerifyLevel::Full), QStringLiteral("could not read from input file"));
    }
}

TEST_F(CorruptionTest, AFlippedByteIsCaughtByTheChecksumAndByTheFullRead)
{
    use(s_default);
    flipByte(dump(), size() / 2);
    expectCorrupt(verify(VerifyLevel::Quick), QStringLiteral("differs from the manifest"));

    use(s_default);
    makeRunbookStyle();
    flipByte(dump(), size() / 2);
    EXPECT_TRUE(verify(VerifyLevel::Quick).ok())
        << "without a checksum the quick level cannot see a flipped byte";
    const OperationResult full = verify(VerifyLevel::Full);
    expectCorrupt(full, QStringLiteral("pg_restore -f /dev/null exited with code 1"));
    EXPECT_EQ(checkStatus(full, QStringLiteral("full read")), QStringLiteral("failed"));
}

TEST_F(CorruptionTest, AFlippedByteInAnUncompressedDumpIsCaughtOnlyByTheChecksum)
{
    use(s_uncompressed);
    flipByte(dump(), size() / 2);
    expectCorrupt(verify(VerifyLevel::Quick), QStringLiteral("differs from the manifest"));

    // Without a manifest nothing but a checksum could see it (pg_restore reads -Z0 data blindly);
    // ragdr says that it could not check, rather than calling the file good without saying so.
    use(s_uncompressed);
    makeRunbookStyle();
    flipByte(dump(), size() / 2);
    const OperationResult full = verify(VerifyLevel::Full);
    EXPECT_TRUE(full.ok()) << qPrintable(full.message);
    EXPECT_EQ(checkStatus(full, QStringLiteral("sha256")), QStringLiteral("skipped"));
    EXPECT_TRUE(full.message.contains(QStringLiteral("not checked: sha256: no manifest")))
        << qPrintable(full.message);
}

TEST_F(CorruptionTest, AZeroLengthFileIsCorrupt)
{
    use(s_default);
    truncateFile(dump(), 0);
    expectCorrupt(verify(VerifyLevel::Quick), QStringLiteral("the file is empty (0 bytes)"));
}

TEST_F(CorruptionTest, AFileThatIsNoDumpIsCorrupt)
{
    use(s_default);
    QFile f(dump());
    ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("-- PostgreSQL database dump\nSELECT 1;\n");
    f.close();
    expectCorrupt(verify(VerifyLevel::Quick), QStringLiteral("not a pg_dump custom-format archive"));
}

TEST_F(CorruptionTest, AMissingManifestIsSaidAndTheDumpIsAdopted)
{
    use(s_default);
    makeRunbookStyle();
    const RegionListing before = listRegion(m_profile);
    ASSERT_EQ(before.entries.size(), 1);
    EXPECT_EQ(before.entries.first().verificationText(), QStringLiteral("no manifest"));
    EXPECT_FALSE(before.entries.first().isVerifiedGood());

    const OperationResult r = verify(VerifyLevel::Deep);
    ASSERT_TRUE(r.ok()) << qPrintable(r.message);
    EXPECT_TRUE(r.message.contains(QStringLiteral("sha256: no manifest recorded a checksum")))
        << qPrintable(r.message);
    EXPECT_TRUE(r.message.contains(QStringLiteral("counts: no manifest with row counts")))
        << qPrintable(r.message);
    // Nothing recorded the probes' neighbours when this dump was made: nothing to compare.
    EXPECT_EQ(checkStatus(r, QStringLiteral("similarity")), QStringLiteral("skipped"));

    // From now on the dump has a manifest that remembers what it looked like.
    const RegionListing after = listRegion(m_profile);
    ASSERT_TRUE(after.entries.first().manifest.has_value());
    EXPECT_TRUE(after.entries.first().manifest->isAdopted());
    EXPECT_EQ(after.entries.first().manifest->sha256.size(), 64);
    flipByte(dump(), size() / 3);
    const OperationResult later = verify(VerifyLevel::Quick);
    EXPECT_FALSE(later.ok());
    EXPECT_TRUE(later.message.contains(QStringLiteral("as observed when ragdr first verified")))
        << qPrintable(later.message);
}

TEST_F(CorruptionTest, AMismatchedMirrorCopyShows)
{
    use(s_default);
    flipByte(mirrorDump(), size() / 2);
    const OperationResult r = verify(VerifyLevel::Quick);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(
        r.message.contains(QStringLiteral("passed, but not every copy is good: mirror: mismatch")))
        << qPrintable(r.message);
    const RegionListing listing = listRegion(m_profile);
    EXPECT_EQ(listing.entries.first().copies.at(1).state, CopyState::State::Mismatch);
    EXPECT_TRUE(listing.entries.first().isVerifiedGood()) << "the primary copy is still good";
    EXPECT_EQ(listing.entries.first().copiesText(), QStringLiteral("1/2 ok; mirror mismatch"));
}

TEST_F(CorruptionTest, AMirrorCopyOfTheWrongSizeShowsWithoutVerifying)
{
    use(s_default);
    truncateFile(mirrorDump(), size() - 10);
    const RegionListing listing = listRegion(m_profile);
    EXPECT_EQ(listing.entries.first().copies.at(1).state, CopyState::State::Mismatch);
    QFile::remove(mirrorDump());
    EXPECT_EQ(listRegion(m_profile).entries.first().copies.at(1).state, CopyState::State::Missing);
}

TEST_F(CorruptionTest, DeepVerificationComparesTheRestoreWithTheManifest)
{
    use(s_default);
    editManifest([](BackupManifest &m) {
        for (TableCount &t : m.facts.tables) {
            if (t.name == QLatin1String("chunks"))
                t.rows += 1;
        }
    });
    EXPECT_TRUE(verify(VerifyLevel::Full).ok()) << "the file itself is intact";
    expectCorrupt(verify(VerifyLevel::Deep),
                  QStringLiteral("public.chunks: 801 rows in the manifest, 800 after restore"));
}

TEST_F(CorruptionTest, DeepVerificationComparesContentHashesAndProbeNeighbours)
{
    use(s_default);
    editManifest([](BackupManifest &m) {
        for (TableCount &t : m.facts.tables) {
            if (t.name == QLatin1String("chunks"))
                t.contentHash = QString(32, QLatin1Char('0'));
        }
    });
    OperationResult r = verify(VerifyLevel::Deep);
    expectCorrupt(r, QStringLiteral("public.chunks: the same 800 rows, but other content"));
    EXPECT_EQ(checkStatus(r, QStringLiteral("content")), QStringLiteral("failed"));
    EXPECT_EQ(checkStatus(r, QStringLiteral("counts")), QStringLiteral("passed"));

    use(s_default);
    QString probeKey;
    editManifest([&](BackupManifest &m) {
        SimilarityProbe &p = m.facts.rag->probes.last();
        probeKey = p.probeKey;
        std::reverse(p.topKeys.begin(), p.topKeys.end());
    });
    r = verify(VerifyLevel::Deep);
    expectCorrupt(r, QStringLiteral("similarity probe %1: nearest neighbours").arg(probeKey));
    EXPECT_EQ(checkStatus(r, QStringLiteral("similarity")), QStringLiteral("failed"));
    EXPECT_EQ(checkStatus(r, QStringLiteral("content")), QStringLiteral("passed"));
}

TEST_F(CorruptionTest, ABackupCountsForTheRegionItsManifestNames)
{
    use(s_default);
    editManifest([](BackupManifest &m) { m.region = QStringLiteral("elsewhere"); });
    // Not this region's: not listed, not verified good here, not what "latest" may point at.
    const RegionListing listing = listRegion(m_profile);
    EXPECT_TRUE(listing.entries.isEmpty());
    EXPECT_EQ(listing.otherRegions,
              QStringList{
                  QStringLiteral("%1 (its manifest names region elsewhere)").arg(m_fileName)});
    EXPECT_EQ(listing.newestVerified(), nullptr);
}

TEST_F(CorruptionTest, LatestMovesToTheNewestGoodBackup)
{
    use(s_default);
    ASSERT_TRUE(runBackup(*m_ws).ok());
    RegionListing listing = listRegion(m_profile);
    ASSERT_EQ(listing.entries.size(), 2);
    const QString newest = listing.entries.at(0).fileName;
    const QString older = listing.entries.at(1).fileName;
    EXPECT_TRUE(listing.entries.at(0).isLatest);
    flipByte(m_dir->path() + QStringLiteral("/primary/") + newest, 5000);
    EXPECT_FALSE(runVerify(*m_ws, BackupNaming::idOf(newest), VerifyLevel::Quick).ok());
    listing = listRegion(m_profile);
    EXPECT_EQ(listing.latestTarget, older);
}

TEST_F(CorruptionTest, WithoutAManifestCopiesThatDisagreeAreReported)
{
    use(s_uncompressed);
    QFile::remove(manifest());
    QFile::remove(mirrorDump() + QStringLiteral(".manifest.json"));
    flipByte(dump(), size() / 2);
    const OperationResult r = verify(VerifyLevel::Full);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.message.contains(QStringLiteral("no manifest says which is intact")))
        << qPrintable(r.message);
}
