// The restore walkthrough driven as a person would, against the drill: the wizard to the end, and
// a console closed mid-restore whose restore goes on and a new console attaches to.
#include "restorescenario.h"
#include "screenshot.h"
#include "wait.h"

#include "ui/backups/backupspanel.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/restore/restorepanel.h"
#include "ui/restore/restorewizard.h"
#include "ui/timeline/incidentfeed.h"

#include "core/restore/restorestore.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;
using namespace std::chrono_literals;

namespace {

template<typename T>
T *child(QObject *parent, const char *name)
{
    T *found = parent->findChild<T *>(QString::fromLatin1(name));
    EXPECT_NE(found, nullptr) << name;
    return found;
}

class RestoreWizardTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_s.setUp());
        m_backedUp = m_s.snapshot();
        ASSERT_TRUE(m_s.execute(
            QStringLiteral("INSERT INTO documents (id, title, source, topic, created_at) "
                           "VALUES (999999, 'after the backup', 'test', 1, now())")));
    }

    std::unique_ptr<ui::MainWindow> openConsole()
    {
        auto w = std::make_unique<ui::MainWindow>();
        EXPECT_TRUE(w->openProfile(m_s.profilePath()));
        w->show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(w.get()));
        return w;
    }

    // Fills in the confirmation and starts the restore.
    static void confirmAndStart(ui::RestoreWizard *wizard, const QString &database, bool stepByStep)
    {
        auto *backups = child<QComboBox>(wizard, "backupCombo");
        ASSERT_TRUE(waitUntil([&] { return backups->count() > 0; }, 30s));
        EXPECT_TRUE(child<QTextBrowser>(wizard, "planView")
                        ->toPlainText()
                        .contains(QStringLiteral("Runbook:")));
        EXPECT_TRUE(child<QLabel>(wizard, "rpoLabel")->text().contains(QStringLiteral("RPO")));
        auto *start = child<QPushButton>(wizard, "startButton");
        EXPECT_FALSE(start->isEnabled()) << "not before the name is typed";
        QTest::keyClicks(child<QLineEdit>(wizard, "confirmName"), database);
        child<QRadioButton>(wizard, stepByStep ? "stepByStep" : "letItRun")->setChecked(true);
        ASSERT_TRUE(start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
    }

    std::optional<core::RestoreState> current() const
    {
        const auto states = m_s.states();
        return states.isEmpty() ? std::nullopt
                                : std::optional<core::RestoreState>(states.constFirst());
    }

    RestoreScenario m_s;
    DatabaseSnapshot m_backedUp;
};

} // namespace

