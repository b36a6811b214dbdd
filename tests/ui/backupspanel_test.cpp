// The console's Backups panel, driven as a person would: find the widgets, click them.
#include "backuphelpers.h"
#include "lagprobe.h"
#include "testdatabase.h"
#include "testsandbox.h"
#include "wait.h"

#include "ui/backups/backupspanel.h"
#include "ui/backups/backuptablemodel.h"
#include "ui/mainwindow/mainwindow.h"

#include "core/backup/backupnaming.h"
#include "core/ops/winddown.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>

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
            m_table->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    }

    QString primaryDir() const { return m_dir->path() + QStringLiteral("/primary"); }

    // A session holding a table, so that a backup waits in pg_dump until it commits.
    std::unique_ptr<core::PgSession> holdTable(const QString &table)
    {
        auto session = m_db.connect();
        EXPECT_TRUE(session && session->begin(core::PgSession::Isolation::ReadCommitted, false));
        EXPECT_TRUE(
            session->execute(QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(table))
                .has_value());
        return session;
    }

    // Back up now, from the button, and wait until pg_dump runs (and waits for the held table).
    void startBlockedBackup()
    {
        QTest::mouseClick(m_window.findChild<QPushButton *>(QStringLiteral("backupNowButton")),
                          Qt::LeftButton);
        ASSERT_NE(waitForChild(QStringLiteral("pg_dump"), "--snapshot", 30000), 0)
            << "the backup never started pg_dump";
    }

    QWidget *winddownDialog() const
    {
        QWidget *dialog = nullptr;
        (void) waitUntil(
            [&] {
                dialog = m_window.findChild<QWidget *>(QStringLiteral("winddownDialog"));
                return dialog && dialog->isVisible();
            },
            std::chrono::seconds(5));
        return dialog && dialog->isVisible() ? dialog : nullptr;
    }

    static void click(QWidget *dialog, const char *button)
    {
        auto *b = dialog->findChild<QPushButton *>(QString::fromLatin1(button));
        ASSERT_NE(b, nullptr) << button;
        ASSERT_TRUE(b->isVisible()) << button;
        QTest::mouseClick(b, Qt::LeftButton);
    }

    static bool shows(QWidget *dialog, const char *button)
    {
        auto *b = dialog->findChild<QPushButton *>(QString::fromLatin1(button));
        return b && b->isVisible();
    }

    // The text of the dialog's operation lines, or, once everything has ended, its summary.
    static QString dialogText(QWidget *dialog)
    {
        QStringList texts;
        for (const QLabel *l : dialog->findChildren<QLabel *>()) {
            if (l->isVisible())
                texts.append(l->text());
        }
        return texts.join(QLatin1Char('\n'));
    }

    QString backupTitle() const { return QStringLiteral("Back up %1 (drill)").arg(m_db.name()); }

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

namespace {

// The journal entries of one type for operations of one kind.
QList<QJsonObject> journalEntries(const QString &path, const QString &type, const QString &kind)
{
    QList<QJsonObject> out;
    const auto entries = core::Journal::readAll(path);
    EXPECT_TRUE(entries.has_value());
    for (const QJsonObject &e : entries.value_or(QList<QJsonObject>())) {
        if (e.value(QStringLiteral("type")).toString() == type
            && e.value(QStringLiteral("kind")).toString() == kind)
            out.append(e);
    }
    return out;
}

// What the one winddown recorded when it ended: which operations finished, were cancelled, failed.
QJsonObject winddownEvidence(const QString &journal)
{
    const auto ended = journalEntries(journal,
                                      QStringLiteral("operation.finished"),
                                      core::Winddown::kind());
    EXPECT_EQ(ended.size(), 1);
    return ended.value(0).value(QStringLiteral("evidence")).toObject();
}

QStringList titles(const QJsonArray &items)
{
    QStringList out;
    for (const QJsonValue &v : items)
        out.append(v.toObject().value(QStringLiteral("title")).toString());
    return out;
}

QStringList dumpsIn(const QString &dir)
{
    // Partial files too (hidden); not the latest link.
    return QDir(dir).entryList({QStringLiteral("*.dump")},
                               QDir::Files | QDir::Hidden | QDir::NoSymLinks);
}

} // namespace

