// The retention dialog deletes exactly the backups it shows: a plan that changed while it was open
// deletes nothing and is shown again, to be confirmed again.
#include "backuphelpers.h"
#include "testdatabase.h"
#include "testsandbox.h"
#include "wait.h"

#include "ui/backups/retentiondialog.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;
using namespace std::chrono_literals;

TEST(RetentionDialog, DeletesWhatItShowedAndNothingWhenThePlanChanged)
{
    auto dir = makeTempDir();
    TestDatabase db(100);
    core::Profile profile = db.use(TestSandbox::shared().isolatedProfile(dir->path()));
    profile.backup.retention.keepLast = 1;
    profile.backup.retention.maxAgeSecs.reset();
    auto ws = core::Workspace::forProfile(profile);
    ASSERT_TRUE(runBackup(*ws).ok());
    ASSERT_TRUE(runBackup(*ws).ok());
    const QString region = profile.regions.first().name;

    ui::RetentionDialog dialog(ws.get(), region);
    dialog.show();
    auto *plan = dialog.findChild<QTableWidget *>(QStringLiteral("retentionPlan"));
    auto *summary = dialog.findChild<QLabel *>(QStringLiteral("retentionSummary"));
    auto *confirm = dialog.findChild<QLineEdit *>(QStringLiteral("retentionConfirm"));
    auto *remove = dialog.findChild<QPushButton *>(QStringLiteral("retentionDelete"));
    ASSERT_TRUE(plan && summary && confirm && remove);
    ASSERT_TRUE(waitUntil([&] { return plan->rowCount() == 2 && confirm->isEnabled(); }, 60s));

    // A backup lands while the commander reads: the plan on screen is no longer the plan.
    ASSERT_TRUE(runBackup(*ws).ok());
    QTest::keyClicks(confirm, region);
    ASSERT_TRUE(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);
    ASSERT_TRUE(waitUntil([&] { return plan->rowCount() == 3; }, 60s))
        << qPrintable(summary->text());
    EXPECT_TRUE(summary->text().contains(QStringLiteral("Nothing was deleted")))
        << qPrintable(summary->text());
    EXPECT_EQ(listRegion(profile).entries.size(), 3);
    EXPECT_TRUE(confirm->text().isEmpty()) << "the new plan needs the region typed again";
    EXPECT_FALSE(remove->isEnabled());

    // Confirmed again, the plan on screen is what is deleted.
    QTest::keyClicks(confirm, region);
    QTest::mouseClick(remove, Qt::LeftButton);
    ASSERT_TRUE(waitUntil([&] { return dialog.result() == QDialog::Accepted; }, 60s))
        << qPrintable(summary->text());
    EXPECT_EQ(listRegion(profile).entries.size(), 1);
}
