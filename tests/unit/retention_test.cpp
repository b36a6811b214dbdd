#include "core/backup/retention.h"

#include <gtest/gtest.h>

using namespace ragdr::core;

namespace {

const QDateTime kNow = QDateTime::fromString(QStringLiteral("2026-11-24T12:00:00Z"), Qt::ISODate);

BackupEntry entry(int daysOld, const QString &result)
{
    BackupEntry e;
    e.createdAt = kNow.addDays(-daysOld);
    e.id = QStringLiteral("rag_backup_%1").arg(e.createdAt.toString(QStringLiteral("yyyy-MM-dd")));
    e.fileName = e.id + QStringLiteral(".dump");
    e.region = QStringLiteral("eu");
    e.copies.append({QStringLiteral("primary"), CopyState::State::Ok, 100, {}});
    BackupManifest m;
    if (!result.isEmpty()) {
        VerificationRecord v;
        v.result = resultFromName(result);
        m.verifications.append(v);
    }
    e.manifest = m;
    return e;
}

// Backups 0..n-1 days old, newest first, with the given verification results.
RegionListing listing(const QStringList &results)
{
    RegionListing l;
    l.region = QStringLiteral("eu");
    for (int i = 0; i < results.size(); ++i)
        l.entries.append(entry(i, results.at(i)));
    return l;
}

QStringList deleted(const RetentionPlan &plan)
{
    QStringList ids;
    for (const RetentionDecision &d : plan.deletions())
        ids.append(d.id);
    return ids;
}

} // namespace

TEST(Retention, KeepsTheNewestByCount)
{
    RetentionPolicy policy;
    policy.keepLast = 2;
    const RetentionPlan plan = Retention::plan(listing({QStringLiteral("passed"),
                                                        QStringLiteral("passed"),
                                                        QStringLiteral("passed"),
                                                        QStringLiteral("passed")}),
                                               policy,
                                               kNow);
    EXPECT_EQ(deleted(plan),
              (QStringList{QStringLiteral("rag_backup_2026-11-22"),
                           QStringLiteral("rag_backup_2026-11-21")}));
}

TEST(Retention, NeverDeletesTheNewestVerifiedBackup)
{
    RetentionPolicy policy;
    policy.keepLast = 2;
    // The two newest are corrupt or unverified: the third, the newest verified one, stays.
    const RetentionPlan plan = Retention::plan(listing({QStringLiteral("corrupt"),
                                                        QString(),
                                                        QStringLiteral("passed"),
                                                        QStringLiteral("passed")}),
                                               policy,
                                               kNow);
    EXPECT_EQ(deleted(plan), QStringList{QStringLiteral("rag_backup_2026-11-21")});
    EXPECT_EQ(plan.decisions.at(2).reason,
              QStringLiteral("the newest verified backup is always kept"));
}

TEST(Retention, AgeAndCountTogetherKeepWhatEitherKeeps)
{
    RetentionPolicy policy;
    policy.keepLast = 1;
    policy.maxAgeSecs = 2 * 86400 + 3600;
    const RetentionPlan plan = Retention::plan(listing({QStringLiteral("passed"),
                                                        QStringLiteral("passed"),
                                                        QStringLiteral("passed"),
                                                        QStringLiteral("passed")}),
                                               policy,
                                               kNow);
    EXPECT_EQ(deleted(plan), QStringList{QStringLiteral("rag_backup_2026-11-21")});
}

TEST(Retention, AFailedListingBlocksEveryDeletion)
{
    RetentionPolicy policy;
    policy.keepLast = 1;
    RegionListing l = listing(
        {QStringLiteral("passed"), QStringLiteral("passed"), QStringLiteral("passed")});
    l.problems.append(QStringLiteral("repository offsite: rclone lsjson exited with code 1"));
    const RetentionPlan plan = Retention::plan(l, policy, kNow);
    EXPECT_TRUE(plan.deletions().isEmpty());
    ASSERT_EQ(plan.blockers.size(), 1);
    EXPECT_TRUE(plan.blockers.first().contains(QStringLiteral("nothing is deleted")));
}

TEST(Retention, NoPolicyKeepsEverything)
{
    const RetentionPlan plan = Retention::plan(listing({QStringLiteral("passed"),
                                                        QStringLiteral("passed")}),
                                               RetentionPolicy(),
                                               kNow);
    EXPECT_TRUE(plan.deletions().isEmpty());
}

TEST(Retention, TheLatestLinkTargetIsKept)
{
    RetentionPolicy policy;
    policy.keepLast = 1;
    RegionListing l = listing(
        {QStringLiteral("passed"), QStringLiteral("passed"), QStringLiteral("passed")});
    l.entries[2].isLatest = true;
    EXPECT_EQ(deleted(Retention::plan(l, policy, kNow)),
              QStringList{QStringLiteral("rag_backup_2026-11-23")});
}

TEST(Retention, APlanThatDiffersFromTheConfirmedOneSaysHow)
{
    RetentionPolicy policy;
    policy.keepLast = 1;
    const RetentionPlan plan = Retention::plan(listing({QStringLiteral("passed"),
                                                        QStringLiteral("passed"),
                                                        QStringLiteral("passed")}),
                                               policy,
                                               kNow);
    EXPECT_EQ(plan.deletionIds(),
              (QStringList{QStringLiteral("rag_backup_2026-11-23"),
                           QStringLiteral("rag_backup_2026-11-22")}));
    EXPECT_TRUE(Retention::differences(plan, plan.deletionIds()).isEmpty());
    // Confirmed when the plan deleted less, and something that has gone since.
    EXPECT_EQ(Retention::differences(plan,
                                     {QStringLiteral("rag_backup_2026-11-22"),
                                      QStringLiteral("rag_backup_2026-11-24"),
                                      QStringLiteral("rag_backup_2026-11-01")}),
              (QStringList{QStringLiteral("it now keeps rag_backup_2026-11-24 (the newest verified "
                                          "backup is always kept)"),
                           QStringLiteral("it would now also delete rag_backup_2026-11-23 (not "
                                          "among the newest 1)"),
                           QStringLiteral("rag_backup_2026-11-01 is no longer listed")}));
    // Nothing confirmed, while the plan deletes: that differs too.
    EXPECT_EQ(Retention::differences(plan, {}).size(), 2);
}