TEST_F(ConsoleTest, ClosingWithABackupRunningAsksNamingItAndCancelsItWhileTheGuiStaysLive)
{
    auto blocker = holdTable(QStringLiteral("chunks"));
    ASSERT_NO_FATAL_FAILURE(startBlockedBackup());
    const QString journal = m_window.workspace()->journal().path();

    LagProbe probe;
    probe.start();
    EXPECT_FALSE(m_window.close()) << "the window closed with a backup running, without asking";
    QWidget *dialog = winddownDialog();
    ASSERT_NE(dialog, nullptr) << "closing with a backup running did not ask";
    EXPECT_TRUE(m_window.isVisible());
    EXPECT_TRUE(dialogText(dialog).contains(backupTitle())) << qPrintable(dialogText(dialog));

    ASSERT_NO_FATAL_FAILURE(click(dialog, "winddownCancelAll"));
    // pg_dump is killed, the partial file removed; the window waits for that, painting.
    ASSERT_TRUE(waitUntil([&] { return shows(dialog, "winddownProceed"); }, std::chrono::seconds(60)))
        << qPrintable(dialogText(dialog));
    EXPECT_TRUE(dialogText(dialog).contains(backupTitle() + QStringLiteral(": cancelled")))
        << qPrintable(dialogText(dialog));
    EXPECT_TRUE(m_window.isVisible()) << "the window went before saying how the backup ended";

    ASSERT_NO_FATAL_FAILURE(click(dialog, "winddownProceed"));
    ASSERT_TRUE(waitUntil([&] { return !m_window.isVisible(); }, std::chrono::seconds(10)));
    probe.stop();
    EXPECT_EQ(m_window.workspace(), nullptr);
    // From the close to the window gone, panels and watches included.
    EXPECT_GE(probe.ticks(), 5);
    EXPECT_LT(probe.worstLagMs(), 100) << "the GUI thread stalled while the console wound down";
    EXPECT_TRUE(dumpsIn(primaryDir()).isEmpty())
        << qPrintable(dumpsIn(primaryDir()).join(QLatin1Char(' ')));

    // The journal has the decision and how the backup ended.
    const auto started = journalEntries(journal,
                                        QStringLiteral("operation.started"),
                                        core::Winddown::kind());
    ASSERT_EQ(started.size(), 1);
    const QJsonObject params = started.first().value(QStringLiteral("params")).toObject();
    EXPECT_EQ(params.value(QStringLiteral("decision")).toString(), QStringLiteral("cancel"));
    EXPECT_EQ(titles(params.value(QStringLiteral("operations")).toArray()),
              QStringList{backupTitle()});
    EXPECT_EQ(titles(winddownEvidence(journal).value(QStringLiteral("cancelled")).toArray()),
              QStringList{backupTitle()});
    const auto backup = journalEntries(journal,
                                       QStringLiteral("operation.finished"),
                                       QStringLiteral("backup"));
    ASSERT_EQ(backup.size(), 1);
    EXPECT_EQ(backup.first().value(QStringLiteral("status")).toString(),
              QStringLiteral("cancelled"));
}

