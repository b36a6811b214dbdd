// The console's Cluster panel against the drill's simulated cluster, driven as a person would.
// Each test acts on a deployment of its own (created with kubectl, named in the test's profile).
#include "clusterpaneltest.h"
#include "lagprobe.h"
#include "wait.h"

#include "core/ops/workspace.h"

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
using namespace std::chrono_literals;

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

namespace {

// drill-a's context in a kubeconfig of the test's own at `path`, its CA read from `caFile` (which
// the test makes and breaks); the CA's PEM goes to *caPem.
QString writeKubeconfig(const QString &path, const QString &caFile, QByteArray *caPem)
{
    const SandboxContext sandbox = sandboxContext();
    *caPem = sandbox.caPem;
    QFile config(path);
    if (sandbox.server.isEmpty() || !config.open(QIODevice::WriteOnly))
        return {};
    config.write(QStringLiteral("apiVersion: v1\nkind: Config\ncurrent-context: drill-a\n"
                                "clusters:\n- name: drill\n  cluster:\n    server: %1\n"
                                "    certificate-authority: %2\n"
                                "users:\n- name: admin\n  user:\n    token: %3\n"
                                "contexts:\n- name: drill-a\n  context: {cluster: drill, user: "
                                "admin, namespace: rag-prod}\n")
                     .arg(sandbox.server, caFile, QString::fromLatin1(sandbox.token))
                     .toUtf8());
    return path;
}

} // namespace

// A region whose client could not be built (here: its CA file is missing) says why on its line
// and is built again by Refresh, without restarting the console; it used to stay dead.
TEST(ClusterPanelConnection, RefreshBuildsTheClientThatCouldNotBeBuilt)
{
    auto dir = makeTempDir();
    const QString caFile = dir->filePath(QStringLiteral("restored/ca.crt"));
    QByteArray caPem;
    core::Profile profile = TestSandbox::shared().isolatedProfile(dir->path());
    profile.regions = {profile.regions.constFirst()};
    profile.regions[0].kube.kubeconfig
        = writeKubeconfig(dir->filePath(QStringLiteral("kubeconfig")), caFile, &caPem);
    ASSERT_FALSE(profile.regions[0].kube.kubeconfig.isEmpty());
    auto workspace = core::Workspace::forProfile(profile);
    ui::ClusterPanel panel(workspace.get());
    panel.show();
    ui::RegionView *view = panel.regionView(profile.regions[0].name);
    ASSERT_NE(view, nullptr);
    auto *line = view->findChild<QLabel *>(QStringLiteral("connectionLabel"));
    auto *refresh = view->findChild<QPushButton *>(QStringLiteral("refreshButton"));
    ASSERT_NE(line, nullptr);
    ASSERT_NE(refresh, nullptr);
    ASSERT_TRUE(waitUntil([&] { return line->text().contains(caFile); }, 20s))
        << qPrintable(line->text());
    EXPECT_TRUE(line->text().startsWith(QStringLiteral("No connection to context drill-a")))
        << qPrintable(line->text());

    // The file comes back where nothing watches (another directory): Refresh is what tells.
    ASSERT_TRUE(QDir().mkpath(QFileInfo(caFile).absolutePath()));
    QFile ca(caFile);
    ASSERT_TRUE(ca.open(QIODevice::WriteOnly));
    ca.write(caPem);
    ca.close();
    QTest::mouseClick(refresh, Qt::LeftButton);
    EXPECT_TRUE(waitUntil([&] { return line->property("connected").toBool(); }, 30s))
        << qPrintable(line->text());
}
