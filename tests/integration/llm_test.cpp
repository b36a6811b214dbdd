// The Gemini client against the drill's simulated Gemini, which answers with Google's own error
// bodies: for every class, the class found, the number of tries and the waits between them; the
// failover to the backup endpoint; the embedding-dimension check; switching the service's
// ConfigMap (refereed by the real kubectl). The tests hold ctest's "drill-b" lock: a fault applies
// to the whole simulator.
#include "kubectl.h"
#include "llmsandbox.h"
#include "ragdrcli.h"
#include "testsandbox.h"

#include "core/llm/endpointpool.h"
#include "core/llm/geminiclient.h"
#include "core/llm/llmcheck.h"
#include "core/llm/llmoperations.h"
#include "core/llm/serviceswitch.h"
#include "core/ops/workspace.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcessEnvironment>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;
using Class = GeminiFailure::Class;

namespace {

const QString kPrimary = QStringLiteral("gemini-primary");
const QString kBackup = QStringLiteral("gemini-backup");

class LlmTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_tmp = makeTempDir();
        m_profile = LlmSandbox::profile(m_tmp->path());
        ASSERT_EQ(m_profile.llmEndpoints.size(), 2)
            << "the drill profile lists a primary and a backup";
        LlmSandbox::drill().heal(QStringLiteral("all"));
    }

    // A client of one endpoint with a retry schedule short enough for a test.
    GeminiClient client(const QString &endpoint,
                        int attempts,
                        int initialDelayMs = 200,
                        int maxTotalWaitMs = 10000,
                        int timeoutMs = 5000) const
    {
        LlmSettings s = m_profile.llm;
        s.initialDelayMs = initialDelayMs;
        s.maxDelayMs = 5000;
        s.maxTotalWaitMs = maxTotalWaitMs;
        return GeminiClient(LlmSandbox::endpoint(m_profile, endpoint),
                            LlmSandbox::drillKey(),
                            RetryPolicy(s, attempts),
                            timeoutMs);
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    Profile m_profile;
};

// Each class: no retry for what retrying cannot fix.
TEST_F(LlmTest, InvalidKeyIsOneTryAndNamesTheReason)
{
    LlmFault fault(QStringLiteral("llm-invalid-key"));
    ASSERT_TRUE(fault.injected()) << qPrintable(fault.error());
    const GeminiResult r = client(kPrimary, 5).listModels(CancelToken());
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.failure.cls, Class::InvalidKey);
    EXPECT_EQ(r.failure.reason, QStringLiteral("API_KEY_INVALID"));
    EXPECT_EQ(r.failure.httpStatus, 400);
    EXPECT_EQ(r.tries, 1);
    EXPECT_TRUE(r.waitsMs.isEmpty());
}

TEST_F(LlmTest, AKeyTheProviderNeverIssuedIsInvalid)
{
    LlmSettings s = m_profile.llm;
    const GeminiClient stranger(LlmSandbox::endpoint(m_profile, kPrimary),
                                "AIzaSyNotIssuedByTheDrill0000000000000",
                                RetryPolicy(s, 5),
                                5000);
    const GeminiResult r = stranger.listModels(CancelToken());
    EXPECT_EQ(r.failure.cls, Class::InvalidKey);
    EXPECT_EQ(r.tries, 1);
}

TEST_F(LlmTest, ApiDisabledAndUnknownModelAreNotRetried)
{
    {
        LlmFault fault(QStringLiteral("llm-403"));
        const GeminiResult r = client(kPrimary, 5).listModels(CancelToken());
        EXPECT_EQ(r.failure.cls, Class::ApiDisabled);
        EXPECT_EQ(r.failure.reason, QStringLiteral("SERVICE_DISABLED"));
        EXPECT_EQ(r.tries, 1);
    }
    const GeminiResult missing
        = client(kPrimary, 5).getModel(QStringLiteral("gemini-0-nope"), CancelToken());
    EXPECT_EQ(missing.failure.cls, Class::UnknownModel);
    EXPECT_EQ(missing.failure.httpStatus, 404);
    EXPECT_EQ(missing.tries, 1);
}

