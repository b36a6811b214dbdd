// The Checklist and Timeline panels, driven as a person would, on the drill sandbox (region
// "drill"). The sandbox's simulated RAG API is shared, and faulted by other tests: these hold
// their lock, "drill-b".
#include "lagprobe.h"
#include "screenshot.h"
#include "testdatabase.h"
#include "testsandbox.h"
#include "wait.h"

#include "ui/checklist/checklistmodel.h"
#include "ui/checklist/checklistpanel.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/timeline/metrictile.h"
#include "ui/timeline/timelinefilter.h"
#include "ui/timeline/timelinemodel.h"
#include "ui/timeline/timelinepanel.h"

#include "core/incident/checkliststate.h"
#include "core/ops/workspace.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QTreeView>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;

namespace {

using State = core::ChecklistItemState::State;

class IncidentPanels : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_dir = makeTempDir();
        m_profile = TestSandbox::shared().writeIsolatedProfile(m_dir->path(), m_db.name());
        // Empty repositories, as on the day before the first backup.
        for (const char *repo : {"primary", "mirror", "b-primary", "b-mirror"})
            QDir().mkpath(m_dir->path() + QLatin1Char('/') + QLatin1String(repo));
        ASSERT_TRUE(m_window.openProfile(m_profile));
        m_window.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&m_window));
        auto *regions = m_window.findChild<QComboBox *>(QStringLiteral("regionSelector"));
        regions->setCurrentIndex(regions->findData(QStringLiteral("drill")));
        m_checklist = m_window.checklistPanel();
        m_timeline = m_window.timelinePanel();
        ASSERT_NE(m_checklist, nullptr);
        ASSERT_NE(m_timeline, nullptr);
        m_tree = m_checklist->findChild<QTreeView *>(QStringLiteral("checklistTree"));
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_tree->model(), QAbstractItemModelTester::FailureReportingMode::Warning);
        showPanel(QStringLiteral("Checklist"));
        ASSERT_TRUE(waitUntil([&] { return m_checklist->model()->rowCount() > 0; },
                              std::chrono::seconds(20)));
    }

    void showPanel(const QString &name)
    {
        auto *nav = m_window.findChild<QListWidget *>(QStringLiteral("panelList"));
        nav->setCurrentItem(nav->findItems(name, Qt::MatchExactly).constFirst());
    }

    State stateOf(const QString &id) const
    {
        return State(m_checklist->model()->indexOf(id).data(ui::ChecklistModel::StateRole).toInt());
    }

    void select(const QString &id) { m_tree->setCurrentIndex(m_checklist->model()->indexOf(id)); }

    // Answers the next modal dialog with answer (run once it shows).
    template<typename Answer>
    void whenModal(Answer answer)
    {
        QTimer::singleShot(0, [answer] {
            QTRY_VERIFY_WITH_TIMEOUT(QApplication::activeModalWidget() != nullptr, 10000);
            answer(QApplication::activeModalWidget());
        });
    }

    TestDatabase m_db{300};
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_profile;
    ui::MainWindow m_window;
    ui::ChecklistPanel *m_checklist = nullptr;
    ui::TimelinePanel *m_timeline = nullptr;
    QTreeView *m_tree = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

} // namespace

