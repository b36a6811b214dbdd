// Exec credential plugins as client-go runs them (plugin/pkg/client/auth/exec/exec.go), with fake
// plugins: a shell script that records how it was called and answers as the test tells it.
#include "core/cluster/clusteraccess.h"
#include "core/cluster/execcredentialprovider.h"
#include "core/cluster/kubeconfigloader.h"

#include "testcertificates.h"
#include "wait.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimer>
#include <QtConcurrent>

#include <gtest/gtest.h>

#include <csignal>

using namespace ragdr::core;
using namespace std::chrono_literals;
using ragdr::test::testCertificates;

namespace {

const QByteArray kV1 = "client.authentication.k8s.io/v1";
const QByteArray kV1beta1 = "client.authentication.k8s.io/v1beta1";

// Records its run, KUBERNETES_EXEC_INFO, environment and arguments in $RECORD_DIR, then prints an
// ExecCredential with a numbered token, or fails, or prints $PLUGIN_OUTPUT, as the env says.
const QByteArray kFakePlugin = R"(#!/bin/sh
echo run >> "$RECORD_DIR/runs"
echo $$ >> "$RECORD_DIR/pids"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$RECORD_DIR/exec-info.json"
env > "$RECORD_DIR/env.txt"
printf '%s\n' "$@" > "$RECORD_DIR/args.txt"
if [ -n "$PLUGIN_SLEEP" ]; then sleep "$PLUGIN_SLEEP"; fi
if [ -n "$PLUGIN_FAIL" ]; then
    echo '{"status":{"token":"plugin-token-9999"}}'
    echo "warning: an earlier line" >&2
    echo "$PLUGIN_FAIL" >&2
    exit 3
fi
if [ -n "$PLUGIN_OUTPUT" ]; then cat "$PLUGIN_OUTPUT"; exit 0; fi
runs=$(wc -l < "$RECORD_DIR/runs" | tr -d ' ')
expiry=$(date -u -d "+${PLUGIN_EXPIRES_IN:-3600} seconds" +%Y-%m-%dT%H:%M:%SZ)
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"plugin-token-%04d","expirationTimestamp":"%s"}}\n' \
    "$PLUGIN_API_VERSION" "$runs" "$expiry"
)";

class ExecCredentialTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        installPlugin(path(QStringLiteral("plugins/fake-plugin")));
        QDir().mkpath(path(QStringLiteral("empty-bin")));
        QDir().mkpath(path(QStringLiteral("home")));
        QDir().mkpath(path(QStringLiteral("record")));
    }

    QString path(const QString &relative) const
    {
        return m_dir.path() + QLatin1Char('/') + relative;
    }

    void installPlugin(const QString &where) const
    {
        QDir().mkpath(QFileInfo(where).absolutePath());
        QFile f(where);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(kFakePlugin);
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    QString write(const QString &relative, const QByteArray &content) const
    {
        const QString p = path(relative);
        QDir().mkpath(QFileInfo(p).absolutePath());
        QFile f(p);
        EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(content);
        return p;
    }

    QByteArray read(const QString &relative) const
    {
        QFile f(path(relative));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    int runs() const { return int(read(QStringLiteral("record/runs")).count('\n')); }
    QJsonObject execInfo() const
    {
        return QJsonDocument::fromJson(read(QStringLiteral("record/exec-info.json"))).object();
    }
    QStringList pluginEnvironment() const
    {
        return QString::fromUtf8(read(QStringLiteral("record/env.txt"))).split(QLatin1Char('\n'));
    }

    // Nothing on the fake PATH; the Google Cloud SDK places under a fake home.
    ExecPluginSearch search() const
    {
        return {{path(QStringLiteral("empty-bin"))},
                ExecPluginSearch::googleCloudSdkDirs(path(QStringLiteral("home")))};
    }

    // A kubeconfig whose user runs `command` with the given exec fields and environment.
    QString kubeconfig(const QByteArray &apiVersion,
                       const QByteArray &command,
                       const QByteArray &execExtra,
                       const QList<std::pair<QByteArray, QByteArray>> &env,
                       const QByteArray &clusterExtra = {})
    {
        QByteArray envYaml = "      - {name: RECORD_DIR, value: '"
                             + path(QStringLiteral("record")).toUtf8() + "'}\n";
        envYaml += "      - {name: PLUGIN_API_VERSION, value: '" + apiVersion + "'}\n";
        for (const auto &[name, value] : env)
            envYaml += "      - {name: " + name + ", value: '" + value + "'}\n";
        return write(QStringLiteral("kube/config"),
                     "clusters:\n"
                     "- name: k\n"
                     "  cluster:\n"
                     "    server: https://k.example:6443\n"
                         + clusterExtra
                         + "users:\n"
                           "- name: u\n"
                           "  user:\n"
                           "    exec:\n"
                           "      apiVersion: "
                         + apiVersion + "\n      command: " + command + "\n" + execExtra
                         + "      env:\n" + envYaml
                         + "contexts:\n"
                           "- name: c\n"
                           "  context: {cluster: k, user: u}\n"
                           "current-context: c\n");
    }

    std::shared_ptr<CredentialProvider> provider(const QString &kubeconfigPath)
    {
        auto config = KubeconfigLoader::load(KubeconfigSearch{kubeconfigPath, {}, {}});
        EXPECT_TRUE(config.has_value()) << qPrintable(config.error().message);
        if (!config)
            return {};
        auto access = ClusterAccess::resolve(*config);
        EXPECT_TRUE(access.has_value()) << qPrintable(access.error().message);
        if (!access)
            return {};
        auto p = access->credentialProvider(search());
        EXPECT_TRUE(p.has_value()) << qPrintable(p.error().message);
        return p ? *p : nullptr;
    }

    // A v1 plugin that takes this many seconds to answer.
    std::shared_ptr<CredentialProvider> slowPlugin(const QByteArray &seconds)
    {
        return provider(kubeconfig(kV1,
                                   "../plugins/fake-plugin",
                                   "      interactiveMode: Never\n",
                                   {{"PLUGIN_SLEEP", seconds}}));
    }

    QTemporaryDir m_dir;
};

} // namespace

TEST_F(ExecCredentialTest, V1PluginGetsExecInfoArgsAndEnvAndItsTokenIsUsed)
{
    auto p = provider(
        kubeconfig(kV1,
                   "../plugins/fake-plugin",
                   "      args: [--cluster, eu-west, \"8080\"]\n      interactiveMode: Never\n",
                   {{"EXTRA_SETTING", "from-kubeconfig"}}));
    ASSERT_TRUE(p);
    auto cred = p->credential();
    ASSERT_TRUE(cred.has_value()) << qPrintable(cred.error().message);
    EXPECT_EQ(cred->bearerToken, QByteArray("plugin-token-0001"));
    EXPECT_EQ(cred->authorizationHeader(), QByteArray("Bearer plugin-token-0001"));
    EXPECT_TRUE(cred->expiresAt.isValid());
    EXPECT_FALSE(cred->describe().contains(QStringLiteral("plugin-token")))
        << qPrintable(cred->describe());

    const QJsonObject info = execInfo();
    EXPECT_EQ(info.value(QStringLiteral("apiVersion")).toString(), QString::fromLatin1(kV1));
    EXPECT_EQ(info.value(QStringLiteral("kind")).toString(), QStringLiteral("ExecCredential"));
    const QJsonObject spec = info.value(QStringLiteral("spec")).toObject();
    EXPECT_EQ(spec.value(QStringLiteral("interactive")), QJsonValue(false));
    EXPECT_FALSE(spec.contains(QStringLiteral("cluster")))
        << "cluster only with provideClusterInfo";
    EXPECT_EQ(read(QStringLiteral("record/args.txt")), QByteArray("--cluster\neu-west\n8080\n"));
    EXPECT_TRUE(pluginEnvironment().contains(QStringLiteral("EXTRA_SETTING=from-kubeconfig")));
}

