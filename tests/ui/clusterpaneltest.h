#pragma once

// The console opened on the drill with a deployment of the test's own (created with kubectl and
// named in the test's profile), showing the Cluster panel.
#include "kubectl.h"
#include "testsandbox.h"

#include "ui/cluster/clusterpanel.h"
#include "ui/cluster/podtablemodel.h"
#include "ui/cluster/regionview.h"
#include "ui/mainwindow/mainwindow.h"

#include <QListWidget>
#include <QTableView>
#include <QTest>

#include <gtest/gtest.h>

namespace ragdr::test {

class ClusterPanelTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_FALSE(Kubectl::program().isEmpty()) << Kubectl::missingMessage();
        m_tmp = makeTempDir();
        m_kubectl = std::make_unique<Kubectl>(TestSandbox::shared().environment().kubeconfigPath(),
                                              m_tmp->path() + QStringLiteral("/cache"));
        m_app = uniqueName(QStringLiteral("ui"));
    }

    void TearDown() override
    {
        m_kubectl->run({QStringLiteral("delete"),
                        QStringLiteral("deployment"),
                        m_app,
                        QStringLiteral("--wait=false")});
    }

    void createDeployment(int replicas)
    {
        const KubectlRun created = m_kubectl->run({QStringLiteral("create"),
                                                   QStringLiteral("-f"),
                                                   QStringLiteral("-"),
                                                   QStringLiteral("--validate=false")},
                                                  json(deploymentJson(m_app, replicas)));
        ASSERT_EQ(created.exitCode, 0) << qPrintable(created.out + created.err);
    }

    // The console on a profile naming only this test's deployment, showing the Cluster panel.
    void openConsole()
    {
        const QString profile = TestSandbox::shared().writeIsolatedProfile(m_tmp->path(),
                                                                           QStringLiteral("rag"),
                                                                           {m_app});
        ASSERT_TRUE(m_window.openProfile(profile));
        m_window.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&m_window));
        m_window.findChild<QListWidget *>(QStringLiteral("panelList"))->setCurrentRow(2);
        m_view = m_window.clusterPanel()->regionView(QStringLiteral("drill"));
        ASSERT_NE(m_view, nullptr);
        m_pods = m_view->findChild<QTableView *>(QStringLiteral("podTable"));
        ASSERT_NE(m_pods, nullptr);
    }

    // The READY column kubectl prints for the test's deployment ("5/5").
    QString kubectlReady() const
    {
        return rows(m_kubectl
                        ->run({QStringLiteral("get"),
                               QStringLiteral("deployment"),
                               m_app,
                               QStringLiteral("--no-headers")})
                        .out)
            .value(0)
            .value(1);
    }

    int runningPods() const
    {
        int n = 0;
        ui::PodTableModel *model = m_view->pods();
        for (int row = 0; row < model->rowCount(); ++row) {
            const core::PodRow &p = model->pod(row);
            if (p.owner == m_app && p.status == QLatin1String("Running")
                && p.ready == QLatin1String("1/1"))
                ++n;
        }
        return n;
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<Kubectl> m_kubectl;
    QString m_app;
    ui::MainWindow m_window;
    ui::RegionView *m_view = nullptr;
    QTableView *m_pods = nullptr;
};

} // namespace ragdr::test