TEST_F(IncidentPanels, RunAllChecksShowsEachItemsStateAndEvidenceWithoutStallingTheGui)
{
    auto *run = m_checklist->findChild<QPushButton *>(QStringLiteral("runAllButton"));
    auto *progress = m_checklist->findChild<QProgressBar *>(QStringLiteral("requiredProgress"));
    EXPECT_EQ(stateOf(QStringLiteral("api-status")), State::Pending);
    LagProbe probe;
    probe.start();
    QTest::mouseClick(run, Qt::LeftButton);
    EXPECT_FALSE(run->isEnabled());
    EXPECT_EQ(stateOf(QStringLiteral("rag-queries")), State::Running);
    ASSERT_TRUE(waitUntil(
        [&] { return run->isEnabled() && stateOf(QStringLiteral("rag-queries")) != State::Running; },
        std::chrono::seconds(180)));
    probe.stop();
    ASSERT_TRUE(waitUntil([&] { return stateOf(QStringLiteral("rag-queries")) == State::Passed; },
                          std::chrono::seconds(10)));
    EXPECT_EQ(stateOf(QStringLiteral("api-status")), State::Passed);
    EXPECT_EQ(stateOf(QStringLiteral("api-metrics")), State::Passed);
    EXPECT_EQ(stateOf(QStringLiteral("pods-ready")), State::Passed);
    // The isolated repositories hold no backup yet: seen, and said.
    EXPECT_EQ(stateOf(QStringLiteral("backup-verified")), State::Failed);
    EXPECT_TRUE(m_checklist->model()
                    ->indexOf(QStringLiteral("backup-verified"), ui::ChecklistModel::Evidence)
                    .data()
                    .toString()
                    .contains(QStringLiteral("no backup")));
    // Evidence is under the item, a line each.
    const QModelIndex status = m_checklist->model()->indexOf(QStringLiteral("api-status"));
    ASSERT_GT(m_checklist->model()->rowCount(status), 0);
    EXPECT_TRUE(m_checklist->model()
                    ->index(0, 0, status)
                    .data()
                    .toString()
                    .contains(QStringLiteral("HTTP 200")));
    // No restore in this incident: nothing lost to compare, and it says so.
    EXPECT_EQ(stateOf(QStringLiteral("restored-data")), State::Passed);
    // ragdr holds no Gemini key here (no keychain, no session key): never a verdict on Gemini.
    EXPECT_EQ(stateOf(QStringLiteral("llm-check")), State::CouldNotCheck);
    EXPECT_EQ(progress->value(), 5);
    EXPECT_TRUE(progress->text().contains(QStringLiteral("5 of 10")))
        << qPrintable(progress->text());
    EXPECT_GT(probe.ticks(), 20);
    EXPECT_LT(probe.worstLagMs(), 100) << "the GUI thread stalled while the checks ran";
    m_tree->expand(m_checklist->model()->indexOf(QStringLiteral("backup-verified")));
    screenshot(&m_window, QStringLiteral("checklist.png"), QSize(1350, 860));
}

TEST_F(IncidentPanels, AManualStepIsDoneOnlyWithItsConfirmationAndASkipKeepsItsReason)
{
    select(QStringLiteral("notify"));
    auto *done = m_checklist->findChild<QPushButton *>(QStringLiteral("markDoneButton"));
    ASSERT_TRUE(done->isEnabled());
    whenModal([](QWidget *w) {
        auto *box = qobject_cast<QMessageBox *>(w);
        ASSERT_NE(box, nullptr);
        box->button(QMessageBox::Yes)->click();
    });
    QTest::mouseClick(done, Qt::LeftButton);
    ASSERT_TRUE(waitUntil([&] { return stateOf(QStringLiteral("notify")) == State::Passed; },
                          std::chrono::seconds(20)));

    select(QStringLiteral("root-cause"));
    whenModal([](QWidget *w) {
        auto *input = qobject_cast<QInputDialog *>(w);
        ASSERT_NE(input, nullptr);
        input->setTextValue(QStringLiteral("root cause"));
        input->accept();
    });
    QTest::mouseClick(done, Qt::LeftButton);
    auto *problem = m_checklist->findChild<QLabel *>(QStringLiteral("checklistProblem"));
    EXPECT_TRUE(problem->text().contains(QStringLiteral("Not marked done")))
        << qPrintable(problem->text());
    EXPECT_EQ(stateOf(QStringLiteral("root-cause")), State::Pending);
    whenModal([](QWidget *w) {
        auto *input = qobject_cast<QInputDialog *>(w);
        ASSERT_NE(input, nullptr);
        input->setTextValue(QStringLiteral("root-cause"));
        input->accept();
    });
    QTest::mouseClick(done, Qt::LeftButton);
    ASSERT_TRUE(waitUntil([&] { return stateOf(QStringLiteral("root-cause")) == State::Passed; },
                          std::chrono::seconds(20)));

    select(QStringLiteral("llm-check"));
    whenModal([](QWidget *w) {
        auto *input = qobject_cast<QInputDialog *>(w);
        ASSERT_NE(input, nullptr);
        input->setTextValue(QStringLiteral("the drill has no Gemini"));
        input->accept();
    });
    QTest::mouseClick(m_checklist->findChild<QPushButton *>(QStringLiteral("skipButton")),
                      Qt::LeftButton);
    ASSERT_TRUE(waitUntil([&] { return stateOf(QStringLiteral("llm-check")) == State::Skipped; },
                          std::chrono::seconds(20)));
    EXPECT_TRUE(m_checklist->model()
                    ->indexOf(QStringLiteral("llm-check"), ui::ChecklistModel::Evidence)
                    .data()
                    .toString()
                    .contains(QStringLiteral("the drill has no Gemini")));
}

