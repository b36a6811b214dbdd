// The drill's simulated Kubernetes API servers, refereed by the real kubectl: if kubectl prints
// our STATUS, READY and RESTARTS, scales, restarts, waits for rollouts, follows logs and relists
// after a 410, the console can trust the sandbox to behave like a cluster.
//
// The tests share the ctest fixture's sandbox and run side by side (ctest -j2), so each one
// changes only objects it creates (its own deployments and pods, removed at the end) in the
// first region; the faults, which touch a whole cluster, are injected into the second region
// (drill-b) by tests/integration/faults_test.cpp, whose tests never run side by side.
#include "kubectl.h"
#include "testsandbox.h"

#include "sandbox/drillkube.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QThread>

#include <functional>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;

namespace {

class KubeSandboxTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        // Never a silent skip: a machine without kubectl cannot vouch for the sandbox.
        ASSERT_FALSE(Kubectl::program().isEmpty()) << Kubectl::missingMessage();
        m_tmp = makeTempDir();
        m_kubeconfig = TestSandbox::shared().environment().kubeconfigPath();
        ASSERT_TRUE(QFile::exists(m_kubeconfig)) << qPrintable(m_kubeconfig);
        m_kubectl = std::make_unique<Kubectl>(m_kubeconfig,
                                              m_tmp->path() + QStringLiteral("/cache"));
    }

    void TearDown() override
    {
        for (const QString &name : m_deployments)
            kubectl().run({QStringLiteral("delete"),
                           QStringLiteral("deployment"),
                           name,
                           QStringLiteral("--wait=false")});
        for (const QString &label : m_podLabels) {
            kubectl().run({QStringLiteral("delete"),
                           QStringLiteral("pods"),
                           QStringLiteral("-l"),
                           QStringLiteral("test=") + label,
                           QStringLiteral("--grace-period=0"),
                           QStringLiteral("--force")});
        }
    }

    const Kubectl &kubectl() const { return *m_kubectl; }

    // Creates a deployment of the test's own through kubectl (JSON: the drill reads no protobuf)
    // and waits until all its replicas are available.
    void createDeployment(const QJsonObject &deployment, bool waitAvailable = true)
    {
        const QString name = deployment.value(QStringLiteral("metadata"))
                                 .toObject()
                                 .value(QStringLiteral("name"))
                                 .toString();
        const KubectlRun created = kubectl().run({QStringLiteral("create"),
                                                  QStringLiteral("-f"),
                                                  QStringLiteral("-"),
                                                  QStringLiteral("--validate=false")},
                                                 json(deployment));
        ASSERT_EQ(created.exitCode, 0) << qPrintable(created.all());
        m_deployments.append(name);
        if (!waitAvailable)
            return;
        const int replicas = deployment.value(QStringLiteral("spec"))
                                 .toObject()
                                 .value(QStringLiteral("replicas"))
                                 .toInt();
        ASSERT_TRUE(
            waitUntil([&] { return deploymentReady(name) == QStringLiteral("%1/%1").arg(replicas); },
                      30000))
            << qPrintable(
                   kubectl().run({QStringLiteral("get"), QStringLiteral("deployment"), name}).all());
    }

    QString deploymentReady(const QString &name) const
    {
        const KubectlRun r = kubectl().run({QStringLiteral("get"),
                                            QStringLiteral("deployment"),
                                            name,
                                            QStringLiteral("--no-headers")});
        const QList<QStringList> table = rows(r.out);
        return table.isEmpty() ? QString() : table.first().value(1);
    }

    // STATUS per pod name of the pods with the label.
    QHash<QString, QStringList> podRows(const QString &selector) const
    {
        QHash<QString, QStringList> out;
        const KubectlRun r = kubectl().run({QStringLiteral("get"),
                                            QStringLiteral("pods"),
                                            QStringLiteral("-l"),
                                            selector,
                                            QStringLiteral("--no-headers")});
        for (const QStringList &row : rows(r.out))
            out.insert(row.value(0), row);
        return out;
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_kubeconfig;
    std::unique_ptr<Kubectl> m_kubectl;
    QStringList m_deployments;
    QStringList m_podLabels;
};

} // namespace