TEST_F(ExecCredentialTest, V1beta1PluginWorksWithoutInteractiveMode)
{
    auto p = provider(kubeconfig(kV1beta1, "../plugins/fake-plugin", {}, {}));
    ASSERT_TRUE(p);
    auto cred = p->credential();
    ASSERT_TRUE(cred.has_value()) << qPrintable(cred.error().message);
    EXPECT_EQ(cred->bearerToken, QByteArray("plugin-token-0001"));
    EXPECT_EQ(execInfo().value(QStringLiteral("apiVersion")).toString(),
              QString::fromLatin1(kV1beta1));
}

TEST_F(ExecCredentialTest, ProvideClusterInfoHandsThePluginTheCluster)
{
    const auto &certs = testCertificates();
    ASSERT_TRUE(certs.error.isEmpty()) << qPrintable(certs.error);
    auto p = provider(kubeconfig(kV1beta1,
                                 "../plugins/fake-plugin",
                                 "      provideClusterInfo: true\n",
                                 {},
                                 "    certificate-authority-data: " + certs.caCertPem.toBase64()
                                     + "\n"
                                       "    tls-server-name: api.internal\n"
                                       "    proxy-url: http://proxy.example:3128\n"
                                       "    extensions:\n"
                                       "    - name: client.authentication.k8s.io/exec\n"
                                       "      extension: {audience: rag-prod, retries: 3}\n"
                                       "    - name: something-else\n"
                                       "      extension: {ignored: true}\n"));
    ASSERT_TRUE(p);
    auto cred = p->credential();
    ASSERT_TRUE(cred.has_value()) << qPrintable(cred.error().message);
    const QJsonObject cluster = execInfo()
                                    .value(QStringLiteral("spec"))
                                    .toObject()
                                    .value(QStringLiteral("cluster"))
                                    .toObject();
    EXPECT_EQ(cluster.value(QStringLiteral("server")).toString(),
              QStringLiteral("https://k.example:6443"));
    EXPECT_EQ(cluster.value(QStringLiteral("tls-server-name")).toString(),
              QStringLiteral("api.internal"));
    EXPECT_EQ(cluster.value(QStringLiteral("proxy-url")).toString(),
              QStringLiteral("http://proxy.example:3128"));
    EXPECT_EQ(QByteArray::fromBase64(
                  cluster.value(QStringLiteral("certificate-authority-data")).toString().toLatin1()),
              certs.caCertPem);
    EXPECT_FALSE(cluster.contains(QStringLiteral("insecure-skip-tls-verify")));
    const QJsonObject config = cluster.value(QStringLiteral("config")).toObject();
    EXPECT_EQ(config.value(QStringLiteral("audience")).toString(), QStringLiteral("rag-prod"));
    EXPECT_EQ(config.value(QStringLiteral("retries")).toInt(), 3);
}

TEST_F(ExecCredentialTest, CredentialIsCachedUntilItExpiresAndUntilInvalidated)
{
    auto p = provider(kubeconfig(kV1,
                                 "../plugins/fake-plugin",
                                 "      interactiveMode: IfAvailable\n",
                                 {{"PLUGIN_EXPIRES_IN", "3"}}));
    ASSERT_TRUE(p);
    auto first = p->credential();
    ASSERT_TRUE(first.has_value()) << qPrintable(first.error().message);
    auto again = p->credential();
    EXPECT_EQ(runs(), 1) << "the plugin ran again before its credential expired";
    EXPECT_EQ(again->bearerToken, first->bearerToken);
    EXPECT_EQ(again->serial, first->serial);

    // After expirationTimestamp has passed, the next call runs the plugin again.
    ASSERT_TRUE(
        ragdr::test::waitUntil([&] { return QDateTime::currentDateTimeUtc() > first->expiresAt; },
                               10s));
    auto renewed = p->credential();
    ASSERT_TRUE(renewed.has_value()) << qPrintable(renewed.error().message);
    EXPECT_EQ(runs(), 2);
    EXPECT_EQ(renewed->bearerToken, QByteArray("plugin-token-0002"));

    // A 401 for the current credential: run again at once; a late 401 for an old one: do not.
    p->invalidate(renewed->serial);
    auto afterUnauthorized = p->credential();
    EXPECT_EQ(runs(), 3);
    EXPECT_EQ(afterUnauthorized->bearerToken, QByteArray("plugin-token-0003"));
    p->invalidate(renewed->serial);
    EXPECT_EQ(p->credential()->bearerToken, QByteArray("plugin-token-0003"));
    EXPECT_EQ(runs(), 3);
    p->invalidate();
    EXPECT_EQ(p->credential()->bearerToken, QByteArray("plugin-token-0004"));
}