TEST_F(ConsoleTest, OpeningAnotherProfileLetsTheRunningBackupFinishFirst)
{
    auto blocker = holdTable(QStringLiteral("chunks"));
    ASSERT_NO_FATAL_FAILURE(startBlockedBackup());
    const QString journal = m_window.workspace()->journal().path();
    auto otherDir = makeTempDir();
    const QString other = TestSandbox::shared().writeIsolatedProfile(otherDir->path(), m_db.name());

    EXPECT_FALSE(m_window.openProfile(other)) << "another profile opened over a running backup";
    QWidget *dialog = winddownDialog();
    ASSERT_NE(dialog, nullptr);
    EXPECT_TRUE(dialogText(dialog).contains(QStringLiteral("open profile.yaml")))
        << qPrintable(dialogText(dialog));
    ASSERT_NO_FATAL_FAILURE(click(dialog, "winddownLetFinish"));
    EXPECT_TRUE(shows(dialog, "winddownCancelRest"));
    EXPECT_TRUE(shows(dialog, "winddownKeepOpen"));
    EXPECT_EQ(m_window.workspace()->profile().path, m_profile);

    ASSERT_TRUE(blocker->commit().has_value()); // pg_dump goes on
    ASSERT_TRUE(waitUntil([&] { return shows(dialog, "winddownProceed"); }, std::chrono::seconds(120)))
        << qPrintable(dialogText(dialog));
    EXPECT_TRUE(dialogText(dialog).contains(backupTitle() + QStringLiteral(": finished")))
        << qPrintable(dialogText(dialog));
    ASSERT_NO_FATAL_FAILURE(click(dialog, "winddownProceed"));
    ASSERT_NE(m_window.workspace(), nullptr);
    EXPECT_EQ(m_window.workspace()->profile().path, other);
    EXPECT_EQ(dumpsIn(primaryDir()).size(), 1) << "the finished backup is not in its repository";

    const QJsonObject evidence = winddownEvidence(journal);
    EXPECT_EQ(evidence.value(QStringLiteral("decision")).toString(), QStringLiteral("finish"));
    EXPECT_EQ(titles(evidence.value(QStringLiteral("finished")).toArray()),
              QStringList{backupTitle()});
}

TEST_F(ConsoleTest, ReloadingWhileABackupRunsAsksAndKeepWorkingLeavesItRunning)
{
    auto blocker = holdTable(QStringLiteral("chunks"));
    ASSERT_NO_FATAL_FAILURE(startBlockedBackup());
    core::Workspace *before = m_window.workspace();
    auto *reload = m_window.findChild<QAction *>(QStringLiteral("reloadProfileAction"));
    ASSERT_NE(reload, nullptr);
    reload->trigger();
    QWidget *dialog = winddownDialog();
    ASSERT_NE(dialog, nullptr) << "reloading with a backup running did not ask";
    ASSERT_NO_FATAL_FAILURE(click(dialog, "winddownKeep"));
    ASSERT_TRUE(
        waitUntil([&] { return !m_window.findChild<QWidget *>(QStringLiteral("winddownDialog")); },
                  std::chrono::seconds(5)));
    EXPECT_EQ(m_window.workspace(), before);
    QList<core::Operation *> backups = before->runner().active();
    backups.removeIf(
        [](const core::Operation *op) { return op->spec().kind != QLatin1String("backup"); });
    ASSERT_EQ(backups.size(), 1);
    EXPECT_FALSE(backups.first()->isCancelRequested());
    EXPECT_TRUE(before->runner().isAccepting());

    ASSERT_TRUE(blocker->commit().has_value());
    ASSERT_TRUE(waitUntil([&] { return before->runner().isIdle(); }, std::chrono::seconds(120)));
    // Nothing runs: the reload happens at once.
    reload->trigger();
    EXPECT_NE(m_window.workspace(), before);
    EXPECT_EQ(m_window.findChild<QWidget *>(QStringLiteral("winddownDialog")), nullptr);
}

// The model is relisted every minute. The deep verification's question used to hold a pointer
// into it: after a relist it verified whichever backup had moved into that slot, or read freed
// memory. Each test removes the asked-about backup while the question is open.
class DeepVerifyTest : public ConsoleTest, public ::testing::WithParamInterface<int>
{};