TEST_F(KubeSandboxTest, GetPrintsTheServersTables)
{
    const KubectlRun pods = kubectl().run({QStringLiteral("get"), QStringLiteral("pods")});
    ASSERT_EQ(pods.exitCode, 0) << qPrintable(pods.all());
    const QList<QStringList> podTable = rows(pods.out);
    ASSERT_FALSE(podTable.isEmpty());
    // Without server-side Tables kubectl would print NAME and AGE only.
    EXPECT_EQ(podTable.first(),
              (QStringList{QStringLiteral("NAME"),
                           QStringLiteral("READY"),
                           QStringLiteral("STATUS"),
                           QStringLiteral("RESTARTS"),
                           QStringLiteral("AGE")}));
    int apiRunning = 0;
    for (const QStringList &row : podTable) {
        if (row.value(0).startsWith(QLatin1String("rag-api-"))
            && row.value(1) == QLatin1String("1/1") && row.value(2) == QLatin1String("Running"))
            ++apiRunning;
    }
    EXPECT_GE(apiRunning, 3) << qPrintable(pods.out);

    const KubectlRun wide = kubectl().run({QStringLiteral("get"),
                                           QStringLiteral("pods"),
                                           QStringLiteral("-l"),
                                           QStringLiteral("app=rag-worker"),
                                           QStringLiteral("-o"),
                                           QStringLiteral("wide")});
    ASSERT_EQ(wide.exitCode, 0) << qPrintable(wide.all());
    EXPECT_EQ(rows(wide.out).first(),
              (QStringList{QStringLiteral("NAME"),
                           QStringLiteral("READY"),
                           QStringLiteral("STATUS"),
                           QStringLiteral("RESTARTS"),
                           QStringLiteral("AGE"),
                           QStringLiteral("IP"),
                           QStringLiteral("NODE"),
                           QStringLiteral("NOMINATED NODE"),
                           QStringLiteral("READINESS GATES")}));
    EXPECT_TRUE(rows(wide.out).value(1).value(5).startsWith(QLatin1String("10.244.")))
        << qPrintable(wide.out);

    const KubectlRun deployments = kubectl().run({QStringLiteral("get"),
                                                  QStringLiteral("deployments"),
                                                  QStringLiteral("rag-api"),
                                                  QStringLiteral("rag-worker")});
    ASSERT_EQ(deployments.exitCode, 0) << qPrintable(deployments.all());
    const QList<QStringList> deploymentTable = rows(deployments.out);
    ASSERT_EQ(deploymentTable.size(), 3) << qPrintable(deployments.out);
    EXPECT_EQ(deploymentTable.at(0),
              (QStringList{QStringLiteral("NAME"),
                           QStringLiteral("READY"),
                           QStringLiteral("UP-TO-DATE"),
                           QStringLiteral("AVAILABLE"),
                           QStringLiteral("AGE")}));
    EXPECT_EQ(deploymentTable.at(1).mid(0, 4),
              (QStringList{QStringLiteral("rag-api"),
                           QStringLiteral("3/3"),
                           QStringLiteral("3"),
                           QStringLiteral("3")}));
    EXPECT_EQ(deploymentTable.at(2).mid(0, 4),
              (QStringList{QStringLiteral("rag-worker"),
                           QStringLiteral("2/2"),
                           QStringLiteral("2"),
                           QStringLiteral("2")}));

    const KubectlRun events = kubectl().run({QStringLiteral("get"), QStringLiteral("events")});
    ASSERT_EQ(events.exitCode, 0) << qPrintable(events.all());
    EXPECT_EQ(rows(events.out).first(),
              (QStringList{QStringLiteral("LAST SEEN"),
                           QStringLiteral("TYPE"),
                           QStringLiteral("REASON"),
                           QStringLiteral("OBJECT"),
                           QStringLiteral("MESSAGE")}));
    EXPECT_TRUE(events.out.contains(QLatin1String("Scheduled")))
        << qPrintable(events.out.left(2000));
    EXPECT_TRUE(events.out.contains(QLatin1String("deployment/rag-api")))
        << qPrintable(events.out.left(2000));
    EXPECT_TRUE(events.out.contains(QLatin1String("ScalingReplicaSet")));

    // -o json: a plain list (kubectl re-emits it as kind: List).
    const KubectlRun asJson = kubectl().run({QStringLiteral("get"),
                                             QStringLiteral("deployment"),
                                             QStringLiteral("rag-api"),
                                             QStringLiteral("-o"),
                                             QStringLiteral("json")});
    ASSERT_EQ(asJson.exitCode, 0) << qPrintable(asJson.all());
    const QJsonObject deployment = QJsonDocument::fromJson(asJson.out.toUtf8()).object();
    EXPECT_EQ(deployment.value(QStringLiteral("kind")).toString(), QStringLiteral("Deployment"));
    EXPECT_EQ(deployment.value(QStringLiteral("status"))
                  .toObject()
                  .value(QStringLiteral("availableReplicas"))
                  .toInt(),
              3);

    // The second region answers on its own context.
    const KubectlRun regionB = kubectl()
                                   .withContext(QStringLiteral("drill-b"))
                                   .run({QStringLiteral("get"), QStringLiteral("deployments")});
    ASSERT_EQ(regionB.exitCode, 0) << qPrintable(regionB.all());
    EXPECT_TRUE(regionB.out.contains(QLatin1String("rag-worker")));
}

