// ragdr's Kubernetes client side by side with the real kubectl, against the drill's simulated
// cluster (context drill-a). Each test acts only on deployments and pods it creates, with a
// profile that names them, so that tests run side by side.
#include "connectproxy.h"
#include "kubectl.h"
#include "ragdrcli.h"
#include "testdatabase.h"
#include "testsandbox.h"
#include "wait.h"

#include "core/cluster/clusteroperations.h"
#include "core/cluster/clusterqueries.h"
#include "core/cluster/clusterservice.h"
#include "core/cluster/kubeapi.h"
#include "core/cluster/kubeconfigloader.h"
#include "core/cluster/kubeconnections.h"
#include "core/cluster/logfollower.h"
#include "core/cluster/manifestexport.h"
#include "core/ops/workspace.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QtConcurrent>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;
using namespace std::chrono_literals;

namespace {

class ClusterTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_FALSE(Kubectl::program().isEmpty()) << Kubectl::missingMessage();
        m_tmp = makeTempDir();
        m_kubectl = std::make_unique<Kubectl>(TestSandbox::shared().environment().kubeconfigPath(),
                                              m_tmp->path() + QStringLiteral("/cache"));
        m_app = uniqueName(QStringLiteral("app"));
        m_profilePath = TestSandbox::shared().writeIsolatedProfile(m_tmp->path(),
                                                                   QStringLiteral("rag"),
                                                                   {m_app});
        ASSERT_FALSE(m_profilePath.isEmpty());
    }

    void TearDown() override
    {
        m_kubectl->run({QStringLiteral("delete"),
                        QStringLiteral("deployment"),
                        m_app,
                        QStringLiteral("--wait=false")});
        m_kubectl->run({QStringLiteral("delete"),
                        QStringLiteral("pods"),
                        QStringLiteral("-l"),
                        QStringLiteral("app=") + m_app,
                        QStringLiteral("--grace-period=0"),
                        QStringLiteral("--force")});
    }

    QStringList ragdr(const QStringList &args) const
    {
        return QStringList{QStringLiteral("--profile"),
                           m_profilePath,
                           QStringLiteral("--region"),
                           QStringLiteral("drill")}
               + args;
    }

    void createDeployment(int replicas)
    {
        const KubectlRun created = m_kubectl->run({QStringLiteral("create"),
                                                   QStringLiteral("-f"),
                                                   QStringLiteral("-"),
                                                   QStringLiteral("--validate=false")},
                                                  json(deploymentJson(m_app, replicas)));
        ASSERT_EQ(created.exitCode, 0) << qPrintable(created.out + created.err);
        ASSERT_TRUE(waitUntil([&] { return ready() == QStringLiteral("%1/%1").arg(replicas); }, 30000))
            << qPrintable(ready());
    }

    QString ready() const
    {
        const QList<QStringList> table = rows(m_kubectl
                                                  ->run({QStringLiteral("get"),
                                                         QStringLiteral("deployment"),
                                                         m_app,
                                                         QStringLiteral("--no-headers")})
                                                  .out);
        return table.isEmpty() ? QString() : table.first().value(1);
    }

    QJsonObject deploymentObject() const
    {
        return QJsonDocument::fromJson(m_kubectl
                                           ->run({QStringLiteral("get"),
                                                  QStringLiteral("deployment"),
                                                  m_app,
                                                  QStringLiteral("-o"),
                                                  QStringLiteral("json")})
                                           .out.toUtf8())
            .object();
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<Kubectl> m_kubectl;
    QString m_app;
    QString m_profilePath;
};

} // namespace

