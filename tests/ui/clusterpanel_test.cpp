// The console's Cluster panel against the drill's simulated cluster, driven as a person would.
// Each test acts on a deployment of its own (created with kubectl, named in the test's profile).
#include "clusterpaneltest.h"
#include "lagprobe.h"
#include "wait.h"

#include "ui/cluster/clusterpanel.h"
#include "ui/cluster/podtablemodel.h"
#include "ui/cluster/regionview.h"
#include "ui/mainwindow/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSlider>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QtConcurrent>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;

TEST_F(ClusterPanelTest, TheSliderScalesToFiveAfterConfirmationAndThePodsFollow)
{
    ASSERT_NO_FATAL_FAILURE(createDeployment(2));
    ASSERT_NO_FATAL_FAILURE(openConsole());
    QAbstractItemModelTester tester(m_view->pods(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    ASSERT_TRUE(waitUntil([&] { return runningPods() == 2; }, std::chrono::seconds(30)))
        << runningPods();

    QWidget *card = m_view->findChild<QWidget *>(QStringLiteral("deploymentCard-") + m_app);
    ASSERT_NE(card, nullptr);
    auto *slider = card->findChild<QSlider *>(QStringLiteral("replicaSlider"));
    auto *scale = card->findChild<QPushButton *>(QStringLiteral("scaleButton"));
    ASSERT_TRUE(slider && scale);
    EXPECT_FALSE(scale->isEnabled()) << "nothing to apply yet";
    slider->setValue(5);
    ASSERT_TRUE(scale->isEnabled());

    // The confirmation names what changes where, and shows the permission check before it lets
    // the scale go.
    QString question;
    QString permission;
    bool confirmed = false;
    QTimer::singleShot(0, [&] {
        QWidget *dialog = QApplication::activeModalWidget();
        ASSERT_NE(dialog, nullptr);
        question = dialog->findChild<QLabel *>(QStringLiteral("confirmText"))->text();
        auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"));
        if (waitUntil([ok] { return ok->isEnabled(); }, std::chrono::seconds(15))) {
            permission = dialog->findChild<QLabel *>(QStringLiteral("permissionLabel"))->text();
            QTest::mouseClick(ok, Qt::LeftButton);
            confirmed = true;
        }
    });
    QTest::mouseClick(scale, Qt::LeftButton);
    ASSERT_TRUE(waitUntil([&] { return confirmed; }, std::chrono::seconds(20)))
        << "the Scale button of the confirmation never became usable";
    EXPECT_TRUE(question.contains(m_app) && question.contains(QStringLiteral("rag-prod"))
                && question.contains(QStringLiteral("drill-a"))
                && question.contains(QStringLiteral("<b>2</b> to <b>5</b>")))
        << qPrintable(question);
    EXPECT_TRUE(permission.contains(QStringLiteral("Allowed"))) << qPrintable(permission);

    EXPECT_TRUE(waitUntil([&] { return runningPods() == 5; }, std::chrono::seconds(60)))
        << runningPods() << " pods running";
    EXPECT_TRUE(waitUntil(
        [&] {
            return card->findChild<QLabel *>(QStringLiteral("replicasLabel"))
                ->text()
                .startsWith(QStringLiteral("5/5 ready"));
        },
        std::chrono::seconds(20)))
        << qPrintable(card->findChild<QLabel *>(QStringLiteral("replicasLabel"))->text());
    // The cluster agrees.
    EXPECT_TRUE(waitUntil([&] { return kubectlReady() == QStringLiteral("5/5"); },
                          std::chrono::seconds(20),
                          std::chrono::milliseconds(300)));
}