TEST_F(KubeSandboxTest, PodStatesAsKubectlPrintsThem)
{
    const QString label = uniqueName(QStringLiteral("states"));
    m_podLabels.append(label);
    const QString prefix = label + QLatin1Char('-');
    QByteArray manifests;
    const struct
    {
        const char *suffix;
        const char *simulate;
        const char *restartPolicy;
        bool init;
    } pods[] = {
        {"running", "normal", "Always", false},
        {"pending", "unschedulable", "Always", false},
        {"crash", "crashloop", "Always", false},
        {"pull", "image-pull-backoff", "Always", false},
        {"init", "init-stuck", "Always", true},
        {"done", "complete", "Never", false},
        {"failed", "error", "Never", false},
        {"stopping", "slow-shutdown", "Always", false},
    };
    for (const auto &p : pods) {
        manifests += json(podJson(prefix + QLatin1String(p.suffix),
                                  label,
                                  QLatin1String(p.simulate),
                                  QLatin1String(p.restartPolicy),
                                  p.init))
                     + '\n';
    }
    const KubectlRun created = kubectl().run({QStringLiteral("create"),
                                              QStringLiteral("-f"),
                                              QStringLiteral("-"),
                                              QStringLiteral("--validate=false")},
                                             manifests);
    ASSERT_EQ(created.exitCode, 0) << qPrintable(created.all());

    const QString selector = QStringLiteral("test=") + label;
    ASSERT_TRUE(waitUntil(
        [&] {
            return podRows(selector).value(prefix + QStringLiteral("stopping")).value(2)
                   == QLatin1String("Running");
        },
        20000));
    const KubectlRun deleted = kubectl().run({QStringLiteral("delete"),
                                              QStringLiteral("pod"),
                                              prefix + QStringLiteral("stopping"),
                                              QStringLiteral("--wait=false")});
    ASSERT_EQ(deleted.exitCode, 0) << qPrintable(deleted.all());

    const QHash<QString, QString> expected{
        {prefix + QStringLiteral("running"), QStringLiteral("Running")},
        {prefix + QStringLiteral("pending"), QStringLiteral("Pending")},
        {prefix + QStringLiteral("crash"), QStringLiteral("CrashLoopBackOff")},
        {prefix + QStringLiteral("pull"), QStringLiteral("ImagePullBackOff")},
        {prefix + QStringLiteral("init"), QStringLiteral("Init:0/1")},
        {prefix + QStringLiteral("done"), QStringLiteral("Completed")},
        {prefix + QStringLiteral("failed"), QStringLiteral("Error")},
        {prefix + QStringLiteral("stopping"), QStringLiteral("Terminating")},
    };
    // Each pod must be seen in its state at least once (a crash loop passes through several).
    QSet<QString> seen;
    QHash<QString, QStringList> last;
    waitUntil(
        [&] {
            last = podRows(selector);
            for (auto it = expected.begin(); it != expected.end(); ++it) {
                if (last.value(it.key()).value(2) == it.value())
                    seen.insert(it.key());
            }
            return seen.size() == expected.size();
        },
        30000);
    for (auto it = expected.begin(); it != expected.end(); ++it)
        EXPECT_TRUE(seen.contains(it.key()))
            << qPrintable(it.key()) << " never showed " << qPrintable(it.value())
            << "; last: " << qPrintable(last.value(it.key()).join(QLatin1Char('|')));

    // READY and RESTARTS as printPod computes them.
    EXPECT_EQ(last.value(prefix + QStringLiteral("running")).value(1), QStringLiteral("1/1"));
    EXPECT_EQ(last.value(prefix + QStringLiteral("init")).value(1), QStringLiteral("0/1"));
    EXPECT_EQ(last.value(prefix + QStringLiteral("done")).value(3), QStringLiteral("0"));
    static const QRegularExpression restarted(QStringLiteral("^[1-9]\\d* \\(\\d+s ago\\)$"));
    EXPECT_TRUE(waitUntil(
        [&] {
            return restarted
                .match(podRows(selector).value(prefix + QStringLiteral("crash")).value(3))
                .hasMatch();
        },
        15000))
        << qPrintable(
               podRows(selector).value(prefix + QStringLiteral("crash")).join(QLatin1Char('|')));

    // A crashed container's previous run ends with its error; a pod that never pulled its image
    // has no logs, and says why as the kubelet does.
    const KubectlRun previous = kubectl().run(
        {QStringLiteral("logs"), prefix + QStringLiteral("crash"), QStringLiteral("--previous")});
    EXPECT_EQ(previous.exitCode, 0) << qPrintable(previous.all());
    EXPECT_TRUE(previous.out.contains(QLatin1String("Connection refused")))
        << qPrintable(previous.out);
    const KubectlRun pulling = kubectl().run(
        {QStringLiteral("logs"), prefix + QStringLiteral("pull")});
    EXPECT_NE(pulling.exitCode, 0);
    EXPECT_TRUE(pulling.err.contains(QLatin1String("is waiting to start")))
        << qPrintable(pulling.all());

    // The events kubectl shows for them.
    const KubectlRun events = kubectl().run(
        {QStringLiteral("get"),
         QStringLiteral("events"),
         QStringLiteral("--field-selector"),
         QStringLiteral("involvedObject.name=") + prefix + QStringLiteral("pending")});
    EXPECT_TRUE(events.out.contains(QLatin1String("FailedScheduling"))) << qPrintable(events.all());
}

