// ragdr's Kubernetes client side by side with the real kubectl, against the drill's simulated
// cluster (context drill-a). Each test acts only on deployments and pods it creates, with a
// profile that names them, so that tests run side by side.
#include "kubectl.h"
#include "ragdrcli.h"
#include "testdatabase.h"
#include "testsandbox.h"

#include "core/cluster/clusteroperations.h"
#include "core/cluster/clusterqueries.h"
#include "core/cluster/kubeapi.h"
#include "core/cluster/kubeconfigloader.h"
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

// client-go's rule for exec plugins: after a 401, run the plugin again and retry once. Against
// the sandbox's real authentication: the plugin's first credential is refused, its second is good.
TEST(ClusterAuth, AnExecPluginRunsAgainAfterA401)
{
    auto sandbox = KubeconfigLoader::load(
        KubeconfigSearch::fromEnvironment(TestSandbox::shared().environment().kubeconfigPath()));
    ASSERT_TRUE(sandbox.has_value()) << qPrintable(sandbox.error().message);
    const KubeContext context = sandbox->contexts.value(QStringLiteral("drill-a"));
    const KubeCluster cluster = sandbox->clusters.value(context.cluster);
    const QByteArray token = sandbox->users.value(context.user).token;
    ASSERT_FALSE(token.isEmpty());

    auto dir = makeTempDir();
    QFile tokenFile(dir->filePath(QStringLiteral("token")));
    ASSERT_TRUE(tokenFile.open(QIODevice::WriteOnly));
    tokenFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    tokenFile.write(token);
    tokenFile.close();
    const QString plugin = dir->filePath(QStringLiteral("plugin.sh"));
    QFile script(plugin);
    ASSERT_TRUE(script.open(QIODevice::WriteOnly));
    script.write(
        QStringLiteral(
            "#!/bin/sh\n"
            "n=$(cat '%1/count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '%1/count'\n"
            "if [ $n -eq 1 ]; then t=expired-credential; else t=$(cat '%1/token'); fi\n"
            "printf "
            "'{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
            "\"status\":{\"token\":\"%s\"}}' \"$t\"\n")
            .arg(dir->path())
            .toUtf8());
    script.close();
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString kubeconfig = dir->filePath(QStringLiteral("kubeconfig"));
    QFile config(kubeconfig);
    ASSERT_TRUE(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("apiVersion: v1\nkind: Config\ncurrent-context: exec\n"
                                "clusters:\n- name: drill\n  cluster:\n    server: %1\n    "
                                "certificate-authority-data: %2\n"
                                "users:\n- name: plugin\n  user:\n    exec:\n      apiVersion: "
                                "client.authentication.k8s.io/v1\n"
                                "      command: %3\n      interactiveMode: Never\n"
                                "contexts:\n- name: exec\n  context: {cluster: drill, user: "
                                "plugin, namespace: rag-prod}\n")
                     .arg(cluster.server,
                          QString::fromLatin1(cluster.certificateAuthorityData.toBase64()),
                          plugin)
                     .toUtf8());
    config.close();

    auto connection = KubeConnection::open(
        KubeTarget{QStringLiteral("exec"), QStringLiteral("rag-prod"), kubeconfig});
    ASSERT_TRUE(connection.has_value()) << qPrintable(connection.error().message);
    KubeApi api(*connection);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
    auto pods = api.json(KubeRequest::get(QStringLiteral("/api/v1/namespaces/rag-prod/pods"), query),
                         CancelToken(),
                         QStringLiteral("listing pods"));
    EXPECT_TRUE(pods.has_value()) << qPrintable(pods.error().message);
    QFile count(dir->filePath(QStringLiteral("count")));
    ASSERT_TRUE(count.open(QIODevice::ReadOnly));
    EXPECT_EQ(count.readAll().trimmed(), QByteArray("2"))
        << "the plugin should have run once, been refused, and run once more";
    // And the good credential is kept: no third run.
    ASSERT_TRUE(api.json(KubeRequest::get(QStringLiteral("/api/v1/namespaces/rag-prod/pods"), query),
                         CancelToken(),
                         QStringLiteral("listing pods"))
                    .has_value());
    count.seek(0);
    EXPECT_EQ(count.readAll().trimmed(), QByteArray("2"));
}