TEST_F(ClusterTest, PodColumnsAreWhatKubectlPrintsInEveryState)
{
    const QString prefix = m_app + QLatin1Char('-');
    const struct
    {
        const char *suffix;
        const char *simulate;
        const char *restartPolicy;
        bool init;
        const char *state;
    } pods[] = {
        {"running", "normal", "Always", false, "Running"},
        {"pending", "unschedulable", "Always", false, "Pending"},
        {"crash", "crashloop", "Always", false, "CrashLoopBackOff"},
        {"pull", "image-pull-backoff", "Always", false, "ImagePullBackOff"},
        {"init", "init-stuck", "Always", true, "Init:0/1"},
        {"done", "complete", "Never", false, "Completed"},
        {"failed", "error", "Never", false, "Error"},
        {"stopping", "slow-shutdown", "Always", false, "Terminating"},
    };
    QByteArray manifests;
    for (const auto &p : pods) {
        manifests += json(podJson(prefix + QLatin1String(p.suffix),
                                  m_app,
                                  QLatin1String(p.simulate),
                                  QLatin1String(p.restartPolicy),
                                  p.init,
                                  QStringLiteral("app")))
                     + '\n';
    }
    const KubectlRun created = m_kubectl->run({QStringLiteral("create"),
                                               QStringLiteral("-f"),
                                               QStringLiteral("-"),
                                               QStringLiteral("--validate=false")},
                                              manifests);
    ASSERT_EQ(created.exitCode, 0) << qPrintable(created.out + created.err);
    const QString selector = QStringLiteral("app=") + m_app;
    ASSERT_TRUE(waitUntil(
        [&] {
            for (const QStringList &row : rows(m_kubectl
                                                   ->run({QStringLiteral("get"),
                                                          QStringLiteral("pods"),
                                                          QStringLiteral("-l"),
                                                          selector,
                                                          QStringLiteral("--no-headers")})
                                                   .out)) {
                if (row.value(0) == prefix + QStringLiteral("stopping"))
                    return row.value(2) == QLatin1String("Running");
            }
            return false;
        },
        20000));
    ASSERT_EQ(m_kubectl
                  ->run({QStringLiteral("delete"),
                         QStringLiteral("pod"),
                         prefix + QStringLiteral("stopping"),
                         QStringLiteral("--wait=false")})
                  .exitCode,
              0);

    // kubectl and ragdr at the same moment (both started at once), until every state was seen
    // with both printing exactly the same NAME, READY, STATUS and RESTARTS.
    QSet<QString> agreedStates;
    QString lastDifference;
    waitUntil(
        [&] {
            auto kubectlRows = QtConcurrent::run([&] {
                return m_kubectl->run({QStringLiteral("get"),
                                       QStringLiteral("pods"),
                                       QStringLiteral("-l"),
                                       selector,
                                       QStringLiteral("--no-headers")});
            });
            const CliRun ours = runRagdr(ragdr({QStringLiteral("pods")}));
            const KubectlRun theirs = kubectlRows.result();
            QHash<QString, QStringList> k;
            for (const QStringList &row : rows(theirs.out))
                k.insert(row.value(0), row.mid(0, 4));
            QHash<QString, QStringList> r;
            const QList<QStringList> ourRows = rows(ours.out);
            for (const QStringList &row : ourRows.mid(1)) // our header line
                r.insert(row.value(0), row.mid(0, 4));
            if (k != r) {
                lastDifference
                    = QStringLiteral("kubectl:\n%1\nragdr:\n%2").arg(theirs.out, ours.out);
                return false;
            }
            for (const auto &p : pods) {
                if (k.value(prefix + QLatin1String(p.suffix)).value(2) == QLatin1String(p.state))
                    agreedStates.insert(QLatin1String(p.state));
            }
            return agreedStates.size() == int(std::size(pods));
        },
        40000);
    for (const auto &p : pods)
        EXPECT_TRUE(agreedStates.contains(QLatin1String(p.state)))
            << p.state << " never printed the same; last:\n"
            << qPrintable(lastDifference);
}