TEST_F(ExecCredentialTest, CallersAskingTogetherShareOneRun)
{
    auto p = slowPlugin("0.5");
    ASSERT_TRUE(p);
    QList<QFuture<QByteArray>> futures;
    for (int i = 0; i < 4; ++i) {
        futures.append(QtConcurrent::run([p] {
            auto cred = p->credential();
            return cred ? cred->bearerToken : QByteArray("error: ") + cred.error().message.toUtf8();
        }));
    }
    for (QFuture<QByteArray> &f : futures)
        EXPECT_EQ(f.result(), QByteArray("plugin-token-0001"));
    EXPECT_EQ(runs(), 1);
}

TEST_F(ExecCredentialTest, MissingPluginSaysWhereItLookedAndGivesTheInstallHint)
{
    auto p = provider(
        kubeconfig(kV1beta1,
                   "ragdr-test-absent-auth-plugin",
                   "      installHint: Install the plugin with apt-get install ragdr-test-plugin\n",
                   {}));
    ASSERT_TRUE(p);
    auto cred = p->credential();
    ASSERT_FALSE(cred.has_value());
    const QString &m = cred.error().message;
    EXPECT_TRUE(
        m.contains(QStringLiteral("exec: executable ragdr-test-absent-auth-plugin not found")))
        << qPrintable(m);
    EXPECT_TRUE(
        m.contains(QStringLiteral("Install the plugin with apt-get install ragdr-test-plugin")))
        << qPrintable(m);
    EXPECT_TRUE(m.contains(path(QStringLiteral("empty-bin")))) << qPrintable(m);
    EXPECT_TRUE(m.contains(path(QStringLiteral("home/google-cloud-sdk/bin")))) << qPrintable(m);
    EXPECT_TRUE(m.contains(QStringLiteral("/usr/lib/google-cloud-sdk/bin"))) << qPrintable(m);
    EXPECT_TRUE(m.contains(QStringLiteral("/snap/google-cloud-sdk/current/bin"))) << qPrintable(m);
    EXPECT_EQ(runs(), 0);
}

TEST_F(ExecCredentialTest, PluginOnlyInTheGoogleCloudSdkIsFoundAndGetsItsDirectoryOnPath)
{
    const QString sdkBin = path(QStringLiteral("home/google-cloud-sdk/bin"));
    installPlugin(sdkBin + QStringLiteral("/ragdr-test-gcloud-auth-plugin"));
    auto p = provider(kubeconfig(kV1beta1, "ragdr-test-gcloud-auth-plugin", {}, {}));
    ASSERT_TRUE(p);
    auto cred = p->credential();
    ASSERT_TRUE(cred.has_value()) << qPrintable(cred.error().message);
    EXPECT_EQ(cred->bearerToken, QByteArray("plugin-token-0001"));
    bool pathStartsWithSdk = false;
    for (const QString &line : pluginEnvironment())
        pathStartsWithSdk |= line.startsWith(QStringLiteral("PATH=") + sdkBin + QLatin1Char(':'));
    EXPECT_TRUE(pathStartsWithSdk) << "gke-gcloud-auth-plugin calls the gcloud beside it";
}