TEST_F(IncidentPanels, TheTimelineOpensAnIncidentTakesNotesExportsAndNoticesATamperedJournal)
{
    showPanel(QStringLiteral("Timeline"));
    auto *open = m_timeline->findChild<QPushButton *>(QStringLiteral("openIncidentButton"));
    ASSERT_TRUE(waitUntil([&] { return open->isEnabled(); }, std::chrono::seconds(20)));
    whenModal([](QWidget *w) {
        ASSERT_EQ(w->objectName(), QStringLiteral("incidentDialog"));
        w->findChild<QLineEdit *>(QStringLiteral("incidentTitle"))
            ->setText(QStringLiteral("Search returns nothing"));
        auto *severity = w->findChild<QComboBox *>(QStringLiteral("incidentSeverity"));
        severity->setCurrentIndex(severity->findData(QStringLiteral("SEV1")));
        w->findChild<QPushButton *>(QStringLiteral("incidentOk"))->click();
    });
    QTest::mouseClick(open, Qt::LeftButton);
    auto *incident = m_timeline->findChild<QLabel *>(QStringLiteral("timelineIncident"));
    ASSERT_TRUE(
        waitUntil([&] { return incident->text().contains(QStringLiteral("Search returns nothing")); },
                  std::chrono::seconds(20)));
    auto *rto = m_timeline->findChild<ui::MetricTile *>(QStringLiteral("rtoTile"));
    EXPECT_EQ(rto->verdict(), ui::MetricTile::Verdict::Pending) << qPrintable(rto->detail());
    EXPECT_FALSE(open->isEnabled()) << "a second incident could be opened";

    auto *note = m_timeline->findChild<QLineEdit *>(QStringLiteral("noteEdit"));
    note->setText(QStringLiteral("rag-api pods restarted by hand"));
    QTest::mouseClick(m_timeline->findChild<QPushButton *>(QStringLiteral("addNoteButton")),
                      Qt::LeftButton);
    auto *table = m_timeline->findChild<QTableView *>(QStringLiteral("timelineTable"));
    ASSERT_TRUE(
        waitUntil([&] { return table->model()->rowCount() == 2; }, std::chrono::seconds(20)));
    auto *kinds = m_timeline->findChild<QComboBox *>(QStringLiteral("kindFilter"));
    kinds->setCurrentIndex(kinds->findData(QStringLiteral("note")));
    ASSERT_EQ(table->model()->rowCount(), 1);
    EXPECT_EQ(table->model()->index(0, ui::TimelineModel::What).data().toString(),
              QStringLiteral("rag-api pods restarted by hand"));
    kinds->setCurrentIndex(0);
    screenshot(&m_window, QStringLiteral("timeline.png"), QSize(1350, 860));

    const QString pdf = m_dir->path() + QStringLiteral("/postmortem.pdf");
    m_timeline->exportReport(core::Report::Kind::Postmortem, QStringLiteral("pdf"), pdf);
    ASSERT_TRUE(waitUntil([&] { return QFile::exists(pdf); }, std::chrono::seconds(60)));
    QFile file(pdf);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(file.read(5), QByteArray("%PDF-"));

    auto *chain = m_timeline->findChild<QLabel *>(QStringLiteral("chainLabel"));
    // The export writes its own entry after the file: the journal is left alone until it is in,
    // as a tamperer racing the console's own appends would break the chain elsewhere.
    ASSERT_TRUE(waitUntil(
        [&] {
            return table->model()->rowCount() == 3 && chain->property("intact").toBool()
                   && chain->text().contains(QStringLiteral("3 entries"));
        },
        std::chrono::seconds(30)))
        << qPrintable(chain->text());
    // Someone edits the journal behind the console's back: it says so, naming the line.
    const QString journal = m_window.workspace()->journal().path();
    QFile j(journal);
    ASSERT_TRUE(j.open(QIODevice::ReadOnly));
    QByteArray content = j.readAll();
    j.close();
    content.replace("rag-api pods restarted by hand", "rag-api pods restarted by a script");
    ASSERT_TRUE(j.open(QIODevice::WriteOnly | QIODevice::Truncate));
    j.write(content);
    j.close();
    // Within seconds: a change made outside the console (a tamperer, the CLI) is noticed by the
    // file watcher, not by the 30 s re-read that only keeps the clocks moving.
    ASSERT_TRUE(waitUntil([&] { return chain->text().contains(QStringLiteral("broken at line 2")); },
                          std::chrono::seconds(10)))
        << qPrintable(chain->text());
}