TEST_P(DeepVerifyTest, VerifiesTheBackupItAskedAboutAfterARelistRemovedIt)
{
    // Three dumps ragdr did not make, newest first in the model: rows 0, 1 and 2.
    ASSERT_TRUE(QDir().mkpath(primaryDir()));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList ids;
    for (int day = 3; day >= 1; --day) {
        const QString id = QStringLiteral("rag_backup_2024-03-0%1").arg(day);
        QFile f(primaryDir() + QLatin1Char('/') + id + QStringLiteral(".dump"));
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("PGDMP not really a dump");
        ASSERT_TRUE(f.setFileTime(now.addDays(day - 4), QFileDevice::FileModificationTime));
        ids.append(id);
    }
    ui::BackupsPanel *panel = m_window.backupsPanel();
    panel->refresh();
    ASSERT_TRUE(
        waitUntil([&] { return m_table->model()->rowCount() == 3; }, std::chrono::seconds(30)));
    const QString asked = ids.at(GetParam());
    int row = -1;
    for (int r = 0; r < 3; ++r) {
        if (cell(m_table, r, ui::BackupTableModel::Id).startsWith(asked))
            row = r;
    }
    ASSERT_GE(row, 0);
    m_table->selectRow(row);

    QStringList verified;
    QObject::connect(&m_window.workspace()->runner(),
                     &core::OperationRunner::started,
                     &m_window,
                     [&](core::Operation *op) {
                         if (op->spec().kind == QLatin1String("verify"))
                             verified.append(
                                 op->spec().params.value(QStringLiteral("backup")).toString());
                     });
    // Answered from a timer: the old code asked in a nested event loop inside trigger().
    QString question;
    bool answered = false;
    QTimer::singleShot(0, &m_window, [&] {
        QMessageBox *box = nullptr;
        ASSERT_TRUE(waitUntil(
            [&] {
                for (QMessageBox *b : m_window.findChildren<QMessageBox *>())
                    box = b->isVisible() ? b : box;
                return box != nullptr;
            },
            std::chrono::seconds(5)));
        question = box->text();
        ASSERT_TRUE(
            QFile::remove(primaryDir() + QLatin1Char('/') + asked + QStringLiteral(".dump")));
        panel->refresh();
        ASSERT_TRUE(
            waitUntil([&] { return m_table->model()->rowCount() == 2; }, std::chrono::seconds(30)));
        QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
        answered = true;
    });
    m_window.findChild<QAction *>(QStringLiteral("verify-deep"))->trigger();
    ASSERT_TRUE(waitUntil([&] { return answered; }, std::chrono::seconds(60)));
    EXPECT_TRUE(question.contains(asked)) << qPrintable(question);
    ASSERT_TRUE(waitUntil([&] { return !verified.isEmpty(); }, std::chrono::seconds(5)));
    EXPECT_EQ(verified, QStringList{asked}) << "verified another backup than the one asked about";
    ASSERT_TRUE(waitUntil([&] { return m_window.workspace()->runner().isIdle(); },
                          std::chrono::seconds(60)));
}

// 1: a row below moves into the asked-about one's slot; 2: the last row, its memory freed.
INSTANTIATE_TEST_SUITE_P(RowPosition, DeepVerifyTest, ::testing::Values(1, 2));

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
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
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

// Cold start: the window is painted, saying what it opens, before the profile is read; the
// profile, the catalog and the watches follow the first paint.
TEST(ConsoleColdStart, TheWindowPaintsBeforeTheProfileIsRead)
{
    TestDatabase db(100);
    const auto dir = makeTempDir();
    const QString profile = TestSandbox::shared().writeIsolatedProfile(dir->path(), db.name());
    ui::MainWindow window;
    window.openProfileAfterFirstPaint(profile);
    EXPECT_EQ(window.workspace(), nullptr) << "the profile was read before the window was shown";
    ASSERT_NE(window.centralWidget(), nullptr);
    EXPECT_EQ(window.centralWidget()->objectName(), QStringLiteral("openingPage"));
    window.show();
    ASSERT_TRUE(waitUntil([&] { return window.workspace() != nullptr; }, std::chrono::seconds(20)))
        << "the profile was not opened after the first paint";
    EXPECT_EQ(window.workspace()->profile().path, profile);
    EXPECT_NE(window.findChild<QWidget *>(QStringLiteral("backupsPanel")), nullptr);
    window.close();
}
