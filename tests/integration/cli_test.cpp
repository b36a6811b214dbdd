// The ragdr command line, run as a user would run it, against the drill sandbox.
#include "ragdrcli.h"
#include "testdatabase.h"
#include "testsandbox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;

namespace {

class CliTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_dir = makeTempDir();
        m_profile = TestSandbox::shared().writeIsolatedProfile(m_dir->path(), m_db.name());
        ASSERT_FALSE(m_profile.isEmpty());
    }

    QStringList with(const QStringList &args) const
    {
        return QStringList{QStringLiteral("--profile"), m_profile} + args;
    }

    TestDatabase m_db{300};
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_profile;
};

} // namespace

TEST_F(CliTest, BackupListVerifyAsJson)
{
    const CliRun backup = runRagdr(with({QStringLiteral("backup"), QStringLiteral("--json")}));
    ASSERT_EQ(backup.exitCode, 0) << qPrintable(backup.err);
    const QJsonObject result = backup.json();
    EXPECT_EQ(result.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    const QString file = result.value(QStringLiteral("evidence"))
                             .toObject()
                             .value(QStringLiteral("file"))
                             .toString();
    EXPECT_TRUE(QFileInfo::exists(file)) << qPrintable(file);
    EXPECT_TRUE(QFileInfo(file).fileName().startsWith(QStringLiteral("rag_backup_")));

    // The drill profile has two regions; the backup went to the first (the default).
    const CliRun list = runRagdr(with({QStringLiteral("backups"),
                                       QStringLiteral("--json"),
                                       QStringLiteral("--region"),
                                       QStringLiteral("drill")}));
    ASSERT_EQ(list.exitCode, 0) << qPrintable(list.err);
    const QJsonArray regions = list.json().value(QStringLiteral("regions")).toArray();
    ASSERT_EQ(regions.size(), 1);
    const QJsonArray backups = regions.first().toObject().value(QStringLiteral("backups")).toArray();
    ASSERT_EQ(backups.size(), 1);
    EXPECT_TRUE(backups.first().toObject().value(QStringLiteral("verified_good")).toBool());
    EXPECT_TRUE(backups.first().toObject().value(QStringLiteral("latest")).toBool());
    EXPECT_FALSE(list.json().value(QStringLiteral("rpo_breached")).toBool());

    const CliRun verify = runRagdr(with({QStringLiteral("verify"),
                                         QStringLiteral("latest"),
                                         QStringLiteral("--level"),
                                         QStringLiteral("quick")}));
    EXPECT_EQ(verify.exitCode, 0) << qPrintable(verify.err);
    EXPECT_TRUE(verify.out.contains(QStringLiteral("(quick verification) passed")))
        << qPrintable(verify.out);

    const CliRun human = runRagdr(
        with({QStringLiteral("backups"), QStringLiteral("--region"), QStringLiteral("drill")}));
    EXPECT_EQ(human.exitCode, 0);
    EXPECT_TRUE(human.out.contains(QStringLiteral("quick: passed"))) << qPrintable(human.out);
    EXPECT_TRUE(human.out.contains(QStringLiteral("2/2 ok"))) << qPrintable(human.out);
    EXPECT_TRUE(human.out.contains(QStringLiteral("RPO target 1d"))) << qPrintable(human.out);

    const CliRun journal = runRagdr(with({QStringLiteral("journal"), QStringLiteral("verify")}));
    EXPECT_EQ(journal.exitCode, 0) << qPrintable(journal.err);
    EXPECT_TRUE(journal.out.contains(QStringLiteral("4 entries, hash chain intact")))
        << qPrintable(journal.out);
}

TEST_F(CliTest, ExitCodesSayWhatKindOfProblem)
{
    const CliRun noCommand = runRagdr(with({}));
    EXPECT_EQ(noCommand.exitCode, 2);
    EXPECT_TRUE(noCommand.err.contains(QStringLiteral("Usage:")));

    const CliRun unknown = runRagdr(
        with({QStringLiteral("verify"), QStringLiteral("rag_backup_1999-01-01")}));
    EXPECT_EQ(unknown.exitCode, 2) << qPrintable(unknown.err);

    const CliRun badLevel = runRagdr(with({QStringLiteral("verify"),
                                           QStringLiteral("latest"),
                                           QStringLiteral("--level"),
                                           QStringLiteral("thorough")}));
    EXPECT_EQ(badLevel.exitCode, 2);
    EXPECT_TRUE(badLevel.err.contains(QStringLiteral("quick, full or deep")));

    const CliRun badRegion = runRagdr(
        with({QStringLiteral("backups"), QStringLiteral("--region"), QStringLiteral("mars")}));
    EXPECT_EQ(badRegion.exitCode, 2);

    const CliRun refused = runRagdr(with({QStringLiteral("retention"), QStringLiteral("--apply")}));
    EXPECT_EQ(refused.exitCode, 3) << qPrintable(refused.err);
    EXPECT_TRUE(refused.err.contains(QStringLiteral("--confirm drill"))) << qPrintable(refused.err);
}

TEST_F(CliTest, ABadProfileIsReportedWithLineAndColumn)
{
    QFile f(m_profile);
    ASSERT_TRUE(f.open(QIODevice::Append));
    f.write("surprise: true\n");
    f.close();
    const CliRun r = runRagdr(with({QStringLiteral("backups")}));
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains(m_profile + QStringLiteral(":"))) << qPrintable(r.err);
    EXPECT_TRUE(r.err.contains(QStringLiteral("unknown key \"surprise\""))) << qPrintable(r.err);
}