TEST_F(ClusterTest, KubectlScaleAndRagdrScaleMakeTheSameObject)
{
    ASSERT_NO_FATAL_FAILURE(createDeployment(2));
    ASSERT_EQ(m_kubectl
                  ->run({QStringLiteral("scale"),
                         QStringLiteral("deployment"),
                         m_app,
                         QStringLiteral("--replicas=4")})
                  .exitCode,
              0);
    ASSERT_TRUE(waitUntil([&] { return ready() == QStringLiteral("4/4"); }, 30000));
    const QJsonObject byKubectl = deploymentObject();
    ASSERT_EQ(m_kubectl
                  ->run({QStringLiteral("scale"),
                         QStringLiteral("deployment"),
                         m_app,
                         QStringLiteral("--replicas=2")})
                  .exitCode,
              0);
    ASSERT_TRUE(waitUntil([&] { return ready() == QStringLiteral("2/2"); }, 30000));

    const CliRun scaled = runRagdr(ragdr({QStringLiteral("scale"), m_app, QStringLiteral("4")}));
    ASSERT_EQ(scaled.exitCode, 0) << qPrintable(scaled.err);
    EXPECT_TRUE(scaled.out.contains(QStringLiteral("from 2 to 4; 4 available")))
        << qPrintable(scaled.out);
    EXPECT_EQ(ready(), QStringLiteral("4/4")) << "ragdr returned before the rollout converged";
    const QJsonObject byRagdr = deploymentObject();

    EXPECT_EQ(byRagdr.value(QStringLiteral("spec")), byKubectl.value(QStringLiteral("spec")));
    const QJsonObject kMeta = byKubectl.value(QStringLiteral("metadata")).toObject();
    const QJsonObject rMeta = byRagdr.value(QStringLiteral("metadata")).toObject();
    EXPECT_EQ(rMeta.value(QStringLiteral("labels")), kMeta.value(QStringLiteral("labels")));
    EXPECT_EQ(rMeta.value(QStringLiteral("annotations")),
              kMeta.value(QStringLiteral("annotations")));
    // One generation per change, whoever made it.
    EXPECT_EQ(rMeta.value(QStringLiteral("generation")).toInteger(),
              kMeta.value(QStringLiteral("generation")).toInteger() + 2);
    for (const char *field : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"}) {
        EXPECT_EQ(byRagdr.value(QStringLiteral("status")).toObject().value(QLatin1String(field)),
                  byKubectl.value(QStringLiteral("status")).toObject().value(QLatin1String(field)))
            << field;
    }

    // Scaling to 0 needs the deployment named; a wrong expectation is refused.
    const CliRun unconfirmed = runRagdr(
        ragdr({QStringLiteral("scale"), m_app, QStringLiteral("0")}));
    EXPECT_EQ(unconfirmed.exitCode, 3) << qPrintable(unconfirmed.err);
    const CliRun stale = runRagdr(ragdr({QStringLiteral("scale"),
                                         m_app,
                                         QStringLiteral("3"),
                                         QStringLiteral("--expect"),
                                         QStringLiteral("2")}));
    EXPECT_EQ(stale.exitCode, 3) << qPrintable(stale.err);
    EXPECT_TRUE(stale.err.contains(QStringLiteral("has 4 replicas now, not the 2")))
        << qPrintable(stale.err);
    EXPECT_EQ(ready(), QStringLiteral("4/4"));
    const CliRun unknown = runRagdr(
        ragdr({QStringLiteral("scale"), QStringLiteral("rag-api"), QStringLiteral("5")}));
    EXPECT_EQ(unknown.exitCode, 2) << "a deployment the profile does not describe was scaled";
}

