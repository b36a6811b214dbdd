// The console's Backups panel, driven as a person would: find the widgets, click them.
#include "lagprobe.h"
#include "testdatabase.h"
#include "testsandbox.h"
#include "wait.h"

#include "ui/backups/backuptablemodel.h"
#include "ui/mainwindow/mainwindow.h"

#include "core/backup/backupnaming.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;

namespace {

QString cell(QTableView *table, int row, int column)
{
    return table->model()->index(row, column).data().toString();
}

class ConsoleTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_dir = makeTempDir();
        m_profile = TestSandbox::shared().writeIsolatedProfile(m_dir->path(), m_db.name());
        ASSERT_TRUE(m_window.openProfile(m_profile));
        m_window.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&m_window));
        // The drill has two regions; these tests back up and look at the first.
        auto *regions = m_window.findChild<QComboBox *>(QStringLiteral("regionSelector"));
        ASSERT_NE(regions, nullptr);
        regions->setCurrentIndex(regions->findData(QStringLiteral("drill")));
        m_table = m_window.findChild<QTableView *>(QStringLiteral("backupTable"));
        ASSERT_NE(m_table, nullptr);
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_table->model(), QAbstractItemModelTester::FailureReportingMode::Warning);
    }

    TestDatabase m_db{600};
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_profile;
    ui::MainWindow m_window;
    QTableView *m_table = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

} // namespace

TEST_F(ConsoleTest, BackUpNowShowsProgressThenTheNewRowAndNeverStallsTheGui)
{
    auto *button = m_window.findChild<QPushButton *>(QStringLiteral("backupNowButton"));
    ASSERT_NE(button, nullptr);
    EXPECT_EQ(m_table->model()->rowCount(), 0);

    double seenProgress = -1;
    QObject::connect(m_table->model(),
                     &QAbstractItemModel::dataChanged,
                     [&](const QModelIndex &tl, const QModelIndex &br) {
                         for (int row = tl.row(); row <= br.row(); ++row) {
                             const QVariant p = m_table->model()
                                                    ->index(row, ui::BackupTableModel::Verification)
                                                    .data(ui::BackupTableModel::ProgressRole);
                             if (p.isValid())
                                 seenProgress = std::max(seenProgress, p.toDouble());
                         }
                     });

    LagProbe probe;
    probe.start();
    QTest::mouseClick(button, Qt::LeftButton);
    EXPECT_FALSE(button->isEnabled()) << "a second backup could be started while one runs";
    ASSERT_EQ(m_table->model()->rowCount(), 1);
    EXPECT_TRUE(m_table->model()->index(0, 0).data(ui::BackupTableModel::RunningRole).toBool());

    const QString id = core::BackupNaming::idOf(
        core::BackupNaming(QStringLiteral("rag_backup_%F.dump"))
            .fileNameFor(QDateTime::currentDateTimeUtc()));
    ASSERT_TRUE(waitUntil(
        [&] {
            return m_table->model()->rowCount() == 1
                   && !m_table->model()->index(0, 0).data(ui::BackupTableModel::RunningRole).toBool()
                   && cell(m_table, 0, ui::BackupTableModel::Verification)
                          == QStringLiteral("full: passed");
        },
        std::chrono::seconds(120)))
        << qPrintable(cell(m_table, 0, ui::BackupTableModel::Verification));
    probe.stop();

    EXPECT_TRUE(cell(m_table, 0, ui::BackupTableModel::Id).startsWith(id))
        << qPrintable(cell(m_table, 0, 0));
    EXPECT_TRUE(cell(m_table, 0, ui::BackupTableModel::Id).contains(QStringLiteral("latest")));
    EXPECT_EQ(cell(m_table, 0, ui::BackupTableModel::Copies), QStringLiteral("2/2 ok"));
    EXPECT_GT(seenProgress, 0.0) << "the running row never showed progress";
    EXPECT_TRUE(button->isEnabled());
    auto *rpo = m_window.findChild<QLabel *>(QStringLiteral("rpoLabel"));
    EXPECT_FALSE(rpo->property("breached").toBool()) << qPrintable(rpo->text());
    EXPECT_GT(probe.ticks(), 20);
    EXPECT_LT(probe.worstLagMs(), 100) << "the GUI thread stalled while the backup ran";
}