TEST_F(ExecCredentialTest, ApiVersionMismatchIsAClearError)
{
    // The plugin answers v1 although the kubeconfig asks for v1beta1.
    const QString config = kubeconfig(kV1beta1, "../plugins/fake-plugin", {}, {});
    write(QStringLiteral("kube/config"),
          read(QStringLiteral("kube/config"))
              .replace(QByteArray("value: '" + kV1beta1 + "'"), QByteArray("value: '" + kV1 + "'")));
    auto p = provider(config);
    ASSERT_TRUE(p);
    auto cred = p->credential();
    ASSERT_FALSE(cred.has_value());
    EXPECT_TRUE(cred.error().message.contains(QStringLiteral(
        "exec plugin is configured to use API version client.authentication.k8s.io/v1beta1, plugin "
        "returned version client.authentication.k8s.io/v1")))
        << qPrintable(cred.error().message);
}

TEST_F(ExecCredentialTest, PluginFailureShowsItsLastStderrLineAndNeverItsOutput)
{
    auto p = provider(
        kubeconfig(kV1,
                   "../plugins/fake-plugin",
                   "      interactiveMode: Never\n",
                   {{"PLUGIN_FAIL",
                     "ERROR: (gcloud.auth) You do not currently have an active account"}}));
    ASSERT_TRUE(p);
    auto cred = p->credential();
    ASSERT_FALSE(cred.has_value());
    EXPECT_EQ(cred.error().kind, Error::Kind::Failed);
    const QString &m = cred.error().message;
    EXPECT_TRUE(m.contains(
        QStringLiteral("failed with exit code 3: ERROR: (gcloud.auth) You do not currently have "
                       "an active account")))
        << qPrintable(m);
    EXPECT_FALSE(m.contains(QStringLiteral("plugin-token"))) << qPrintable(m);
    // Failures are not cached: the next request tries again.
    EXPECT_FALSE(p->credential().has_value());
    EXPECT_EQ(runs(), 2);
}

TEST_F(ExecCredentialTest, PluginMayAnswerWithAClientCertificate)
{
    const auto &certs = testCertificates();
    ASSERT_TRUE(certs.error.isEmpty()) << qPrintable(certs.error);
    const QJsonObject answer{{QStringLiteral("apiVersion"), QString::fromLatin1(kV1)},
                             {QStringLiteral("kind"), QStringLiteral("ExecCredential")},
                             {QStringLiteral("status"),
                              QJsonObject{{QStringLiteral("clientCertificateData"),
                                           QString::fromLatin1(certs.clientCertPem)},
                                          {QStringLiteral("clientKeyData"),
                                           QString::fromLatin1(certs.clientKeyPem)}}}};
    const QString output = write(QStringLiteral("answer.json"), QJsonDocument(answer).toJson());
    auto p = provider(kubeconfig(kV1,
                                 "../plugins/fake-plugin",
                                 "      interactiveMode: Never\n",
                                 {{"PLUGIN_OUTPUT", output.toUtf8()}}));
    ASSERT_TRUE(p);
    auto cred = p->credential();
    ASSERT_TRUE(cred.has_value()) << qPrintable(cred.error().message);
    EXPECT_TRUE(cred->bearerToken.isEmpty());
    EXPECT_TRUE(cred->authorizationHeader().isEmpty());
    ASSERT_TRUE(cred->hasClientCertificate());
    EXPECT_FALSE(cred->expiresAt.isValid());
    const QSslConfiguration tls = cred->applyTo(QSslConfiguration::defaultConfiguration());
    EXPECT_EQ(tls.localCertificate(), QSslCertificate::fromData(certs.clientCertPem).constFirst());
    EXPECT_EQ(tls.privateKey().algorithm(), QSsl::Ec);
    EXPECT_TRUE(cred->describe().contains(QStringLiteral("CN=ragdr-test-admin")))
        << qPrintable(cred->describe());
}

TEST_F(ExecCredentialTest, InteractiveAlwaysIsRefusedBecauseThereIsNoTerminal)
{
    auto p = provider(
        kubeconfig(kV1, "../plugins/fake-plugin", "      interactiveMode: Always\n", {}));
    ASSERT_TRUE(p);
    auto cred = p->credential();
    ASSERT_FALSE(cred.has_value());
    EXPECT_TRUE(cred.error().message.contains(
        QStringLiteral("cannot support interactive mode: standard input is not "
                       "a terminal")))
        << qPrintable(cred.error().message);
    EXPECT_EQ(runs(), 0);
}