TEST_F(ClusterTest, RolloutStatusAgreesWithKubectl)
{
    ASSERT_NO_FATAL_FAILURE(createDeployment(3));
    EXPECT_EQ(m_kubectl
                  ->run({QStringLiteral("rollout"),
                         QStringLiteral("status"),
                         QStringLiteral("deployment"),
                         m_app})
                  .out.trimmed(),
              QStringLiteral("deployment \"%1\" successfully rolled out").arg(m_app));

    // While ragdr restarts it, both say the same thing at the same moment, and both end satisfied.
    auto restart = QtConcurrent::run([&] {
        return runRagdr(ragdr({QStringLiteral("restart"), m_app}));
    });
    int samples = 0;
    int agreedWhileRolling = 0;
    QString last;
    while (!restart.isFinished() && samples < 60) {
        auto theirs = QtConcurrent::run([&] {
            return m_kubectl->run({QStringLiteral("rollout"),
                                   QStringLiteral("status"),
                                   QStringLiteral("deployment"),
                                   m_app,
                                   QStringLiteral("--watch=false")});
        });
        const CliRun ours = runRagdr(
            ragdr({QStringLiteral("deployments"), QStringLiteral("--json")}));
        const QString k = theirs.result().out.trimmed();
        const QString r = QJsonDocument::fromJson(ours.out.toUtf8())
                              .array()
                              .first()
                              .toObject()
                              .value(QStringLiteral("rollout"))
                              .toString();
        ++samples;
        if (k == r && !k.contains(QLatin1String("successfully")))
            ++agreedWhileRolling;
        last = k + QStringLiteral(" | ") + r;
    }
    const CliRun restarted = restart.result();
    EXPECT_EQ(restarted.exitCode, 0) << qPrintable(restarted.err);
    EXPECT_GT(agreedWhileRolling, 0)
        << "never the same message during the rollout; last: " << qPrintable(last);
    const CliRun status = runRagdr(ragdr({QStringLiteral("rollout-status"), m_app}));
    EXPECT_EQ(status.exitCode, 0);
    EXPECT_EQ(status.out.trimmed(),
              QStringLiteral("deployment \"%1\" successfully rolled out").arg(m_app));
    // kubectl sees the restart ragdr made, with its annotation.
    const QJsonObject annotations = deploymentObject()
                                        .value(QStringLiteral("spec"))
                                        .toObject()
                                        .value(QStringLiteral("template"))
                                        .toObject()
                                        .value(QStringLiteral("metadata"))
                                        .toObject()
                                        .value(QStringLiteral("annotations"))
                                        .toObject();
    EXPECT_FALSE(
        annotations.value(QStringLiteral("kubectl.kubernetes.io/restartedAt")).toString().isEmpty());
}

TEST_F(ClusterTest, LogsAndEventsAreTheServersOwn)
{
    ASSERT_NO_FATAL_FAILURE(createDeployment(1));
    const QString pod = rows(m_kubectl
                                 ->run({QStringLiteral("get"),
                                        QStringLiteral("pods"),
                                        QStringLiteral("-l"),
                                        QStringLiteral("app=") + m_app,
                                        QStringLiteral("--no-headers")})
                                 .out)
                            .value(0)
                            .value(0);
    ASSERT_FALSE(pod.isEmpty());
    const KubectlRun theirs = m_kubectl->run(
        {QStringLiteral("logs"), pod, QStringLiteral("--tail=5")});
    const CliRun ours = runRagdr(
        ragdr({QStringLiteral("logs"), pod, QStringLiteral("--tail"), QStringLiteral("5")}));
    ASSERT_EQ(ours.exitCode, 0) << qPrintable(ours.err);
    // The log grows between the two reads: the lines both returned agree, in order.
    const QStringList k = theirs.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QStringList r = ours.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_FALSE(r.isEmpty());
    ASSERT_LE(r.size(), 5) << "--tail 5 gave more";
    ASSERT_FALSE(k.isEmpty());
    EXPECT_TRUE(k.contains(r.first()) || r.contains(k.last())) << qPrintable(theirs.out) << "---\n"
                                                               << qPrintable(ours.out);

    const CliRun events = runRagdr(
        ragdr({QStringLiteral("events"), QStringLiteral("--for"), QStringLiteral("pod/") + pod}));
    EXPECT_EQ(events.exitCode, 0);
    EXPECT_TRUE(events.out.contains(QStringLiteral("Scheduled"))) << qPrintable(events.out);
    EXPECT_TRUE(events.out.contains(QStringLiteral("Successfully assigned")))
        << "the MESSAGE column is empty: " << qPrintable(events.out);

    // Follow: new lines keep coming until we stop.
    auto workspace = Workspace::open(m_profilePath);
    ASSERT_TRUE(workspace.has_value());
    auto connection = (*workspace)->kube().forRegion(QStringLiteral("drill"));
    ASSERT_TRUE(connection.has_value());
    KubeApi api(*connection);
    CancelToken cancel;
    int lines = 0;
    LogOptions options;
    options.follow = true;
    options.tailLines = 0;
    auto followed = LogFollower(api).run(pod, options, cancel, [&](const LogLine &line) {
        EXPECT_TRUE(line.at.isValid());
        return ++lines < 3;
    });
    EXPECT_TRUE(followed.has_value());
    EXPECT_EQ(lines, 3);
}