TEST_F(RestoreWizardTest, TheWalkthroughGoesStepByStepToTheEnd)
{
    auto window = openConsole();
    QTest::mouseClick(child<QPushButton>(window->backupsPanel(), "restoreButton"), Qt::LeftButton);
    ui::RestoreWizard *wizard = window->restorePanel()->wizard();
    ASSERT_NE(wizard, nullptr);
    ASSERT_NO_FATAL_FAILURE(confirmAndStart(wizard, m_s.name(), true));
    auto *steps = child<QTableView>(wizard, "stepTable");
    QAbstractItemModelTester tester(steps->model(),
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    auto *next = child<QPushButton>(wizard, "nextStepButton");
    auto *help = child<QLabel>(wizard, "stepHelp");
    QStringList started;
    for (;;) {
        // The wizard shows the step the restore waits for (it reads the state 4 times a second).
        ASSERT_TRUE(waitUntil(
            [&] {
                const auto st = current();
                if (st && st->isFinished())
                    return true;
                const core::StepRecord *waitingFor = st
                                                             && st->waiting.startsWith(
                                                                 QLatin1String("continue:"))
                                                         ? st->stepById(st->waiting.mid(9))
                                                         : nullptr;
                return waitingFor && next->isEnabled() && next->text().contains(waitingFor->title);
            },
            120s))
            << "the walkthrough stalled";
        const auto st = current();
        if (st->isFinished())
            break;
        // Before each step: what it does, why, and what the runbook says.
        EXPECT_TRUE(help->text().contains(QStringLiteral("The runbook:")))
            << qPrintable(help->text());
        const QString waiting = st->waiting;
        started.append(waiting.mid(9));
        QTest::mouseClick(next, Qt::LeftButton);
        ASSERT_TRUE(waitUntil([&] { return current()->waiting != waiting; }, 30s));
        if (started.constLast() == QLatin1String("staging")) {
            // Give the wizard a look at the running step (its state file is read 4 times a second).
            (void) waitUntil(
                [&] {
                    return child<QLabel>(wizard, "detailLabel")
                        ->text()
                        .contains(QStringLiteral("items"));
                },
                5s);
            screenshot(wizard, QStringLiteral("restore-walkthrough.png"));
        }
    }
    EXPECT_EQ(started,
              (QStringList{QStringLiteral("staging"),
                           QStringLiteral("verify"),
                           QStringLiteral("cutover"),
                           QStringLiteral("bringback"),
                           QStringLiteral("postchecks")}));
    const auto st = current();
    EXPECT_EQ(st->phase, core::RestoreState::Phase::Done) << qPrintable(st->message);
    auto *result = child<QLabel>(wizard, "resultLabel");
    EXPECT_TRUE(waitUntil([&] { return result->text().contains(QStringLiteral("RTO")); }, 10s))
        << qPrintable(result->text());
    for (int row = 0; row < steps->model()->rowCount(); ++row)
        EXPECT_EQ(steps->model()->index(row, 1).data().toString(), QStringLiteral("done"));
    EXPECT_TRUE(child<QPushButton>(wizard, "rollbackButton")->isEnabled());
    screenshot(wizard, QStringLiteral("restore-walkthrough-done.png"));
    EXPECT_EQ(m_s.snapshot(), m_backedUp);
    EXPECT_TRUE(m_s.appsAt(RestoreScenario::kRecovery));
}

TEST_F(RestoreWizardTest, WithAnIncidentOpenTheDisruptionStartIsTheIncidents)
{
    const CliRun opened = m_s.ragdr({QStringLiteral("incident"),
                                     QStringLiteral("open"),
                                     QStringLiteral("--title"),
                                     QStringLiteral("rag database lost"),
                                     QStringLiteral("--severity"),
                                     QStringLiteral("SEV1"),
                                     QStringLiteral("--started"),
                                     QStringLiteral("2h")});
    ASSERT_EQ(opened.exitCode, 0) << qPrintable(opened.err);
    auto window = openConsole();
    ASSERT_TRUE(waitUntil(
        [&] {
            const auto view = window->incidentFeed()->view();
            return view && view->incident && view->incident->isOpen();
        },
        30s));
    const QDateTime started = window->incidentFeed()->view()->incident->disruptionStart;
    ui::RestoreWizard *wizard = window->restorePanel()->openWizard(m_s.region(),
                                                                   QStringLiteral("latest"));
    EXPECT_TRUE(child<QCheckBox>(wizard, "disruptionKnown")->isChecked());
    EXPECT_TRUE(
        child<QCheckBox>(wizard, "disruptionKnown")->text().contains(QStringLiteral("incident")));
    // Minutes are what the field shows: the incident's start, two hours ago, not "now".
    const QDateTime shown = child<QDateTimeEdit>(wizard, "disruptedAt")->dateTime();
    EXPECT_LE(std::abs(shown.secsTo(started)), 60) << qPrintable(shown.toString(Qt::ISODate));
    EXPECT_GE(shown.secsTo(QDateTime::currentDateTimeUtc()), 2 * 3600 - 120);
}

TEST_F(RestoreWizardTest, AConsoleClosedMidRestoreLeavesItRunningAndTheNextOneAttaches)
{
    auto first = openConsole();
    ui::RestoreWizard *wizard = first->restorePanel()->openWizard(m_s.region(),
                                                                  QStringLiteral("latest"));
    ASSERT_NO_FATAL_FAILURE(confirmAndStart(wizard, m_s.name(), true));
    ASSERT_TRUE(waitUntil(
        [&] {
            const auto st = current();
            return st && st->waiting == QLatin1String("continue:staging");
        },
        60s));
    const core::RestoreState started = *current();
    first.reset(); // the console goes, and the walkthrough with it

    const core::RestoreStore store(m_s.dataDir());
    ASSERT_TRUE(store.isProcessAlive(started)) << "the restore outlives the console";

    auto second = openConsole();
    auto *stack = second->findChild<QStackedWidget *>(QStringLiteral("panelStack"));
    ASSERT_NE(stack, nullptr);
    EXPECT_EQ(stack->currentWidget(), second->restorePanel()) << "a running restore is shown first";
    auto *label = child<QLabel>(second->restorePanel(), "currentRestoreLabel");
    EXPECT_TRUE(
        waitUntil([&] { return label->text().contains(QStringLiteral("pid %1").arg(started.pid)); },
                  10s))
        << qPrintable(label->text());
    QTest::mouseClick(child<QPushButton>(second->restorePanel(), "openWalkthroughButton"),
                      Qt::LeftButton);
    ui::RestoreWizard *attached = second->restorePanel()->wizard();
    ASSERT_NE(attached, nullptr);
    EXPECT_EQ(attached->restoreId(), started.id);
    auto *runAll = child<QPushButton>(attached, "letItRunButton");
    ASSERT_TRUE(waitUntil([&] { return runAll->isEnabled(); }, 10s));
    QTest::mouseClick(runAll, Qt::LeftButton);
    ASSERT_TRUE(waitUntil(
        [&] {
            const auto st = m_s.state(started.id);
            return st && st->isFinished();
        },
        120s));
    EXPECT_EQ(m_s.state(started.id)->phase, core::RestoreState::Phase::Done)
        << qPrintable(m_s.state(started.id)->message);
    EXPECT_TRUE(waitUntil([&] { return label->text().contains(QStringLiteral("done")); }, 10s))
        << qPrintable(label->text());
    EXPECT_EQ(m_s.snapshot(), m_backedUp);
    attached->close();
    screenshot(second.get(), QStringLiteral("restore-panel.png"), QSize(1350, 860));
}