// The plugin runs on a thread of its own: the caller (an operation's thread) waits without an
// event loop, and its cancel, from another thread as the console's Cancel comes, ends the wait
// and, with no other waiter, the plugin.
TEST_F(ExecCredentialTest, CancelStopsAPluginThatHangs)
{
    auto p = slowPlugin("30");
    ASSERT_TRUE(p);
    CancelToken cancel;
    QElapsedTimer took;
    took.start();
    QFuture<Result<Credential>> asked = QtConcurrent::run(
        [p, cancel] { return p->credential(cancel); });
    ASSERT_TRUE(ragdr::test::waitUntil([&] { return runs() == 1; }, 10s));
    cancel.cancel();
    ASSERT_TRUE(ragdr::test::waitUntil([&] { return asked.isFinished(); }, 10s));
    const Result<Credential> cred = asked.result();
    ASSERT_FALSE(cred.has_value());
    EXPECT_EQ(cred.error().kind, Error::Kind::Cancelled);
    EXPECT_LT(took.elapsed(), 10000);
    const pid_t plugin = read(QStringLiteral("record/pids")).trimmed().toInt();
    ASSERT_GT(plugin, 0);
    EXPECT_TRUE(ragdr::test::waitUntil([&] { return ::kill(plugin, 0) != 0; }, 10s))
        << "nobody waits for the plugin any more, yet it still runs";
}

// What the watches do on the cluster thread: ask without blocking, and wait for the one refresh
// through its future, shared with a blocking caller; nothing here runs an event loop inside
// another while a lock is held.
TEST_F(ExecCredentialTest, AskingWithoutBlockingSharesTheRefreshWithBlockingCallers)
{
    auto p = slowPlugin("1");
    ASSERT_TRUE(p);
    PendingCredential first = p->request();
    ASSERT_FALSE(first.ready.has_value()) << "nothing is cached yet: a plugin must run";
    PendingCredential second = p->request();
    ASSERT_FALSE(second.ready.has_value());
    QFuture<Result<Credential>> blocking = QtConcurrent::run([p] { return p->credential(); });
    // The GUI thread stays free meanwhile: its event loop turns while it waits.
    int turns = 0;
    QTimer ticker;
    QObject::connect(&ticker, &QTimer::timeout, [&] { ++turns; });
    ticker.start(50);
    ASSERT_TRUE(ragdr::test::waitUntil(
        [&] { return first.refresh.isFinished() && second.refresh.isFinished(); }, 10s));
    EXPECT_GT(turns, 5);
    ASSERT_TRUE(first.refresh.result().has_value());
    EXPECT_EQ(first.refresh.result()->bearerToken, QByteArray("plugin-token-0001"));
    EXPECT_EQ(second.refresh.result()->serial, first.refresh.result()->serial);
    blocking.waitForFinished();
    EXPECT_EQ(blocking.result()->serial, first.refresh.result()->serial);
    EXPECT_EQ(runs(), 1);
    // Now it is at hand.
    const PendingCredential cached = p->request();
    ASSERT_TRUE(cached.ready.has_value());
    EXPECT_EQ((*cached.ready)->bearerToken, QByteArray("plugin-token-0001"));
}

// A refresh nobody waits for any more stops its plugin; the next caller starts a fresh one.
TEST_F(ExecCredentialTest, ARefreshEveryoneGaveUpOnIsStoppedAndTheNextStartsAnew)
{
    auto p = slowPlugin("30");
    ASSERT_TRUE(p);
    PendingCredential pending = p->request();
    ASSERT_FALSE(pending.ready.has_value());
    ASSERT_TRUE(ragdr::test::waitUntil([&] { return runs() == 1; }, 10s));
    QFuture<Result<Credential>> refresh = pending.refresh;
    pending = PendingCredential(); // the watcher stopped: its interest goes
    ASSERT_TRUE(ragdr::test::waitUntil([&] { return refresh.isFinished(); }, 10s))
        << "the plugin went on although nobody waited for it";
    EXPECT_FALSE(refresh.result().has_value());
    PendingCredential again = p->request();
    ASSERT_FALSE(again.ready.has_value());
    EXPECT_TRUE(ragdr::test::waitUntil([&] { return runs() == 2; }, 10s));
}