TEST_F(ClusterTest, ManifestExportHoldsCleanObjectsAndNoSecretValue)
{
    const QString dir = m_tmp->path() + QStringLiteral("/export");
    const CliRun exported = runRagdr(ragdr({QStringLiteral("export-manifests"), dir}));
    ASSERT_EQ(exported.exitCode, 0) << qPrintable(exported.err);
    QFile deployment(dir + QStringLiteral("/deployment-rag-api.yaml"));
    ASSERT_TRUE(deployment.open(QIODevice::ReadOnly));
    const QByteArray yaml = deployment.readAll();
    for (const char *absent :
         {"status:", "managedFields", "uid:", "resourceVersion", "creationTimestamp"})
        EXPECT_FALSE(yaml.contains(absent)) << absent << " is in the export:\n" << yaml.constData();
    EXPECT_TRUE(yaml.contains("kind: Deployment"));
    EXPECT_TRUE(QFile::exists(dir + QStringLiteral("/service-rag-api.yaml")));
    EXPECT_TRUE(QFile::exists(dir + QStringLiteral("/configmap-rag-config.yaml")));
    QFile secrets(dir + QStringLiteral("/secrets.yaml"));
    ASSERT_TRUE(secrets.open(QIODevice::ReadOnly));
    const QByteArray secretText = secrets.readAll();
    EXPECT_TRUE(secretText.contains("GEMINI_API_KEY")) << secretText.constData();
    // The values the cluster holds appear nowhere in the export.
    const QJsonObject secret = QJsonDocument::fromJson(m_kubectl
                                                           ->run({QStringLiteral("get"),
                                                                  QStringLiteral("secret"),
                                                                  QStringLiteral("rag-secrets"),
                                                                  QStringLiteral("-o"),
                                                                  QStringLiteral("json")})
                                                           .out.toUtf8())
                                   .object();
    const QJsonObject data = secret.value(QStringLiteral("data")).toObject();
    ASSERT_FALSE(data.isEmpty());
    for (const QString &file : QDir(dir).entryList(QDir::Files)) {
        QFile f(dir + QLatin1Char('/') + file);
        f.open(QIODevice::ReadOnly);
        const QByteArray content = f.readAll();
        for (auto it = data.begin(); it != data.end(); ++it) {
            EXPECT_FALSE(content.contains(it.value().toString().toLatin1())) << qPrintable(file);
            EXPECT_FALSE(content.contains(QByteArray::fromBase64(it.value().toString().toLatin1())))
                << qPrintable(file);
        }
    }
    // SHA256SUMS lists every file it wrote.
    QFile sums(dir + QStringLiteral("/SHA256SUMS"));
    ASSERT_TRUE(sums.open(QIODevice::ReadOnly));
    EXPECT_EQ(sums.readAll().count('\n'), QDir(dir).entryList(QDir::Files).size() - 1);
}