TEST_F(LlmTest, PerMinuteQuotaWaitsItsRetryDelayThenSucceeds)
{
    // The next two answers are 429 with RetryInfo.retryDelay 0.8s; the third is a success.
    LlmFault fault(QStringLiteral("llm-429"),
                   kPrimary,
                   {{QStringLiteral("count"), 2},
                    {QStringLiteral("retryDelay"), QStringLiteral("0.8s")}});
    ASSERT_TRUE(fault.injected()) << qPrintable(fault.error());
    const GeminiResult r = client(kPrimary, 5).generate(QStringLiteral("ping"), CancelToken());
    ASSERT_TRUE(r.ok) << qPrintable(r.failure.message);
    EXPECT_EQ(r.tries, 3);
    ASSERT_EQ(r.waitsMs.size(), 2);
    for (qint64 wait : r.waitsMs) {
        EXPECT_GE(wait, 800 * 0.9) << "a 429 waits its retryDelay";
        EXPECT_LE(wait, 800 * 1.1) << "a 429 waits its retryDelay, not the backoff";
    }
}

TEST_F(LlmTest, PerDayQuotaIsNotRetried)
{
    LlmFault fault(QStringLiteral("llm-429-day"));
    const GeminiResult r = client(kPrimary, 5).generate(QStringLiteral("ping"), CancelToken());
    EXPECT_EQ(r.failure.cls, Class::QuotaPerDay);
    EXPECT_TRUE(r.failure.quotaId.contains(QStringLiteral("PerDay")));
    EXPECT_EQ(r.tries, 1);
}

TEST_F(LlmTest, OverloadBacksOffExponentiallyWithJitterThenGivesUp)
{
    LlmFault fault(QStringLiteral("llm-503"));
    const GeminiResult r = client(kPrimary, 3, 200).listModels(CancelToken());
    EXPECT_EQ(r.failure.cls, Class::Overloaded);
    EXPECT_EQ(r.failure.googleStatus, QStringLiteral("UNAVAILABLE"));
    EXPECT_EQ(r.tries, 3);
    ASSERT_EQ(r.waitsMs.size(), 2);
    // 200 ms, then 400 ms, each plus up to 200 ms of jitter.
    EXPECT_GE(r.waitsMs.at(0), 200);
    EXPECT_LE(r.waitsMs.at(0), 400 + 50);
    EXPECT_GE(r.waitsMs.at(1), 400);
    EXPECT_LE(r.waitsMs.at(1), 600 + 50);
}

TEST_F(LlmTest, AllWaitsTogetherStayUnderTheCap)
{
    LlmFault fault(QStringLiteral("llm-500"));
    const GeminiResult r = client(kPrimary, 10, 300, 1000).listModels(CancelToken());
    EXPECT_EQ(r.failure.cls, Class::ServerError);
    qint64 total = 0;
    for (qint64 w : r.waitsMs)
        total += w;
    EXPECT_LE(total, 1000 + 50);
    EXPECT_LT(r.tries, 10) << "the total cap stops the retries before the attempts run out";
}

TEST_F(LlmTest, ServerErrorIsRetriedUntilItAnswers)
{
    LlmFault fault(QStringLiteral("llm-500"), kPrimary, {{QStringLiteral("count"), 1}});
    const GeminiResult r = client(kPrimary, 3).listModels(CancelToken());
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.tries, 2);
}

TEST_F(LlmTest, SlowAnswerIsATimeout)
{
    LlmFault fault(QStringLiteral("llm-slow"), kPrimary, {{QStringLiteral("delayMs"), 3000}});
    QElapsedTimer clock;
    clock.start();
    const GeminiResult r = client(kPrimary, 1, 200, 0, 600).listModels(CancelToken());
    EXPECT_EQ(r.failure.cls, Class::Timeout) << qPrintable(r.failure.message);
    EXPECT_LT(clock.elapsed(), 2500) << "the client gave up at its timeout, not at the answer";
}