TEST_F(ExecCredentialTest, PluginThatOutlivesItsTimeIsStopped)
{
    KubeExecConfig exec;
    exec.apiVersion = QString::fromLatin1(kV1);
    exec.command = path(QStringLiteral("plugins/fake-plugin"));
    exec.interactiveMode = QStringLiteral("Never");
    exec.env = {{QStringLiteral("RECORD_DIR"), path(QStringLiteral("record"))},
                {QStringLiteral("PLUGIN_SLEEP"), QStringLiteral("30")}};
    ExecCredentialProvider p(exec, std::nullopt, search(), std::chrono::seconds(1));
    QElapsedTimer took;
    took.start();
    auto cred = p.credential();
    ASSERT_FALSE(cred.has_value());
    EXPECT_TRUE(cred.error().message.contains(QStringLiteral("did not finish within 1 s")))
        << qPrintable(cred.error().message);
    EXPECT_LT(took.elapsed(), 10000);
}

TEST(ExecCredentialOutput, IsCheckedAsClientGoChecksIt)
{
    const QString v1 = QString::fromLatin1(kV1);
    auto error = [&](const QByteArray &json) {
        auto r = ExecCredentialProvider::parseOutput(json, v1, QStringLiteral("p"));
        return r ? QStringLiteral("(accepted)") : r.error().message;
    };
    EXPECT_TRUE(error("not json").contains(QStringLiteral("decoding stdout")));
    EXPECT_TRUE(error(R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t"}})")
                    .contains(QStringLiteral("Object 'Kind' is missing")));
    EXPECT_TRUE(error(R"({"kind":"ExecCredential","status":{"token":"t"}})")
                    .contains(QStringLiteral("plugin returned version (none)")));
    EXPECT_TRUE(error(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})")
                    .contains(QStringLiteral("didn't return a status field")));
    EXPECT_TRUE(
        error(
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})")
            .contains(QStringLiteral("didn't return a token or cert/key pair")));
    EXPECT_TRUE(error(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
                      R"("status":{"clientCertificateData":"x"}})")
                    .contains(QStringLiteral("only certificate or key, not both")));
    const QString badTime = error(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
        R"("status":{"token":"secret-value","expirationTimestamp":"tomorrow"}})");
    EXPECT_TRUE(badTime.contains(QStringLiteral("not an RFC 3339 time"))) << qPrintable(badTime);
    EXPECT_FALSE(badTime.contains(QStringLiteral("secret-value")));

    auto ok = ExecCredentialProvider::parseOutput(
        R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
        R"("status":{"token":"t","expirationTimestamp":"2030-01-02T15:04:05.123456789+01:00"}})",
        v1,
        QStringLiteral("p"));
    ASSERT_TRUE(ok.has_value()) << qPrintable(ok.error().message);
    EXPECT_EQ(ok->expiresAt, QDateTime(QDate(2030, 1, 2), QTime(14, 4, 5, 123), Qt::UTC));
}

TEST(ExecCredentialInfo, OmitsEmptyClusterFieldsAsClientGoDoes)
{
    ExecClusterInfo cluster;
    cluster.server = QStringLiteral("https://k:6443");
    const QJsonObject info = QJsonDocument::fromJson(
                                 ExecCredentialProvider::execInfo(QString::fromLatin1(kV1), cluster))
                                 .object();
    const QJsonObject c
        = info.value(QStringLiteral("spec")).toObject().value(QStringLiteral("cluster")).toObject();
    EXPECT_EQ(c.keys(), QStringList{QStringLiteral("server")});
}
