#include "core/backup/backupnaming.h"
#include "core/base/duration.h"

#include <gtest/gtest.h>

using namespace ragdr::core;

TEST(BackupNaming, MakesTheRunbooksNameInUtc)
{
    const BackupNaming naming(QStringLiteral("rag_backup_%F.dump"),
                              QStringLiteral("rag_backup_latest.dump"));
    const QDateTime t = QDateTime::fromString(QStringLiteral("2026-11-24T23:30:00+02:00"),
                                              Qt::ISODate);
    EXPECT_EQ(naming.fileNameFor(t), QStringLiteral("rag_backup_2026-11-24.dump"));
}

TEST(BackupNaming, ASecondBackupOnADayNeverTakesAnExistingName)
{
    const BackupNaming naming(QStringLiteral("rag_backup_%F.dump"));
    const QDateTime t = QDateTime::fromString(QStringLiteral("2026-11-24T10:00:00Z"), Qt::ISODate);
    EXPECT_EQ(naming.freeFileNameFor(t, {}), QStringLiteral("rag_backup_2026-11-24.dump"));
    EXPECT_EQ(naming.freeFileNameFor(t, {QStringLiteral("rag_backup_2026-11-24.dump")}),
              QStringLiteral("rag_backup_2026-11-24_2.dump"));
    EXPECT_EQ(naming.freeFileNameFor(t,
                                     {QStringLiteral("rag_backup_2026-11-24.dump"),
                                      QStringLiteral("rag_backup_2026-11-24_2.dump")}),
              QStringLiteral("rag_backup_2026-11-24_3.dump"));
}

TEST(BackupNaming, RecognisesBackupsAndNothingElse)
{
    const BackupNaming naming(QStringLiteral("rag_backup_%F.dump"),
                              QStringLiteral("rag_backup_latest.dump"));
    EXPECT_TRUE(naming.isBackupFile(QStringLiteral("rag_backup_2026-01-22.dump")));
    EXPECT_TRUE(naming.isBackupFile(QStringLiteral("rag_backup_2026-01-22_2.dump")));
    EXPECT_FALSE(naming.isBackupFile(QStringLiteral("rag_backup_latest.dump")));
    EXPECT_FALSE(naming.isBackupFile(QStringLiteral("rag_backup_2026-01-22.dump.manifest.json")));
    EXPECT_FALSE(naming.isBackupFile(
        BackupNaming::partialNameOf(QStringLiteral("rag_backup_2026-01-22.dump"))));
    EXPECT_FALSE(naming.isBackupFile(QStringLiteral("rag_backup_today.dump")));
    EXPECT_FALSE(naming.isBackupFile(QStringLiteral("notes.txt")));
    EXPECT_TRUE(naming.isManifestFile(QStringLiteral("rag_backup_2026-01-22.dump.manifest.json")));
    EXPECT_TRUE(BackupNaming::isPartialName(
        BackupNaming::partialNameOf(QStringLiteral("rag_backup_2026-01-22.dump"))));
}

TEST(BackupNaming, IdsAndManifestNames)
{
    EXPECT_EQ(BackupNaming::idOf(QStringLiteral("rag_backup_2026-01-22.dump")),
              QStringLiteral("rag_backup_2026-01-22"));
    EXPECT_EQ(BackupNaming::manifestNameOf(QStringLiteral("a.dump")),
              QStringLiteral("a.dump.manifest.json"));
    EXPECT_EQ(BackupNaming::dumpNameOfManifest(QStringLiteral("a.dump.manifest.json")),
              QStringLiteral("a.dump"));
}

TEST(BackupNaming, TimePatterns)
{
    const BackupNaming naming(QStringLiteral("db_%Y%m%d_%H%M%S.dump"));
    const QDateTime t = QDateTime::fromString(QStringLiteral("2026-03-04T05:06:07Z"), Qt::ISODate);
    EXPECT_EQ(naming.fileNameFor(t), QStringLiteral("db_20260304_050607.dump"));
    EXPECT_TRUE(naming.isBackupFile(QStringLiteral("db_20260304_050607.dump")));
    EXPECT_FALSE(naming.isBackupFile(QStringLiteral("db_2026030_050607.dump")));
}

TEST(Duration, ParsesAndFormats)
{
    EXPECT_EQ(parseDuration(QStringLiteral("24h")), 86400);
    EXPECT_EQ(parseDuration(QStringLiteral("1h30m")), 5400);
    EXPECT_EQ(parseDuration(QStringLiteral("7d")), 7 * 86400);
    EXPECT_FALSE(parseDuration(QStringLiteral("daily")).has_value());
    EXPECT_FALSE(parseDuration(QStringLiteral("10")).has_value());
    EXPECT_EQ(formatDuration(3725), QStringLiteral("1h 2m"));
    EXPECT_EQ(formatDuration(90000), QStringLiteral("1d 1h"));
    EXPECT_EQ(formatDuration(42), QStringLiteral("42s"));
}