TEST_F(LlmTest, DownHostIsAConnectionFailure)
{
    LlmFault fault(QStringLiteral("llm-down"));
    const GeminiResult r = client(kPrimary, 2, 100).listModels(CancelToken());
    EXPECT_EQ(r.failure.cls, Class::Connection) << qPrintable(r.failure.message);
    EXPECT_EQ(r.tries, 2) << "a refused connection is retried like any transient failure";
}

TEST_F(LlmTest, UntrustedCertificateIsTlsAndNotRetried)
{
    LlmEndpoint endpoint = LlmSandbox::endpoint(m_profile, kPrimary);
    endpoint.caFile.clear(); // the drill's CA is not among the system's
    const GeminiClient c(endpoint, LlmSandbox::drillKey(), RetryPolicy(m_profile.llm, 5), 5000);
    const GeminiResult r = c.listModels(CancelToken());
    EXPECT_EQ(r.failure.cls, Class::Tls) << qPrintable(r.failure.message);
    EXPECT_EQ(r.tries, 1);
}

TEST_F(LlmTest, AMissingCaFileIsSaidAsSuchNotAsAHandshakeFailure)
{
    LlmEndpoint endpoint = LlmSandbox::endpoint(m_profile, kPrimary);
    endpoint.caFile = m_tmp->path() + QStringLiteral("/no-such-ca.crt");
    const GeminiClient c(endpoint, LlmSandbox::drillKey(), RetryPolicy(m_profile.llm, 5), 5000);
    const GeminiResult r = c.listModels(CancelToken());
    EXPECT_EQ(r.failure.cls, Class::Tls) << qPrintable(r.failure.message);
    EXPECT_TRUE(r.failure.message.contains(endpoint.caFile)) << qPrintable(r.failure.message);
    EXPECT_EQ(r.tries, 1);
}

TEST_F(LlmTest, UnresolvableHostIsDns)
{
    LlmEndpoint endpoint = LlmSandbox::endpoint(m_profile, kPrimary);
    endpoint.url = QStringLiteral("https://gemini.ragdr-test.invalid/v1beta");
    const GeminiClient c(endpoint, LlmSandbox::drillKey(), RetryPolicy(m_profile.llm, 5), 5000);
    const GeminiResult r = c.listModels(CancelToken());
    EXPECT_EQ(r.failure.cls, Class::Dns) << qPrintable(r.failure.message);
    EXPECT_EQ(r.tries, 1);
}

TEST_F(LlmTest, BlockedPromptIsItsOwnClass)
{
    LlmFault fault(QStringLiteral("llm-blocked"));
    const GeminiResult r = client(kPrimary, 3).generate(QStringLiteral("ping"), CancelToken());
    EXPECT_EQ(r.failure.cls, Class::Blocked);
    EXPECT_EQ(r.failure.reason, QStringLiteral("SAFETY"));
    EXPECT_EQ(r.tries, 1);
}

TEST_F(LlmTest, WhatProxiesSendStillGetsAClass)
{
    {
        LlmFault fault(QStringLiteral("llm-html"));
        const GeminiResult r = client(kPrimary, 1).listModels(CancelToken());
        EXPECT_EQ(r.failure.cls, Class::ServerError);
        EXPECT_TRUE(r.failure.message.contains(QStringLiteral("HTML page")))
            << qPrintable(r.failure.message);
    }
    {
        LlmFault fault(QStringLiteral("llm-truncated"));
        const GeminiResult r = client(kPrimary, 1).listModels(CancelToken());
        EXPECT_EQ(r.failure.cls, Class::Overloaded);
        EXPECT_TRUE(r.failure.message.contains(QStringLiteral("cut short")))
            << qPrintable(r.failure.message);
    }
    {
        LlmFault fault(QStringLiteral("llm-array"),
                       kPrimary,
                       {{QStringLiteral("retryDelay"), QStringLiteral("1.5s")}});
        const GeminiResult r = client(kPrimary, 1).listModels(CancelToken());
        EXPECT_EQ(r.failure.cls, Class::QuotaPerMinute);
        EXPECT_EQ(r.failure.retryDelayMs, 1500);
    }
}

