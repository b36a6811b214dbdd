// What a manifest's records mean: one place turns states into text and back, older manifests stay
// readable, and only verdicts decide a backup's standing.
#include "core/backup/backupcatalog.h"
#include "core/backup/backupmanifest.h"

#include <QJsonDocument>

#include <gtest/gtest.h>

using namespace ragdr::core;

namespace {

VerificationRecord record(VerifyLevel level, VerificationResult result, const QString &reason = {})
{
    VerificationRecord v;
    v.level = level;
    v.result = result;
    v.reason = reason;
    return v;
}

BackupEntry entryWith(const QList<VerificationRecord> &records)
{
    BackupEntry e;
    BackupManifest m;
    m.verifications = records;
    e.manifest = m;
    return e;
}

} // namespace

TEST(Manifest, StatesRoundTripThroughTheirText)
{
    for (VerificationResult r : {VerificationResult::Passed,
                                 VerificationResult::Corrupt,
                                 VerificationResult::CouldNotCheck})
        EXPECT_EQ(resultFromName(resultName(r)), r);
    for (CopyStatus s : {CopyStatus::Ok,
                         CopyStatus::Unverified,
                         CopyStatus::Missing,
                         CopyStatus::Mismatch,
                         CopyStatus::Error,
                         CopyStatus::Unreachable})
        EXPECT_EQ(copyStatusFromName(copyStatusName(s)), s);
}

TEST(Manifest, AnOlderManifestReadsTheSameAndNoUnknownWordIsAVerdict)
{
    // As ragdr wrote them before the states were enums: "failed" meant "could not check".
    const QByteArray older = R"({
        "format": "ragdr-backup-manifest/1", "id": "rag_backup_2026-11-24",
        "verifications": [
            {"level": "full", "result": "passed", "at": "2026-11-24T01:00:00Z"},
            {"level": "deep", "result": "failed", "reason": "cannot connect"},
            {"level": "quick", "result": "good?"}],
        "copies": [{"repository": "primary", "state": "ok"},
                   {"repository": "offsite", "state": "mismatch"},
                   {"repository": "tape", "state": "fine"}]})";
    auto m = BackupManifest::fromJson(older, QStringLiteral("older.json"));
    ASSERT_TRUE(m.has_value()) << qPrintable(m.error().message);
    ASSERT_EQ(m->verifications.size(), 3);
    EXPECT_EQ(m->verifications.at(0).result, VerificationResult::Passed);
    EXPECT_EQ(m->verifications.at(1).result, VerificationResult::CouldNotCheck);
    EXPECT_EQ(m->verifications.at(2).result, VerificationResult::CouldNotCheck);
    EXPECT_EQ(m->copies.at(0).state, CopyStatus::Ok);
    EXPECT_EQ(m->copies.at(1).state, CopyStatus::Mismatch);
    EXPECT_EQ(m->copies.at(2).state, CopyStatus::Unverified);
    // Written back, the text is the same words (plus the spelled-out "could-not-check").
    const QJsonObject again = QJsonDocument::fromJson(m->toJson()).object();
    EXPECT_EQ(again.value(QStringLiteral("copies"))
                  .toArray()
                  .at(1)
                  .toObject()
                  .value(QStringLiteral("state")),
              QStringLiteral("mismatch"));
    EXPECT_EQ(again.value(QStringLiteral("verifications"))
                  .toArray()
                  .at(1)
                  .toObject()
                  .value(QStringLiteral("result")),
              QStringLiteral("could-not-check"));
}

TEST(Manifest, ACheckThatCouldNotRunChangesNoStanding)
{
    // The database was down for the deep verification: the backup is as good as it was.
    const BackupEntry good = entryWith(
        {record(VerifyLevel::Full, VerificationResult::Passed),
         record(VerifyLevel::Deep, VerificationResult::CouldNotCheck, QStringLiteral("db down"))});
    EXPECT_TRUE(good.isVerifiedGood());
    EXPECT_FALSE(good.isCorrupt());
    EXPECT_EQ(good.verificationText(),
              QStringLiteral("full: passed; deep could not check: db down"));

    const BackupEntry bad = entryWith(
        {record(VerifyLevel::Quick, VerificationResult::Corrupt, QStringLiteral("sha256 differs")),
         record(VerifyLevel::Deep, VerificationResult::CouldNotCheck, QStringLiteral("db down"))});
    EXPECT_TRUE(bad.isCorrupt());
    EXPECT_FALSE(bad.isVerifiedGood());

    const BackupEntry never = entryWith(
        {record(VerifyLevel::Deep, VerificationResult::CouldNotCheck, QStringLiteral("db down"))});
    EXPECT_FALSE(never.isVerifiedGood());
    EXPECT_FALSE(never.isCorrupt());
    EXPECT_TRUE(never.verificationText().startsWith(QStringLiteral("never verified")));
}

TEST(Manifest, ACorruptVerdictIsClearedOnlyByAPassThatLookedAsClosely)
{
    const VerificationRecord deepCorrupt = record(VerifyLevel::Deep,
                                                  VerificationResult::Corrupt,
                                                  QStringLiteral("rows differ"));
    // A quick or full pass cannot see what the deep verification found.
    EXPECT_TRUE(
        entryWith({deepCorrupt, record(VerifyLevel::Full, VerificationResult::Passed)}).isCorrupt());
    EXPECT_TRUE(entryWith({deepCorrupt,
                           record(VerifyLevel::Quick, VerificationResult::Corrupt),
                           record(VerifyLevel::Full, VerificationResult::Passed)})
                    .isCorrupt());
    // A deep pass (the file was replaced by an intact copy) can.
    EXPECT_TRUE(entryWith({deepCorrupt, record(VerifyLevel::Deep, VerificationResult::Passed)})
                    .isVerifiedGood());
    // And the newest verdict counts when it is the worse one.
    EXPECT_TRUE(entryWith({record(VerifyLevel::Deep, VerificationResult::Passed),
                           record(VerifyLevel::Quick, VerificationResult::Corrupt)})
                    .isCorrupt());
}

TEST(Manifest, ADamagedManifestIsSaidAndCountsAsUnverified)
{
    BackupEntry e;
    e.manifestProblem = QStringLiteral("the manifest x.json is not valid JSON");
    EXPECT_EQ(e.verificationText(),
              QStringLiteral("manifest damaged: the manifest x.json is not valid JSON"));
    EXPECT_FALSE(e.isVerifiedGood());
    EXPECT_FALSE(e.isCorrupt());
}