TEST_F(KubeSandboxTest, WatchPrintsChangesAsTheyHappen)
{
    const QString label = uniqueName(QStringLiteral("watch"));
    m_podLabels.append(label);
    auto watch = kubectl().start({QStringLiteral("get"),
                                  QStringLiteral("pods"),
                                  QStringLiteral("-w"),
                                  QStringLiteral("-l"),
                                  QStringLiteral("test=") + label});
    // The list first (nothing yet), then changes as Table rows.
    const QString name = label + QStringLiteral("-pod");
    QThread::msleep(500);
    const KubectlRun created = kubectl().run({QStringLiteral("create"),
                                              QStringLiteral("-f"),
                                              QStringLiteral("-"),
                                              QStringLiteral("--validate=false")},
                                             json(podJson(name,
                                                          label,
                                                          QStringLiteral("normal"),
                                                          QStringLiteral("Always"))));
    ASSERT_EQ(created.exitCode, 0) << qPrintable(created.all());
    const QStringList lines = readLinesUntil(
        *watch,
        [&](const QStringList &l) {
            return !l.filter(QRegularExpression(QStringLiteral("%1\\s+1/1\\s+Running").arg(name)))
                        .isEmpty();
        },
        20000);
    stop(*watch);
    ASSERT_FALSE(lines.isEmpty());
    EXPECT_TRUE(lines.first().startsWith(QLatin1String("NAME "))
                || lines.first().startsWith(QLatin1String("No resources")))
        << qPrintable(lines.join(QLatin1Char('\n')));
    // Every row a full table row: a plain Pod would print as NAME/AGE only.
    EXPECT_FALSE(lines
                     .filter(QRegularExpression(
                         QStringLiteral("%1\\s+0/1\\s+(Pending|ContainerCreating)").arg(name)))
                     .isEmpty())
        << qPrintable(lines.join(QLatin1Char('\n')));
    EXPECT_FALSE(
        lines.filter(QRegularExpression(QStringLiteral("%1\\s+1/1\\s+Running").arg(name))).isEmpty())
        << qPrintable(lines.join(QLatin1Char('\n')));
    // The header once only: later events reuse the columns.
    EXPECT_LE(lines.filter(QRegularExpression(QStringLiteral("^NAME\\s"))).size(), 1);
}