TEST_F(LlmTest, FailoverReachesTheBackupAndCoolsThePrimaryDown)
{
    LlmFault fault(QStringLiteral("llm-503"));
    EndpointPool pool(60);
    const OperationResult first = LlmCheck::run(m_profile, {}, pool, Progress());
    ASSERT_TRUE(first.ok()) << qPrintable(first.message);
    EXPECT_EQ(first.evidence.value(QLatin1String("live")).toString(), kBackup);
    const QJsonArray endpoints = first.evidence.value(QLatin1String("endpoints")).toArray();
    const EndpointReport primary = EndpointReport::fromJson(endpoints.at(0).toObject());
    EXPECT_EQ(primary.state, EndpointReport::State::Failed);
    EXPECT_EQ(primary.failure.cls, Class::Overloaded);
    EXPECT_EQ(primary.steps.first().toObject().value(QLatin1String("tries")).toInt(),
              m_profile.llm.attemptsBeforeFailover)
        << "with a backup left, the primary gets only its tries before failover";
    EXPECT_EQ(EndpointReport::fromJson(endpoints.at(1).toObject()).state, EndpointReport::State::Ok);

    // Cooled down: the next check goes straight to the backup.
    const OperationResult second = LlmCheck::run(m_profile, {}, pool, Progress());
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(EndpointReport::fromJson(
                  second.evidence.value(QLatin1String("endpoints")).toArray().at(0).toObject())
                  .state,
              EndpointReport::State::CoolingDown);
}

TEST_F(LlmTest, HealthyPrimaryLeavesTheBackupStandingBy)
{
    EndpointPool pool(60);
    const OperationResult r = LlmCheck::run(m_profile, {}, pool, Progress());
    ASSERT_TRUE(r.ok()) << qPrintable(r.message);
    EXPECT_EQ(r.evidence.value(QLatin1String("live")).toString(), kPrimary);
    EXPECT_EQ(r.evidence.value(QLatin1String("database_dimension")).toInt(), 384);
    const QJsonArray endpoints = r.evidence.value(QLatin1String("endpoints")).toArray();
    EXPECT_EQ(EndpointReport::fromJson(endpoints.at(0).toObject()).embeddingDimension, 384);
    EXPECT_EQ(EndpointReport::fromJson(endpoints.at(1).toObject()).state,
              EndpointReport::State::Standby);
}

TEST_F(LlmTest, EmbeddingDimensionMismatchIsAFailedCheckThatSaysSo)
{
    LlmFault fault(QStringLiteral("llm-dim-768"));
    const QString profile = LlmSandbox::writeProfile(m_tmp->path());
    const CliRun run = runRagdr({QStringLiteral("--profile"),
                                 profile,
                                 QStringLiteral("--json"),
                                 QStringLiteral("llm"),
                                 QStringLiteral("check"),
                                 QStringLiteral("--endpoint"),
                                 kPrimary});
    EXPECT_EQ(run.exitCode, 1) << qPrintable(run.out + run.err);
    const QJsonObject endpoint = run.json()
                                     .value(QLatin1String("evidence"))
                                     .toObject()
                                     .value(QLatin1String("endpoints"))
                                     .toArray()
                                     .first()
                                     .toObject();
    const QJsonObject failure = endpoint.value(QLatin1String("failure")).toObject();
    EXPECT_EQ(failure.value(QLatin1String("class")).toString(),
              QStringLiteral("dimension-mismatch"));
    EXPECT_TRUE(failure.value(QLatin1String("message")).toString().contains(QStringLiteral("768")));
    EXPECT_TRUE(failure.value(QLatin1String("message")).toString().contains(QStringLiteral("384")));
    EXPECT_EQ(endpoint.value(QLatin1String("database_dimension")).toInt(), 384);
}