TEST_F(CliTest, RetentionDeletesExactlyTheBackupsTheScriptNames)
{
    // keep_last 1 and no age rule, so that two backups leave one to delete.
    QFile file(m_profile);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    QByteArray yaml = file.readAll();
    file.close();
    yaml.replace("    keep_last: 7\n", "    keep_last: 1\n");
    yaml.replace("    max_age: 14d\n", "");
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(yaml);
    file.close();
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(runRagdr(with({QStringLiteral("backup")})).exitCode, 0);

    // What a script does: the dry run's "deletions", handed back with --delete.
    const CliRun plan = runRagdr(with({QStringLiteral("retention"), QStringLiteral("--json")}));
    ASSERT_EQ(plan.exitCode, 0) << qPrintable(plan.err);
    QStringList deletions;
    for (const QJsonValue &id : plan.json()
                                    .value(QStringLiteral("evidence"))
                                    .toObject()
                                    .value(QStringLiteral("plan"))
                                    .toObject()
                                    .value(QStringLiteral("deletions"))
                                    .toArray())
        deletions.append(id.toString());
    ASSERT_EQ(deletions.size(), 1);
    // A person reads how to apply it.
    const CliRun shown = runRagdr(with({QStringLiteral("retention")}));
    EXPECT_TRUE(shown.err.contains(
        QStringLiteral("retention --apply --confirm drill --delete %1").arg(deletions.first())))
        << qPrintable(shown.err);

    const QStringList apply{QStringLiteral("retention"),
                            QStringLiteral("--apply"),
                            QStringLiteral("--confirm"),
                            QStringLiteral("drill")};
    const CliRun unnamed = runRagdr(with(apply));
    EXPECT_EQ(unnamed.exitCode, 3) << "applied without naming what it deletes";
    EXPECT_TRUE(
        unnamed.err.contains(QStringLiteral("it would now also delete %1").arg(deletions.first())))
        << qPrintable(unnamed.err);
    const CliRun applied = runRagdr(
        with(apply + QStringList{QStringLiteral("--delete"), deletions.first()}));
    EXPECT_EQ(applied.exitCode, 0) << qPrintable(applied.err);
    EXPECT_TRUE(applied.out.contains(
        QStringLiteral("retention deleted 1 backups in drill: %1").arg(deletions.first())))
        << qPrintable(applied.out);
}