TEST_F(KubeSandboxTest, ScaleThenPodsConverge)
{
    const QString name = uniqueName(QStringLiteral("scale"));
    ASSERT_NO_FATAL_FAILURE(createDeployment(deploymentJson(name, 3)));
    const KubectlRun scaled = kubectl().run({QStringLiteral("scale"),
                                             QStringLiteral("deployment"),
                                             name,
                                             QStringLiteral("--replicas=5")});
    ASSERT_EQ(scaled.exitCode, 0) << qPrintable(scaled.all());
    EXPECT_EQ(scaled.out.trimmed(), QStringLiteral("deployment.apps/%1 scaled").arg(name));
    ASSERT_TRUE(waitUntil([&] { return deploymentReady(name) == QLatin1String("5/5"); }, 30000))
        << qPrintable(deploymentReady(name));
    const QHash<QString, QStringList> pods = podRows(QStringLiteral("app=") + name);
    EXPECT_EQ(pods.size(), 5);
    for (const QStringList &row : pods)
        EXPECT_EQ(row.value(2), QStringLiteral("Running"))
            << qPrintable(row.join(QLatin1Char('|')));

    // --current-replicas takes kubectl's GET + PUT /scale path with the resourceVersion.
    const KubectlRun guarded = kubectl().run({QStringLiteral("scale"),
                                              QStringLiteral("deployment"),
                                              name,
                                              QStringLiteral("--current-replicas=5"),
                                              QStringLiteral("--replicas=2")});
    EXPECT_EQ(guarded.exitCode, 0) << qPrintable(guarded.all());
    ASSERT_TRUE(
        waitUntil([&] { return podRows(QStringLiteral("app=") + name).size() == 2; }, 30000));
    // A stale resourceVersion: kubectl compares it with the Scale it read (the server's 409 on a
    // stale PUT is checked in ApiServerProtocol).
    const KubectlRun stale = kubectl().run({QStringLiteral("scale"),
                                            QStringLiteral("deployment"),
                                            name,
                                            QStringLiteral("--resource-version=1"),
                                            QStringLiteral("--replicas=4")});
    EXPECT_NE(stale.exitCode, 0);
    EXPECT_TRUE(stale.err.contains(QLatin1String("resource version"))) << qPrintable(stale.all());
}

TEST_F(KubeSandboxTest, RolloutRestartAndStatus)
{
    const QString name = uniqueName(QStringLiteral("restart"));
    ASSERT_NO_FATAL_FAILURE(createDeployment(deploymentJson(name, 3)));
    const QString before = kubectl()
                               .run({QStringLiteral("get"),
                                     QStringLiteral("rs"),
                                     QStringLiteral("-l"),
                                     QStringLiteral("app=") + name,
                                     QStringLiteral("-o"),
                                     QStringLiteral("name")})
                               .out.trimmed();
    const KubectlRun restarted = kubectl().run(
        {QStringLiteral("rollout"), QStringLiteral("restart"), QStringLiteral("deployment"), name});
    ASSERT_EQ(restarted.exitCode, 0) << qPrintable(restarted.all());
    EXPECT_EQ(restarted.out.trimmed(), QStringLiteral("deployment.apps/%1 restarted").arg(name));
    const KubectlRun status = kubectl().run({QStringLiteral("rollout"),
                                             QStringLiteral("status"),
                                             QStringLiteral("deployment"),
                                             name,
                                             QStringLiteral("--timeout=60s")});
    ASSERT_EQ(status.exitCode, 0) << qPrintable(status.all());
    EXPECT_TRUE(
        status.out.contains(QStringLiteral("deployment \"%1\" successfully rolled out").arg(name)))
        << qPrintable(status.out);
    EXPECT_TRUE(status.out.contains(QLatin1String("new replicas have been updated"))
                || status.out.contains(QLatin1String("spec update to be observed")))
        << qPrintable(status.out);

    // A new ReplicaSet (a new pod-template-hash) holds the pods; the old one is kept, empty.
    const QList<QStringList> replicaSets = rows(kubectl()
                                                    .run({QStringLiteral("get"),
                                                          QStringLiteral("rs"),
                                                          QStringLiteral("-l"),
                                                          QStringLiteral("app=") + name,
                                                          QStringLiteral("--no-headers")})
                                                    .out);
    ASSERT_EQ(replicaSets.size(), 2);
    int full = 0;
    int empty = 0;
    for (const QStringList &rs : replicaSets) {
        full += rs.value(1) == QLatin1String("3") && rs.value(3) == QLatin1String("3");
        empty += rs.value(1) == QLatin1String("0");
        if (rs.value(1) == QLatin1String("0")) {
            EXPECT_EQ(QString(QStringLiteral("replicaset.apps/") + rs.value(0)), before);
        }
    }
    EXPECT_EQ(full, 1);
    EXPECT_EQ(empty, 1);
    const KubectlRun history = kubectl().run(
        {QStringLiteral("rollout"), QStringLiteral("history"), QStringLiteral("deployment"), name});
    EXPECT_EQ(history.exitCode, 0) << qPrintable(history.all());
    EXPECT_TRUE(history.out.contains(QLatin1String("2 "))) << qPrintable(history.out);

    // A paused deployment is refused by kubectl itself; resumed, it restarts again.
    EXPECT_EQ(kubectl()
                  .run({QStringLiteral("rollout"),
                        QStringLiteral("pause"),
                        QStringLiteral("deployment"),
                        name})
                  .exitCode,
              0);
    const KubectlRun refused = kubectl().run(
        {QStringLiteral("rollout"), QStringLiteral("restart"), QStringLiteral("deployment"), name});
    EXPECT_NE(refused.exitCode, 0);
    EXPECT_TRUE(refused.err.contains(QLatin1String("paused"))) << qPrintable(refused.all());
    EXPECT_EQ(kubectl()
                  .run({QStringLiteral("rollout"),
                        QStringLiteral("resume"),
                        QStringLiteral("deployment"),
                        name})
                  .exitCode,
              0);
}