namespace {

// drill-a reached as a user whose token comes from an exec plugin (a shell script of the test's):
// the sandbox's real authentication decides what a credential is worth.
class ClusterAuth : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_sandbox = sandboxContext();
        ASSERT_FALSE(m_sandbox.token.isEmpty());
        m_dir = makeTempDir();
        QFile tokenFile(m_dir->filePath(QStringLiteral("token")));
        ASSERT_TRUE(tokenFile.open(QIODevice::WriteOnly));
        tokenFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        tokenFile.write(m_sandbox.token);
    }

    // The plugin's first credential is refused by the server, every later one is good; each run
    // takes as many seconds as DIR/sleep says (none when it is absent) and is counted in
    // DIR/count.
    void writePlugin()
    {
        QFile script(pluginPath());
        ASSERT_TRUE(script.open(QIODevice::WriteOnly));
        script.write(
            QStringLiteral(
                "#!/bin/sh\n"
                "n=$(cat '%1/count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '%1/count'\n"
                "sleep $(cat '%1/sleep' 2>/dev/null || echo 0)\n"
                "if [ $n -eq 1 ]; then t=expired-credential; else t=$(cat '%1/token'); fi\n"
                "printf "
                "'{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                "\"status\":{\"token\":\"%s\"}}' \"$t\"\n")
                .arg(m_dir->path())
                .toUtf8());
        script.close();
        script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                              | QFileDevice::ExeOwner);
    }

    // A kubeconfig whose context "exec" is drill-a through the plugin.
    QString writeKubeconfig() const
    {
        const QString path = m_dir->filePath(QStringLiteral("kubeconfig"));
        QFile config(path);
        if (!config.open(QIODevice::WriteOnly))
            return {};
        config.write(
            QStringLiteral("apiVersion: v1\nkind: Config\ncurrent-context: exec\n"
                           "clusters:\n- name: drill\n  cluster:\n    server: %1\n    "
                           "certificate-authority-data: %2\n"
                           "users:\n- name: plugin\n  user:\n    exec:\n      apiVersion: "
                           "client.authentication.k8s.io/v1\n"
                           "      command: %3\n      interactiveMode: Never\n"
                           "contexts:\n- name: exec\n  context: {cluster: drill, user: "
                           "plugin, namespace: rag-prod}\n")
                .arg(m_sandbox.server, QString::fromLatin1(m_sandbox.caPem.toBase64()), pluginPath())
                .toUtf8());
        return path;
    }

    void setPluginSeconds(int seconds) const
    {
        QFile f(m_dir->filePath(QStringLiteral("sleep")));
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(QByteArray::number(seconds));
    }

    int runs() const
    {
        QFile count(m_dir->filePath(QStringLiteral("count")));
        return count.open(QIODevice::ReadOnly) ? count.readAll().trimmed().toInt() : 0;
    }

    QString pluginPath() const { return m_dir->filePath(QStringLiteral("plugin.sh")); }

    SandboxContext m_sandbox;
    std::unique_ptr<QTemporaryDir> m_dir;
};

} // namespace

// client-go's rule for exec plugins: after a 401, run the plugin again and retry once.
TEST_F(ClusterAuth, AnExecPluginRunsAgainAfterA401)
{
    ASSERT_NO_FATAL_FAILURE(writePlugin());
    auto connection = KubeConnection::open(
        KubeTarget{QStringLiteral("exec"), QStringLiteral("rag-prod"), writeKubeconfig()});
    ASSERT_TRUE(connection.has_value()) << qPrintable(connection.error().message);
    KubeApi api(*connection);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
    auto pods = api.json(KubeRequest::get(QStringLiteral("/api/v1/namespaces/rag-prod/pods"), query),
                         CancelToken(),
                         QStringLiteral("listing pods"));
    EXPECT_TRUE(pods.has_value()) << qPrintable(pods.error().message);
    EXPECT_EQ(runs(), 2) << "the plugin should have run once, been refused, and run once more";
    // And the good credential is kept: no third run.
    ASSERT_TRUE(api.json(KubeRequest::get(QStringLiteral("/api/v1/namespaces/rag-prod/pods"), query),
                         CancelToken(),
                         QStringLiteral("listing pods"))
                    .has_value());
    EXPECT_EQ(runs(), 2);
}

