// The console's LLM panel against the drill's simulated Gemini, driven as a person would: click
// Check now with the primary overloaded, read the table, the summary, the advice and the chart;
// hold a session key when there is no keychain; the switch asks for the context's name.
#include "llmsandbox.h"
#include "testsandbox.h"

#include "ui/llm/endpointtablemodel.h"
#include "ui/llm/keysdialog.h"
#include "ui/llm/latencychart.h"
#include "ui/llm/llmpanel.h"

#include "core/llm/endpointreport.h"
#include "core/ops/workspace.h"
#include "core/secrets/sessionkeys.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;

namespace {

template<typename T>
T *find(const QString &name)
{
    for (QWidget *w : QApplication::topLevelWidgets()) {
        if (auto *found = w->objectName() == name ? qobject_cast<T *>(w) : w->findChild<T *>(name))
            return found;
    }
    return nullptr;
}

class LlmPanelTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        // No keychain service here, whatever the machine has: keys are held for the session.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ragdr-test-bus");
        m_dir = makeTempDir();
        LlmSandbox::drill().heal(QStringLiteral("all"));
    }

    void open(const Profile &profile)
    {
        m_ws = Workspace::forProfile(profile);
        m_panel = std::make_unique<ui::LlmPanel>(m_ws.get());
        m_panel->resize(1200, 800);
        m_panel->show();
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_panel->model(), QAbstractItemModelTester::FailureReportingMode::Warning);
    }

    void check()
    {
        QSignalSpy checked(m_panel.get(), &ui::LlmPanel::checked);
        QTest::mouseClick(m_panel->findChild<QPushButton *>(QStringLiteral("checkButton")),
                          Qt::LeftButton);
        ASSERT_TRUE(QTest::qWaitFor([&] { return checked.count() > 0; }, 60000));
    }

    QString text(const QString &label) const { return m_panel->findChild<QLabel *>(label)->text(); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    std::unique_ptr<ui::LlmPanel> m_panel;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

TEST_F(LlmPanelTest, PrimaryOverloadedShowsTheFailoverItsClassAndWhatToDo)
{
    LlmFault fault(QStringLiteral("llm-503"));
    ASSERT_TRUE(fault.injected()) << qPrintable(fault.error());
    open(LlmSandbox::profile(m_dir->path()));
    check();

    const ui::EndpointTableModel *model = m_panel->model();
    ASSERT_EQ(model->rowCount(), 2);
    EXPECT_EQ(model->endpoint(0).state, EndpointReport::State::Failed);
    EXPECT_EQ(model->endpoint(0).failure.className(), QStringLiteral("overloaded"));
    EXPECT_TRUE(model->endpoint(1).live);
    EXPECT_EQ(model->live(), QStringLiteral("gemini-backup"));
    EXPECT_TRUE(model->index(1, ui::EndpointTableModel::Name)
                    .data()
                    .toString()
                    .contains(QStringLiteral("live")));
    EXPECT_TRUE(model->index(0, ui::EndpointTableModel::Problem)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("overloaded")));
    EXPECT_TRUE(model->index(0, ui::EndpointTableModel::Key)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("…")))
        << "the key shows masked";
    EXPECT_TRUE(text(QStringLiteral("summaryLabel"))
                    .contains(QStringLiteral("failed over from gemini-primary")))
        << qPrintable(text(QStringLiteral("summaryLabel")));
    EXPECT_TRUE(text(QStringLiteral("adviceLabel")).contains(QStringLiteral("What to do")));
    EXPECT_GE(m_panel->chart()->errorCount(), 1);
    EXPECT_GE(m_panel->chart()->pointCount(), 1);
    // The drill's simulated provider reports its overload on its status feed.
    EXPECT_TRUE(QTest::qWaitFor(
        [&] {
            return text(QStringLiteral("providerLabel"))
                .contains(QStringLiteral("elevated error rates"));
        },
        20000))
        << qPrintable(text(QStringLiteral("providerLabel")));
    // And the service reads the drill's primary from rag-config.
    EXPECT_TRUE(QTest::qWaitFor(
        [&] {
            return text(QStringLiteral("serviceLabel")).contains(QStringLiteral("gemini-primary"));
        },
        20000))
        << qPrintable(text(QStringLiteral("serviceLabel")));
}

TEST_F(LlmPanelTest, WithoutAKeychainAKeyIsHeldForTheSessionOnly)
{
    open(TestSandbox::shared().isolatedProfile(m_dir->path())); // keys in the keychain
    SessionKeys::remove(QStringLiteral("ragdr-drill/gemini"));
    check();
    EXPECT_EQ(m_panel->model()->endpoint(0).failure.className(), QStringLiteral("no-key"));

    QTest::mouseClick(m_panel->findChild<QPushButton *>(QStringLiteral("keysButton")),
                      Qt::LeftButton);
    auto *dialog = find<ui::KeysDialog>(QStringLiteral("keysDialog"));
    ASSERT_NE(dialog, nullptr);
    auto *banner = dialog->findChild<QLabel *>(QStringLiteral("keychainLabel"));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return banner->text().contains(QStringLiteral("No keychain service")); }, 20000))
        << qPrintable(banner->text());
    auto *sessionOnly = dialog->findChild<QCheckBox *>(QStringLiteral("sessionOnlyCheck"));
    EXPECT_TRUE(sessionOnly->isChecked());
    EXPECT_FALSE(sessionOnly->isEnabled());
    dialog->setKeyPrompt([](const QString &) { return LlmSandbox::drillKey(); });
    QSignalSpy rechecked(m_panel.get(), &ui::LlmPanel::checked);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("setKeyButton")),
                      Qt::LeftButton);
    auto *result = dialog->findChild<QLabel *>(QStringLiteral("keyResultLabel"));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return result->text().contains(QStringLiteral("session only")); },
                        30000))
        << qPrintable(result->text());
    ASSERT_TRUE(QTest::qWaitFor([&] { return rechecked.count() > 0; }, 30000));
    EXPECT_EQ(m_panel->model()->endpoint(0).state, EndpointReport::State::Ok)
        << "the session key answers the probes";
    EXPECT_FALSE(result->text().contains(QString::fromUtf8(LlmSandbox::drillKey())));
    dialog->close();
    SessionKeys::remove(QStringLiteral("ragdr-drill/gemini"));
}

TEST_F(LlmPanelTest, SwitchingAsksForTheContextByName)
{
    open(LlmSandbox::profile(m_dir->path()));
    m_panel->requestSwitch(QStringLiteral("gemini-backup"));
    auto *dialog = find<QDialog>(QStringLiteral("switchServiceDialog"));
    ASSERT_NE(dialog, nullptr);
    auto *text = dialog->findChild<QLabel *>(QStringLiteral("switchText"));
    EXPECT_TRUE(text->text().contains(QStringLiteral("rag-prod")));
    EXPECT_TRUE(text->text().contains(QStringLiteral("drill-a")));
    EXPECT_TRUE(text->text().contains(QStringLiteral("gemini-backup")));
    auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"));
    auto *typed = dialog->findChild<QLineEdit *>(QStringLiteral("typedConfirmation"));
    EXPECT_FALSE(confirm->isEnabled());
    QTest::keyClicks(typed, QStringLiteral("drill-b"));
    EXPECT_FALSE(confirm->isEnabled()) << "another context does not confirm";
    typed->clear();
    QTest::keyClicks(typed, QStringLiteral("drill-a"));
    EXPECT_TRUE(confirm->isEnabled());
    dialog->reject(); // the switch itself is tested against kubectl in ragdr_llm_tests
}

} // namespace