TEST_F(LlmTest, WithoutAKeychainTheCliSaysSoAndTakesASessionKeyFromStdin)
{
    const QString profile = LlmSandbox::writeProfile(m_tmp->path(), true);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
               QStringLiteral("unix:path=") + m_tmp->path() + QStringLiteral("/no-bus"));
    env.remove(QStringLiteral("DISPLAY"));
    auto run = [&](const QStringList &args, const QByteArray &input) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QCoreApplication::applicationDirPath() + QStringLiteral("/ragdr"),
                QStringList{QStringLiteral("--profile"), profile} + args);
        p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(120000);
        return CliRun{p.exitCode(),
                      QString::fromUtf8(p.readAllStandardOutput()),
                      QString::fromUtf8(p.readAllStandardError())};
    };
    const CliRun list = run({QStringLiteral("llm"), QStringLiteral("keys"), QStringLiteral("list")},
                            {});
    EXPECT_TRUE(QString(list.out + list.err).contains(QStringLiteral("no keychain service")))
        << qPrintable(list.out + list.err);
    const CliRun stored
        = run({QStringLiteral("llm"), QStringLiteral("keys"), QStringLiteral("set"), kPrimary},
              LlmSandbox::drillKey() + '\n');
    EXPECT_EQ(stored.exitCode, 1) << qPrintable(stored.out + stored.err);
    EXPECT_TRUE(stored.err.contains(QStringLiteral("this session only"))) << qPrintable(stored.err);
    const CliRun checked = run({QStringLiteral("llm"),
                                QStringLiteral("check"),
                                QStringLiteral("--session-key"),
                                QStringLiteral("ragdr-drill/gemini")},
                               LlmSandbox::drillKey() + '\n');
    EXPECT_EQ(checked.exitCode, 0) << qPrintable(checked.out + checked.err);
    EXPECT_TRUE(checked.out.contains(QStringLiteral("gemini-primary answers")))
        << qPrintable(checked.out);
}

class LlmSwitchTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_FALSE(Kubectl::program().isEmpty()) << Kubectl::missingMessage();
        m_tmp = makeTempDir();
        m_kubectl = std::make_unique<Kubectl>(TestSandbox::shared().environment().kubeconfigPath(),
                                              m_tmp->path() + QStringLiteral("/cache"));
        // Deployments and a ConfigMap of the test's own, so that the drill's rag-api and
        // rag-worker, which other tests watch, are left alone.
        m_api = uniqueName(QStringLiteral("api"));
        m_worker = uniqueName(QStringLiteral("worker"));
        m_config = uniqueName(QStringLiteral("config"));
        m_profile = LlmSandbox::profile(m_tmp->path(), {m_api, m_worker});
        m_profile.llm.serviceConfigMap = m_config;
        for (const QString &name : {m_api, m_worker}) {
            const KubectlRun created = m_kubectl->run({QStringLiteral("create"),
                                                       QStringLiteral("-f"),
                                                       QStringLiteral("-"),
                                                       QStringLiteral("--validate=false")},
                                                      json(deploymentJson(name, 1)));
            ASSERT_EQ(created.exitCode, 0) << qPrintable(created.all());
        }
        m_primaryUrl = LlmSandbox::endpoint(m_profile, kPrimary).url;
        const QJsonObject configMap{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                    {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
                                    {QStringLiteral("metadata"),
                                     QJsonObject{{QStringLiteral("name"), m_config}}},
                                    {QStringLiteral("data"),
                                     QJsonObject{{QStringLiteral("GEMINI_BASE_URL"), m_primaryUrl},
                                                 {QStringLiteral("TOP_K"), QStringLiteral("5")}}}};
        const KubectlRun cm = m_kubectl->run({QStringLiteral("create"),
                                              QStringLiteral("-f"),
                                              QStringLiteral("-"),
                                              QStringLiteral("--validate=false")},
                                             json(configMap));
        ASSERT_EQ(cm.exitCode, 0) << qPrintable(cm.all());
        m_ws = Workspace::forProfile(m_profile);
    }

    void TearDown() override
    {
        m_kubectl->run({QStringLiteral("delete"),
                        QStringLiteral("deployment"),
                        m_api,
                        m_worker,
                        QStringLiteral("--wait=false")});
        m_kubectl->run({QStringLiteral("delete"), QStringLiteral("configmap"), m_config});
    }

    QString configured() const
    {
        return m_kubectl
            ->run({QStringLiteral("get"),
                   QStringLiteral("configmap"),
                   m_config,
                   QStringLiteral("-o"),
                   QStringLiteral("jsonpath={.data.GEMINI_BASE_URL}")})
            .out.trimmed();
    }

    QString restartedAt(const QString &deployment) const
    {
        return m_kubectl
            ->run({QStringLiteral("get"),
                   QStringLiteral("deployment"),
                   deployment,
                   QStringLiteral("-o"),
                   QStringLiteral("jsonpath={.spec.template.metadata.annotations.kubectl\\."
                                  "kubernetes\\.io/restartedAt}")})
            .out.trimmed();
    }

    OperationResult runSwitch(const QString &endpoint, const QString &confirmation)
    {
        Operation *op = LlmOperations::switchService(*m_ws, {}, endpoint, confirmation);
        std::optional<OperationResult> result;
        QObject::connect(op, &Operation::finished, [&](const OperationResult &r) { result = r; });
        EXPECT_TRUE(QTest::qWaitFor([&] { return result.has_value(); }, 120000));
        return result.value_or(OperationResult());
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<Kubectl> m_kubectl;
    QString m_api, m_worker, m_config, m_primaryUrl;
    Profile m_profile;
    std::unique_ptr<Workspace> m_ws;
};