// The console's three watchers of a region (pods, deployments, events) on one thread, a plugin
// that takes a second, and a burst of 401s when its first credential is refused: one refresh
// serves them all, the thread never waits inside a plugin run (it used to spin one with a lock
// held, and the second watcher asking from inside that loop deadlocked it), the feeds converge
// on the server's truth, and closing the service while a plugin runs does not wait for it.
TEST_F(ClusterAuth, ThreeWatchersThroughABurstOf401sConvergeAndNothingHangs)
{
    ASSERT_FALSE(Kubectl::program().isEmpty()) << Kubectl::missingMessage();
    ASSERT_NO_FATAL_FAILURE(writePlugin());
    setPluginSeconds(1);
    const Kubectl kubectl(TestSandbox::shared().environment().kubeconfigPath(),
                          m_dir->filePath(QStringLiteral("cache")));
    const QString app = uniqueName(QStringLiteral("auth"));
    const KubectlRun created = kubectl.run({QStringLiteral("create"),
                                            QStringLiteral("-f"),
                                            QStringLiteral("-"),
                                            QStringLiteral("--validate=false")},
                                           json(deploymentJson(app, 2)));
    ASSERT_EQ(created.exitCode, 0) << qPrintable(created.all());
    const DeploymentCleanup cleanup(kubectl, app);
    auto serverPods = [&] {
        QSet<QString> names;
        for (const QStringList &row : rows(kubectl
                                               .run({QStringLiteral("get"),
                                                     QStringLiteral("pods"),
                                                     QStringLiteral("-l"),
                                                     QStringLiteral("app=") + app,
                                                     QStringLiteral("--no-headers")})
                                               .out)) {
            names.insert(row.value(0));
        }
        return names;
    };
    ASSERT_TRUE(waitUntil([&] { return serverPods().size() == 2; }, 30000));

    Profile profile = TestSandbox::shared().isolatedProfile(m_dir->path(), {app});
    profile.regions = {profile.regions.constFirst()};
    profile.regions[0].kube = KubeTarget{QStringLiteral("exec"),
                                         QStringLiteral("rag-prod"),
                                         writeKubeconfig()};
    KubeConnections connections(profile);
    auto service = std::make_unique<ClusterService>(profile, &connections);
    const QString region = profile.regions[0].name;
    ResourceStore pods;
    QObject::connect(service.get(),
                     &ClusterService::batch,
                     [&](const QString &, ClusterService::Feed feed, const WatchBatch &b) {
                         if (feed != ClusterService::Feed::Pods)
                             return;
                         // Rows are derived: the store keeps their names.
                         WatchBatch named = b;
                         for (const QString &name : b.names)
                             named.upserts.append(
                                 QJsonObject{{QStringLiteral("metadata"),
                                              QJsonObject{{QStringLiteral("name"), name}}}});
                         pods.apply(named);
                     });
    service->start();
    const bool converged = ragdr::test::waitUntil(
        [&] {
            const RegionStatus status = service->status(region);
            return status.feeds.size() == 3 && status.live()
                   && QSet<QString>(pods.objects().keyBegin(), pods.objects().keyEnd())
                          == serverPods();
        },
        60s);
    if (!converged) {
        // Its thread may be stuck for good: leave it rather than hang the test in its destructor.
        (void) service.release();
        FAIL() << "the watches did not converge after the 401 burst; plugin runs: " << runs();
    }
    EXPECT_EQ(runs(), 2) << "one refresh for the first credential, one shared after the 401s";

    // A plugin run in flight when the console closes: nothing waits for it.
    setPluginSeconds(5);
    connections.forRegion(region).value()->credentials().invalidate();
    service->refresh(region);
    ASSERT_TRUE(ragdr::test::waitUntil([&] { return runs() == 3; }, 10s));
    QElapsedTimer closing;
    closing.start();
    service.reset();
    EXPECT_LT(closing.elapsed(), 2000) << "closing waited for the plugin";
}

// A region whose kubeconfig is not there yet (a laptop before `gcloud container clusters
// get-credentials`) connects as soon as the file appears, without a restart.
TEST(ClusterServiceClient, ARegionConnectsOnceItsKubeconfigAppears)
{
    auto dir = makeTempDir();
    Profile profile = TestSandbox::shared().isolatedProfile(dir->path());
    profile.regions = {profile.regions.constFirst()};
    const QString kubeconfig = dir->filePath(QStringLiteral("kube/config"));
    ASSERT_TRUE(QDir().mkpath(QFileInfo(kubeconfig).absolutePath()));
    profile.regions[0].kube.kubeconfig = kubeconfig;
    KubeConnections connections(profile);
    ClusterService service(profile, &connections);
    const QString region = profile.regions[0].name;
    service.start();
    ASSERT_TRUE(ragdr::test::waitUntil(
        [&] { return service.status(region).clientError.contains(kubeconfig); }, 20s))
        << qPrintable(service.status(region).clientError);
    EXPECT_TRUE(service.status(region).retryTriggers.contains(kubeconfig));

    // Written as tools write it: to a temporary name, then renamed over.
    ASSERT_TRUE(QFile::copy(TestSandbox::shared().environment().kubeconfigPath(),
                            kubeconfig + QStringLiteral(".tmp")));
    ASSERT_TRUE(QFile::rename(kubeconfig + QStringLiteral(".tmp"), kubeconfig));
    EXPECT_TRUE(ragdr::test::waitUntil([&] { return service.status(region).live(); }, 30s))
        << qPrintable(service.status(region).clientError);
}