TEST_F(ConsoleTest, VerifyFromTheMenuUpdatesTheRowInPlace)
{
    QTest::mouseClick(m_window.findChild<QPushButton *>(QStringLiteral("backupNowButton")),
                      Qt::LeftButton);
    ASSERT_TRUE(waitUntil(
        [&] {
            return cell(m_table, 0, ui::BackupTableModel::Verification)
                   == QStringLiteral("full: passed");
        },
        std::chrono::seconds(120)));
    QSignalSpy inserted(m_table->model(), &QAbstractItemModel::rowsInserted);
    m_table->selectRow(0);
    auto *quick = m_window.findChild<QAction *>(QStringLiteral("verify-quick"));
    ASSERT_NE(quick, nullptr);
    quick->trigger();
    ASSERT_TRUE(waitUntil(
        [&] {
            return cell(m_table, 0, ui::BackupTableModel::Verification)
                   == QStringLiteral("quick: passed");
        },
        std::chrono::seconds(60)))
        << qPrintable(cell(m_table, 0, ui::BackupTableModel::Verification));
    EXPECT_EQ(inserted.count(), 0) << "the row was replaced instead of updated";
    EXPECT_TRUE(
        m_window.findChild<QPushButton *>(QStringLiteral("showManifestButton"))->isEnabled());
}

TEST(Console, ABadProfileShowsItsErrorInsteadOfThePanels)
{
    auto dir = makeTempDir();
    const QString path = dir->filePath(QStringLiteral("bad.yaml"));
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("ragdr_profile: 1\nservice: rag\nregions:\n  - name: eu\n    kube: {context: c, "
            "namespace: n}\n"
            "    database: {host: h, name: rag, user: u, port: high}\n    repositories: [{name: p, "
            "path: /b}]\n");
    f.close();
    ui::MainWindow window;
    EXPECT_FALSE(window.openProfile(path));
    auto *page = window.findChild<QWidget *>(QStringLiteral("profileErrorPage"));
    ASSERT_NE(page, nullptr);
    const QString text = page->findChild<QLabel *>(QStringLiteral("messageText"))->text();
    EXPECT_TRUE(text.contains(path + QStringLiteral(":6:"))) << qPrintable(text);
    EXPECT_TRUE(text.contains(QStringLiteral("expected a whole number from 1 to 65535")))
        << qPrintable(text);
    EXPECT_EQ(window.findChild<QTableView *>(QStringLiteral("backupTable")), nullptr);
}

TEST(BackupTableModel, UpdatesInPlaceUnderTheModelTester)
{
    ui::BackupTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
    auto entry = [](const QString &id, const QString &result) {
        core::BackupEntry e;
        e.id = id;
        e.region = QStringLiteral("eu");
        e.createdAt = QDateTime::currentDateTimeUtc();
        core::BackupManifest m;
        core::VerificationRecord v;
        v.result = core::resultFromName(result);
        m.verifications.append(v);
        e.manifest = m;
        return e;
    };
    core::RegionListing listing;
    listing.entries = {entry(QStringLiteral("a"), QStringLiteral("passed")),
                       entry(QStringLiteral("b"), QStringLiteral("passed"))};
    model.setListings({listing});
    EXPECT_EQ(model.rowCount(), 2);
    model.setRunning(QStringLiteral("eu"), 0.5, QStringLiteral("dumping"));
    EXPECT_EQ(model.rowCount(), 3);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    listing.entries = {entry(QStringLiteral("b"), QStringLiteral("corrupt")),
                       entry(QStringLiteral("c"), QStringLiteral("passed"))};
    model.setListings({listing});
    EXPECT_EQ(removed.count(), 1);
    EXPECT_EQ(model.rowCount(), 3);
    const int b = model.rowOf(QStringLiteral("eu"), QStringLiteral("b"));
    ASSERT_GE(b, 0);
    EXPECT_TRUE(model.index(b, ui::BackupTableModel::Verification)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("CORRUPT")));
    model.clearRunning();
    EXPECT_EQ(model.rowCount(), 2);
}