TEST_F(LlmSwitchTest, SwitchesTheConfigMapRestartsBothAndProbesThenSwitchesBack)
{
    const QString context = m_profile.regions.constFirst().kube.context;
    const QString backupUrl = LlmSandbox::endpoint(m_profile, kBackup).url;

    const OperationResult refused = runSwitch(kBackup, QStringLiteral("not-the-context"));
    EXPECT_EQ(refused.errorKind, Error::Kind::Refused);
    EXPECT_EQ(configured(), m_primaryUrl) << "a refused switch changes nothing";

    const OperationResult switched = runSwitch(kBackup, context);
    ASSERT_TRUE(switched.ok()) << qPrintable(switched.message);
    EXPECT_EQ(configured(), backupUrl) << "kubectl sees the ConfigMap pointing at the backup";
    EXPECT_FALSE(restartedAt(m_api).isEmpty()) << "rag-api was rollout-restarted";
    EXPECT_FALSE(restartedAt(m_worker).isEmpty()) << "rag-worker was rollout-restarted";
    EXPECT_EQ(switched.evidence.value(QLatin1String("probe"))
                  .toObject()
                  .value(QLatin1String("name"))
                  .toString(),
              kBackup);
    EXPECT_EQ(switched.evidence.value(QLatin1String("probe"))
                  .toObject()
                  .value(QLatin1String("state"))
                  .toString(),
              QStringLiteral("ok"));
    const QString annotation = m_kubectl
                                   ->run({QStringLiteral("get"),
                                          QStringLiteral("configmap"),
                                          m_config,
                                          QStringLiteral("-o"),
                                          QStringLiteral("jsonpath={.metadata.annotations}")})
                                   .out;
    EXPECT_TRUE(annotation.contains(m_primaryUrl))
        << "the switch records what it replaced: " << qPrintable(annotation);

    const OperationResult back = runSwitch({}, context);
    ASSERT_TRUE(back.ok()) << qPrintable(back.message);
    EXPECT_EQ(configured(), m_primaryUrl) << "switching back restores the original value";
    EXPECT_EQ(m_kubectl
                  ->run({QStringLiteral("get"),
                         QStringLiteral("configmap"),
                         m_config,
                         QStringLiteral("-o"),
                         QStringLiteral("jsonpath={.data.TOP_K}")})
                  .out.trimmed(),
              QStringLiteral("5"))
        << "the rest of the ConfigMap is untouched";

    const OperationResult nothing = runSwitch({}, context);
    EXPECT_EQ(nothing.errorKind, Error::Kind::Refused)
        << "with no switch recorded there is nothing to go back to";
}

} // namespace