// The kubeconfig's proxy-url carries every request, as kubectl sends them: through an HTTP
// CONNECT tunnel to the API server, TLS end to end. It used to be read and then ignored, so
// ragdr went around the proxy that kubectl went through.
TEST(ClusterProxy, ProxyUrlCarriesEveryRequestAsInKubectl)
{
    ASSERT_FALSE(Kubectl::program().isEmpty()) << Kubectl::missingMessage();
    ConnectProxy proxy;
    ASSERT_TRUE(proxy.listen());
    auto dir = makeTempDir();
    QFile original(TestSandbox::shared().environment().kubeconfigPath());
    ASSERT_TRUE(original.open(QIODevice::ReadOnly));
    QByteArray text = original.readAll();
    // Every cluster of the sandbox's kubeconfig gets the proxy.
    const QByteArray withProxy = "\n    proxy-url: http://127.0.0.1:"
                                 + QByteArray::number(proxy.port()) + "\n    server: ";
    text.replace(QByteArrayLiteral("\n    server: "), withProxy);
    const QString kubeconfig = dir->filePath(QStringLiteral("kubeconfig"));
    QFile config(kubeconfig);
    ASSERT_TRUE(config.open(QIODevice::WriteOnly));
    config.write(text);
    config.close();
    config.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);

    auto connection = KubeConnection::open(
        KubeTarget{QStringLiteral("drill-a"), QStringLiteral("rag-prod"), kubeconfig});
    ASSERT_TRUE(connection.has_value()) << qPrintable(connection.error().message);
    EXPECT_TRUE((*connection)
                    ->access()
                    .describe()
                    .contains(QStringLiteral("through proxy http://127.0.0.1:%1").arg(proxy.port())))
        << qPrintable((*connection)->access().describe());
    const QString server = QStringLiteral("127.0.0.1:%1").arg((*connection)->access().server.port());
    // The request runs on another thread: this one serves the proxy meanwhile.
    auto list = [&] {
        QFuture<Result<QList<QJsonObject>>> listed = QtConcurrent::run([c = *connection] {
            KubeApi api(c);
            return api.list(QStringLiteral("/api/v1/namespaces/rag-prod/pods"), {}, CancelToken());
        });
        EXPECT_TRUE(ragdr::test::waitUntil([&] { return listed.isFinished(); }, 60s));
        return listed.result();
    };
    const auto pods = list();
    ASSERT_TRUE(pods.has_value()) << qPrintable(pods.error().message);
    EXPECT_FALSE(pods->isEmpty());
    ASSERT_FALSE(proxy.tunnels().isEmpty()) << "ragdr went around the proxy";
    EXPECT_EQ(proxy.tunnels().first(), server);

    // kubectl, the referee, goes the same way.
    const int before = int(proxy.tunnels().size());
    auto kubectl = QtConcurrent::run([&] {
        return Kubectl(kubeconfig, dir->filePath(QStringLiteral("cache")))
            .run({QStringLiteral("get"),
                  QStringLiteral("pods"),
                  QStringLiteral("-n"),
                  QStringLiteral("rag-prod")});
    });
    ASSERT_TRUE(ragdr::test::waitUntil([&] { return kubectl.isFinished(); }, 90s));
    EXPECT_EQ(kubectl.result().exitCode, 0) << qPrintable(kubectl.result().all());
    EXPECT_GT(proxy.tunnels().size(), before);
    EXPECT_TRUE(proxy.tunnels().contains(server));

    // With the proxy gone nothing gets through: nothing went around it.
    proxy.close();
    const auto cut = list();
    EXPECT_FALSE(cut.has_value());
}