TEST_F(KubeSandboxTest, RolloutStatusReportsAnExceededProgressDeadline)
{
    const QString name = uniqueName(QStringLiteral("deadline"));
    ASSERT_NO_FATAL_FAILURE(
        createDeployment(deploymentJson(name,
                                        2,
                                        {{QStringLiteral("sandbox.ragdr.io/simulate"),
                                          QStringLiteral("crashloop")}},
                                        2),
                         false));
    const KubectlRun status = kubectl().run({QStringLiteral("rollout"),
                                             QStringLiteral("status"),
                                             QStringLiteral("deployment"),
                                             name,
                                             QStringLiteral("--timeout=60s")});
    EXPECT_EQ(status.exitCode, 1) << qPrintable(status.all());
    EXPECT_TRUE(status.err.contains(
        QStringLiteral("deployment \"%1\" exceeded its progress deadline").arg(name)))
        << qPrintable(status.all());
}

TEST_F(KubeSandboxTest, LogsTailTimestampsAndFollow)
{
    const KubectlRun tail = kubectl().run(
        {QStringLiteral("logs"), QStringLiteral("deploy/rag-api"), QStringLiteral("--tail=5")});
    ASSERT_EQ(tail.exitCode, 0) << qPrintable(tail.all());
    const QStringList lines = tail.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    EXPECT_EQ(lines.size(), 5) << qPrintable(tail.out);
    for (const QString &line : lines)
        EXPECT_TRUE(line.startsWith(QLatin1String("INFO:"))
                    || line.startsWith(QLatin1String("WARNING:")))
            << qPrintable(line);

    const QString pod = rows(kubectl()
                                 .run({QStringLiteral("get"),
                                       QStringLiteral("pods"),
                                       QStringLiteral("-l"),
                                       QStringLiteral("app=rag-worker"),
                                       QStringLiteral("--no-headers")})
                                 .out)
                            .value(0)
                            .value(0);
    ASSERT_FALSE(pod.isEmpty());
    const KubectlRun stamped = kubectl().run(
        {QStringLiteral("logs"), pod, QStringLiteral("--tail=3"), QStringLiteral("--timestamps")});
    ASSERT_EQ(stamped.exitCode, 0) << qPrintable(stamped.all());
    static const QRegularExpression rfc3339Nano(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z "));
    for (const QString &line : stamped.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        EXPECT_TRUE(rfc3339Nano.match(line).hasMatch()) << qPrintable(line);

    // -f: the lines so far, then new ones as the container writes them.
    auto follow = kubectl().start(
        {QStringLiteral("logs"), QStringLiteral("-f"), pod, QStringLiteral("--tail=1")});
    QElapsedTimer clock;
    clock.start();
    const QStringList followed = readLinesUntil(
        *follow, [](const QStringList &l) { return l.size() >= 3; }, 20000);
    const bool stillRunning = follow->state() == QProcess::Running;
    stop(*follow);
    EXPECT_GE(followed.size(), 3) << qPrintable(followed.join(QLatin1Char('\n')));
    EXPECT_TRUE(stillRunning);
    EXPECT_GT(clock.elapsed(), 1000) << "new lines arrive as time passes, not all at once";

    const KubectlRun previous = kubectl().run(
        {QStringLiteral("logs"), pod, QStringLiteral("--previous")});
    EXPECT_NE(previous.exitCode, 0);
    EXPECT_TRUE(previous.err.contains(QLatin1String("previous terminated container")))
        << qPrintable(previous.all());

    const KubectlRun missing = kubectl().run(
        {QStringLiteral("logs"), QStringLiteral("no-such-pod")});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_TRUE(missing.err.contains(QLatin1String("not found"))) << qPrintable(missing.all());
}

TEST_F(KubeSandboxTest, ListsPageThroughLargeDeployments)
{
    // More pods than kubectl's page (limit=500): two pages joined by a continue token.
    const QString name = uniqueName(QStringLiteral("large"));
    ASSERT_NO_FATAL_FAILURE(createDeployment(deploymentJson(name, 600)));
    const KubectlRun listed = kubectl().run({QStringLiteral("get"),
                                             QStringLiteral("pods"),
                                             QStringLiteral("-l"),
                                             QStringLiteral("app=") + name,
                                             QStringLiteral("--no-headers"),
                                             QStringLiteral("-v=6")});
    ASSERT_EQ(listed.exitCode, 0) << qPrintable(listed.err.right(2000));
    EXPECT_EQ(rows(listed.out).size(), 600);
    EXPECT_TRUE(listed.err.contains(QLatin1String("continue=")))
        << "kubectl never asked for a second page";
    const KubectlRun scaledDown = kubectl().run({QStringLiteral("scale"),
                                                 QStringLiteral("deployment"),
                                                 name,
                                                 QStringLiteral("--replicas=0")});
    EXPECT_EQ(scaledDown.exitCode, 0) << qPrintable(scaledDown.all());
}

// Protocol details kubectl does not show: authentication, errors and the 410 a client relists on.
TEST_F(KubeSandboxTest, ApiServerProtocol)
{
    QFile file(m_kubeconfig);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    const QString server
        = QRegularExpression(QStringLiteral("server: (\\S+)")).match(text).captured(1);
    const QString token
        = QRegularExpression(QStringLiteral("token: (\\S+)")).match(text).captured(1);
    const QByteArray ca = QByteArray::fromBase64(
        QRegularExpression(QStringLiteral("certificate-authority-data: (\\S+)"))
            .match(text)
            .captured(1)
            .toLatin1());
    ASSERT_FALSE(server.isEmpty());
    ASSERT_FALSE(token.isEmpty());

    QNetworkAccessManager network;
    struct Reply
    {
        int code = 0;
        QByteArray body;
        QByteArray contentType;
    };
    auto request = [&](const QByteArray &method,
                       const QString &path,
                       const QByteArray &accept = "application/json",
                       const QByteArray &auth = QByteArray(),
                       const QByteArray &body = QByteArray()) {
        QNetworkRequest r(QUrl(server + path));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(ca));
        r.setSslConfiguration(tls);
        r.setPeerVerifyName(QStringLiteral("localhost"));
        r.setRawHeader("Accept", accept);
        r.setRawHeader("Authorization", auth.isNull() ? "Bearer " + token.toUtf8() : auth);
        if (!body.isEmpty())
            r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        r.setTransferTimeout(20000);
        QNetworkReply *reply = network.sendCustomRequest(r, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Reply out{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                  reply->readAll(),
                  reply->header(QNetworkRequest::ContentTypeHeader).toByteArray()};
        reply->deleteLater();
        return out;
    };
    auto object = [](const Reply &r) { return QJsonDocument::fromJson(r.body).object(); };

    // The token is required; without it, a Status 401.
    const Reply anonymous = request("GET",
                                    QStringLiteral("/api/v1/namespaces/rag-prod/pods"),
                                    "application/json",
                                    "Bearer wrong");
    EXPECT_EQ(anonymous.code, 401);
    EXPECT_EQ(object(anonymous).value(QStringLiteral("reason")).toString(),
              QStringLiteral("Unauthorized"));

    EXPECT_EQ(object(request("GET", QStringLiteral("/version")))
                  .value(QStringLiteral("gitVersion"))
                  .toString(),
              QStringLiteral("v1.32.4"));
    EXPECT_EQ(request("GET", QStringLiteral("/openapi/v2")).code, 404);
    const Reply discovery = request(
        "GET",
        QStringLiteral("/apis"),
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
    EXPECT_EQ(discovery.contentType,
              QByteArray("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"));
    EXPECT_EQ(object(request("GET", QStringLiteral("/apis")))
                  .value(QStringLiteral("kind"))
                  .toString(),
              QStringLiteral("APIGroupList"));

    // Paging: limit and continue, the list's resourceVersion throughout.
    const Reply page = request("GET", QStringLiteral("/api/v1/namespaces/rag-prod/pods?limit=2"));
    const QJsonObject firstPage = object(page);
    EXPECT_EQ(firstPage.value(QStringLiteral("items")).toArray().size(), 2);
    const QString token2 = firstPage.value(QStringLiteral("metadata"))
                               .toObject()
                               .value(QStringLiteral("continue"))
                               .toString();
    ASSERT_FALSE(token2.isEmpty());
    const QJsonObject secondPage = object(
        request("GET",
                QStringLiteral("/api/v1/namespaces/rag-prod/pods?limit=2&continue=") + token2));
    EXPECT_FALSE(secondPage.value(QStringLiteral("items")).toArray().isEmpty());
    EXPECT_NE(secondPage.value(QStringLiteral("items")).toArray().first(),
              firstPage.value(QStringLiteral("items")).toArray().first());

    // A Table for a single object, with the printers' cells.
    const QJsonObject table = object(
        request("GET",
                QStringLiteral("/apis/apps/v1/namespaces/rag-prod/deployments/rag-api"),
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
    EXPECT_EQ(table.value(QStringLiteral("kind")).toString(), QStringLiteral("Table"));
    EXPECT_EQ(table.value(QStringLiteral("rows"))
                  .toArray()
                  .first()
                  .toObject()
                  .value(QStringLiteral("cells"))
                  .toArray()
                  .at(1)
                  .toString(),
              QStringLiteral("3/3"));

    // A watch from a resourceVersion older than the kept history: one ERROR 410 Expired event.
    const Reply expired
        = request("GET",
                  QStringLiteral("/api/v1/namespaces/rag-prod/pods?watch=true&resourceVersion=1"));
    EXPECT_EQ(expired.code, 200);
    const QJsonObject event = QJsonDocument::fromJson(expired.body.trimmed()).object();
    EXPECT_EQ(event.value(QStringLiteral("type")).toString(), QStringLiteral("ERROR"));
    EXPECT_EQ(event.value(QStringLiteral("object")).toObject().value(QStringLiteral("code")).toInt(),
              410);
    EXPECT_EQ(event.value(QStringLiteral("object"))
                  .toObject()
                  .value(QStringLiteral("reason"))
                  .toString(),
              QStringLiteral("Expired"));

    // Permission pre-checks answer allowed.
    const Reply review = request(
        "POST",
        QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"),
        "application/json",
        QByteArray(),
        R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"rag-prod","verb":"patch","group":"apps","resource":"deployments","subresource":"scale"}}})");
    EXPECT_EQ(review.code, 201);
    EXPECT_TRUE(object(review)
                    .value(QStringLiteral("status"))
                    .toObject()
                    .value(QStringLiteral("allowed"))
                    .toBool());

    // PUT /scale with a stale resourceVersion: 409 Conflict (optimistic concurrency).
    QJsonObject scale = object(
        request("GET",
                QStringLiteral("/apis/apps/v1/namespaces/rag-prod/deployments/rag-api/scale")));
    EXPECT_EQ(scale.value(QStringLiteral("kind")).toString(), QStringLiteral("Scale"));
    EXPECT_EQ(scale.value(QStringLiteral("status"))
                  .toObject()
                  .value(QStringLiteral("selector"))
                  .toString(),
              QStringLiteral("app=rag-api"));
    QJsonObject staleMeta = scale.value(QStringLiteral("metadata")).toObject();
    staleMeta.insert(QStringLiteral("resourceVersion"), QStringLiteral("1"));
    scale.insert(QStringLiteral("metadata"), staleMeta);
    const Reply conflict
        = request("PUT",
                  QStringLiteral("/apis/apps/v1/namespaces/rag-prod/deployments/rag-api/scale"),
                  "application/json",
                  QByteArray(),
                  QJsonDocument(scale).toJson());
    EXPECT_EQ(conflict.code, 409);
    EXPECT_EQ(object(conflict).value(QStringLiteral("reason")).toString(),
              QStringLiteral("Conflict"));

    // Unknown objects: NotFound with the qualified resource, as kubectl quotes it.
    const Reply missing
        = request("GET", QStringLiteral("/apis/apps/v1/namespaces/rag-prod/deployments/nope"));
    EXPECT_EQ(missing.code, 404);
    EXPECT_EQ(object(missing).value(QStringLiteral("message")).toString(),
              QStringLiteral("deployments.apps \"nope\" not found"));
}
