// The drill's simulated RAG API and webhook receiver, run in this process on a database of the
// test's own, and the checklist's checks, notifications and exports against them.
#include "operationwait.h"
#include "testdatabase.h"
#include "testsandbox.h"

#include "core/backup/backupoperations.h"
#include "core/base/childprocess.h"
#include "core/db/pgtools.h"
#include "core/health/httpclient.h"
#include "core/health/prometheusparser.h"
#include "core/incident/checklistoperations.h"
#include "core/incident/incidentactions.h"
#include "core/incident/incidentview.h"
#include "core/incident/notifier.h"
#include "core/incident/reportbuilder.h"
#include "core/ops/workspace.h"
#include "core/secrets/secretstore.h"
#include "report/reportexport.h"
#include "sandbox/drillservices.h"
#include "sandbox/ragcorpus.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;

namespace {

QString kubeDir()
{
    return TestSandbox::shared().environment().dir() + QStringLiteral("/kube");
}

QSslConfiguration sandboxTls()
{
    QFile cert(kubeDir() + QStringLiteral("/server.crt"));
    QFile key(kubeDir() + QStringLiteral("/server.key"));
    EXPECT_TRUE(cert.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(cert.readAll(), QSsl::Pem));
    tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa, QSsl::Pem));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    return tls;
}

// A RAG API (region "drill") and a webhook receiver of the test's own, on its own database.
class RagApiTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_dir = makeTempDir();
        sandbox::DrillServicesConfig config;
        config.apis = {
            {QStringLiteral("drill"), QStringLiteral("drill-a"), QStringLiteral("/regions/drill")}};
        config.webhookToken = QStringLiteral("T0KEN-%1").arg(QDateTime::currentMSecsSinceEpoch());
        config.receivedFile = m_dir->filePath(QStringLiteral("received.jsonl"));
        config.database = m_db.use(TestSandbox::shared().profile()).regions.constFirst().database;
        m_services = std::make_unique<sandbox::DrillServices>(config, sandboxTls());
        auto started = m_services->start();
        ASSERT_TRUE(started.has_value()) << qPrintable(started.error().message);
        m_token = config.webhookToken;

        m_profile = m_db.use(TestSandbox::shared().isolatedProfile(m_dir->path()));
        m_profile.health.endpoints = {
            {QStringLiteral("drill"),
             QStringLiteral("https://127.0.0.1:%1/regions/drill").arg(m_services->apiPort()),
             kubeDir() + QStringLiteral("/ca.crt")}};
        m_profile.health.endpoints.append(
            {QStringLiteral("drill-b"),
             QStringLiteral("https://127.0.0.1:%1/regions/drill").arg(m_services->apiPort()),
             kubeDir() + QStringLiteral("/ca.crt")});
        m_profile.health.metricsIntervalSecs = 1;
        recordGolden();
        const QString hookFile = m_dir->filePath(QStringLiteral("webhook.url"));
        QFile hook(hookFile);
        ASSERT_TRUE(hook.open(QIODevice::WriteOnly));
        hook.write(QStringLiteral("https://127.0.0.1:%1/hooks/%2")
                       .arg(m_services->webhookPort())
                       .arg(m_token)
                       .toUtf8());
        hook.close();
        hook.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        m_profile.incident.webhooks = {{QStringLiteral("test-channel"),
                                        {core::SecretRef::Source::File, hookFile},
                                        kubeDir() + QStringLiteral("/ca.crt")}};
        m_ws = core::Workspace::forProfile(m_profile);
    }

    // The golden set, as `ragdr-drill up` records it: what the database answers now.
    void recordGolden()
    {
        auto session = m_db.connect();
        ASSERT_NE(session, nullptr);
        m_profile.health.goldenQueries.clear();
        for (const auto &[id, text] : sandbox::RagCorpus::goldenQueries()) {
            auto hits = sandbox::RagCorpus::search(*session, text, 5, false);
            ASSERT_TRUE(hits.has_value()) << qPrintable(hits.error().message);
            core::GoldenQuery q{id, text, {}};
            for (const auto &h : std::as_const(*hits))
                q.expect.append(QString::number(h.documentId));
            m_profile.health.goldenQueries.append(q);
        }
        m_ws = core::Workspace::forProfile(m_profile);
    }

    core::HttpAnswer call(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        core::HttpClient http;
        core::HttpCall c;
        c.method = method;
        c.url = QUrl(QStringLiteral("https://127.0.0.1:%1/regions/drill%2")
                         .arg(m_services->apiPort())
                         .arg(path));
        c.caFile = kubeDir() + QStringLiteral("/ca.crt");
        c.body = body;
        c.contentType = body.isEmpty() ? QByteArray() : QByteArray("application/json");
        auto answer = http.send(c, core::CancelToken());
        EXPECT_TRUE(answer.has_value()) << qPrintable(answer ? QString() : answer.error().message);
        return answer ? *answer : core::HttpAnswer();
    }

    QJsonObject runChecks(const QStringList &items, int expectedExit)
    {
        const core::OperationResult r = finish(
            core::ChecklistOperations::run(*m_ws, items, QStringLiteral("drill")));
        EXPECT_EQ(r.exitCode(), expectedExit) << qPrintable(r.message);
        QJsonObject byItem;
        for (const QJsonValue &v : r.evidence.value(QLatin1String("items")).toArray())
            byItem.insert(v.toObject().value(QLatin1String("id")).toString(), v.toObject());
        return byItem;
    }

    static QString evidenceText(const QJsonObject &item)
    {
        QStringList lines;
        for (const QJsonValue &l :
             item.value(QLatin1String("evidence")).toObject().value(QLatin1String("lines")).toArray())
            lines.append(l.toString());
        return item.value(QLatin1String("summary")).toString() + QLatin1Char('\n')
               + lines.join(QLatin1Char('\n'));
    }

    TestDatabase m_db{1000};
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<sandbox::DrillServices> m_services;
    QString m_token;
    core::Profile m_profile;
    std::unique_ptr<core::Workspace> m_ws;
};

void addChecklist(core::Profile &p)
{
    p.checklist = {{QStringLiteral("api-status"),
                    QStringLiteral("/status"),
                    QStringLiteral("Service"),
                    QStringLiteral("DevOps"),
                    true,
                    QStringLiteral("api-status"),
                    {},
                    0},
                   {QStringLiteral("api-metrics"),
                    QStringLiteral("/metrics"),
                    QStringLiteral("Service"),
                    QStringLiteral("DevOps"),
                    true,
                    QStringLiteral("api-metrics"),
                    {},
                    0},
                   {QStringLiteral("rag-queries"),
                    QStringLiteral("Sample queries"),
                    QStringLiteral("Data"),
                    QStringLiteral("AI Platform"),
                    true,
                    QStringLiteral("golden-queries"),
                    {},
                    0},
                   {QStringLiteral("notify"),
                    QStringLiteral("Notify"),
                    QStringLiteral("Communication"),
                    QStringLiteral("Commander"),
                    true,
                    {},
                    QStringLiteral("confirm"),
                    0}};
}

} // namespace

TEST_F(RagApiTest, AnswersFromTheDatabaseItServes)
{
    const core::HttpAnswer status = call("GET", QStringLiteral("/status"));
    ASSERT_EQ(status.status, 200) << status.body.constData();
    const QJsonObject components
        = QJsonDocument::fromJson(status.body).object().value(QLatin1String("components")).toObject();
    EXPECT_TRUE(
        components.value(QLatin1String("database"))
            .toObject()
            .value(QLatin1String("output"))
            .toString()
            .startsWith(QStringLiteral("%1 documents").arg(m_db.count(QStringLiteral("documents")))))
        << status.body.constData();

    const core::HttpAnswer query = call("POST",
                                        QStringLiteral("/query"),
                                        R"({"query":"invoices and refunds","top_k":5})");
    ASSERT_EQ(query.status, 200) << query.body.constData();
    const QJsonArray results
        = QJsonDocument::fromJson(query.body).object().value(QLatin1String("results")).toArray();
    ASSERT_EQ(results.size(), 5);
    auto session = m_db.connect();
    ASSERT_NE(session, nullptr);
    double previous = 2.0;
    const qint64 first = results.first().toObject().value(QLatin1String("document_id")).toInteger();
    for (const QJsonValue &v : results) {
        const QJsonObject hit = v.toObject();
        EXPECT_LE(hit.value(QLatin1String("score")).toDouble(), previous);
        previous = hit.value(QLatin1String("score")).toDouble();
    }
    // The best documents are billing's (the seed's topic 0), as the database says.
    for (int i = 0; i < 3; ++i) {
        const QString id = QString::number(
            results.at(i).toObject().value(QLatin1String("document_id")).toInteger());
        auto topic = session->scalar(QStringLiteral("SELECT topic FROM documents WHERE id = $1"),
                                     {id});
        ASSERT_TRUE(topic.has_value());
        EXPECT_EQ(topic->toString(), QStringLiteral("0")) << "document " << qPrintable(id);
    }
    // Data lost is data no longer found.
    ASSERT_TRUE(session
                    ->execute(QStringLiteral(
                                  "DELETE FROM embeddings WHERE chunk_id IN (SELECT id FROM chunks "
                                  "WHERE document_id = $1)"),
                              {QString::number(first)})
                    .has_value());
    const QJsonArray after = QJsonDocument::fromJson(
                                 call("POST",
                                      QStringLiteral("/query"),
                                      R"({"query":"invoices and refunds","top_k":5})")
                                     .body)
                                 .object()
                                 .value(QLatin1String("results"))
                                 .toArray();
    for (const QJsonValue &v : after)
        EXPECT_NE(v.toObject().value(QLatin1String("document_id")).toInteger(), first);

    // /metrics counts what it served: two queries, one /status.
    const core::HttpAnswer metrics = call("GET", QStringLiteral("/metrics"));
    auto set = core::PrometheusParser::parse(metrics.body);
    ASSERT_TRUE(set.has_value()) << qPrintable(set.error().message);
    const core::MetricFamily *requests = set->family(u"http_requests_total");
    ASSERT_NE(requests, nullptr);
    double queries = 0;
    for (const core::MetricSample &s : requests->samples) {
        if (s.label(u"handler") == QLatin1String("/query"))
            queries += s.value;
    }
    EXPECT_EQ(queries, 2);
}

TEST_F(RagApiTest, FaultsFailTheChecksWithEvidenceThatSaysWhy)
{
    addChecklist(m_profile);
    m_ws = core::Workspace::forProfile(m_profile);
    const QStringList items{QStringLiteral("api-status"),
                            QStringLiteral("api-metrics"),
                            QStringLiteral("rag-queries")};
    QJsonObject r = runChecks(items, 0);
    for (const QString &id : items)
        EXPECT_EQ(r.value(id).toObject().value(QLatin1String("state")).toString(),
                  QStringLiteral("passed"))
            << qPrintable(evidenceText(r.value(id).toObject()));

    ASSERT_TRUE(
        m_services->inject(QStringLiteral("rag-api-degraded"), QStringLiteral("drill")).has_value());
    r = runChecks({QStringLiteral("api-status"), QStringLiteral("rag-queries")}, 1);
    const QString status = evidenceText(r.value(QLatin1String("api-status")).toObject());
    EXPECT_TRUE(status.contains(QStringLiteral("vector_index warn (index rebuilding")))
        << qPrintable(status);
    const QString queries = evidenceText(r.value(QLatin1String("rag-queries")).toObject());
    EXPECT_TRUE(queries.contains(QStringLiteral("FAILED"))) << qPrintable(queries);
    EXPECT_TRUE(queries.contains(QStringLiteral("the API says its answer is degraded")))
        << qPrintable(queries);
    EXPECT_TRUE(queries.contains(QStringLiteral("no longer returned")))
        << "what changed since the passing run: " << qPrintable(queries);

    m_services->heal(QStringLiteral("all"));
    ASSERT_TRUE(
        m_services->inject(QStringLiteral("bad-metrics"), QStringLiteral("drill-a")).has_value());
    r = runChecks({QStringLiteral("api-metrics")}, 1);
    const QString metrics = evidenceText(r.value(QLatin1String("api-metrics")).toObject());
    EXPECT_TRUE(metrics.contains(QStringLiteral("does not parse: line "))) << qPrintable(metrics);
    EXPECT_TRUE(metrics.contains(QStringLiteral("column"))) << qPrintable(metrics);

    m_services->heal({});
    ASSERT_TRUE(m_services->inject(QStringLiteral("rag-api-down"), {}).has_value());
    r = runChecks({QStringLiteral("api-status")}, 1);
    EXPECT_TRUE(evidenceText(r.value(QLatin1String("api-status")).toObject())
                    .contains(QStringLiteral("HTTP 503")));
    for (int i = 0; i < 10; ++i)
        call("POST", QStringLiteral("/query"), R"({"query":"invoices","top_k":1})"); // 503s, counted
    m_services->heal({});
    runChecks({QStringLiteral("api-status")}, 0);
    // Recovered: the outage's 503s are still in the totals, and judge nothing now.
    r = runChecks({QStringLiteral("api-metrics")}, 0);
    const QString metricsNow = evidenceText(r.value(QLatin1String("api-metrics")).toObject());
    EXPECT_TRUE(metricsNow.contains(QStringLiteral("not judged"))) << qPrintable(metricsNow);
}

TEST_F(RagApiTest, AnOlderBackupRestoredShowsWhatTheSampleQueriesLost)
{
    addChecklist(m_profile);
    m_ws = core::Workspace::forProfile(m_profile);
    const core::OperationResult backup = finish(
        core::BackupOperations::backup(m_ws->runner(), m_profile, QStringLiteral("drill")));
    ASSERT_TRUE(backup.ok()) << qPrintable(backup.message);
    const QString dump = backup.evidence.value(QLatin1String("file")).toString();

    // Newer documents about billing arrive after the backup, and the golden set is recorded.
    auto session = m_db.connect();
    ASSERT_NE(session, nullptr);
    ASSERT_TRUE(session
                    ->execute(QStringLiteral(
                        "INSERT INTO documents (id, title, source, topic, created_at) "
                        "SELECT 100000 + g, 'Billing runbook, new part ' || g, "
                        "'s3://rag-corpus/billing/new-' || g, 0, now() "
                        "FROM generate_series(1, 3) g;"
                        "INSERT INTO chunks (id, document_id, ord, body) SELECT 1000000 + g, "
                        "100000 + g, 0, 'About billing: refunds' "
                        "FROM generate_series(1, 3) g;"
                        "INSERT INTO embeddings (chunk_id, model, embedding) SELECT 1000000 + g, "
                        "'drill-embed-384', "
                        "ARRAY(SELECT (drill_noise(100000 + k) + 0.01 * drill_noise(g * 7919 + "
                        "k))::real FROM generate_series(1, 384) k ORDER BY k) "
                        "FROM generate_series(1, 3) g"))
                    .has_value());
    recordGolden();
    EXPECT_TRUE(
        m_profile.health.goldenQueries.constFirst().expect.contains(QStringLiteral("100001")));
    addChecklist(m_profile);
    m_ws = core::Workspace::forProfile(m_profile);
    runChecks({QStringLiteral("rag-queries")}, 0);

    // The runbook's restore of the older backup: the newer documents are gone.
    const core::DatabaseConfig db = m_profile.regions.constFirst().database;
    auto password = core::SecretStore::read(db.password);
    ASSERT_TRUE(password.has_value());
    auto pass = core::PgPassFile::create(db, *password);
    ASSERT_TRUE(pass.has_value());
    auto pgRestore = core::PgTools::locate(QStringLiteral("pg_restore"));
    ASSERT_TRUE(pgRestore.has_value()) << qPrintable(pgRestore.error().message);
    core::ChildSpec spec;
    spec.program = *pgRestore;
    spec.arguments = core::PgTools::connectionArguments(db)
                     + QStringList{QStringLiteral("--clean"),
                                   QStringLiteral("--if-exists"),
                                   QStringLiteral("-d"),
                                   db.name,
                                   dump};
    spec.environment = core::PgPassFile::environmentFor(db, pass->get());
    auto restored = core::ChildProcess::run(spec, core::CancelToken());
    ASSERT_TRUE(restored.has_value());
    ASSERT_TRUE(restored->succeeded())
        << qPrintable(restored->failureText(QStringLiteral("pg_restore")));

    const QJsonObject r = runChecks({QStringLiteral("rag-queries")}, 1);
    const QString evidence = evidenceText(r.value(QLatin1String("rag-queries")).toObject());
    EXPECT_TRUE(evidence.contains(QStringLiteral("missing: 100001"))
                || evidence.contains(QStringLiteral("missing: 100002"))
                || evidence.contains(QStringLiteral("missing: 100003")))
        << qPrintable(evidence);
    EXPECT_TRUE(evidence.contains(
        QStringLiteral("changed since the previous run: no longer returned 1000")))
        << qPrintable(evidence);
}

TEST_F(RagApiTest, NotificationsAndExportsAreRecordedAndHoldNoSecret)
{
    addChecklist(m_profile);
    m_ws = core::Workspace::forProfile(m_profile);
    core::IncidentDraft draft;
    draft.title = QStringLiteral("Answers without sources");
    draft.severity = QStringLiteral("SEV1");
    auto id = core::IncidentActions::open(m_ws->journal(), m_profile, draft);
    ASSERT_TRUE(id.has_value()) << qPrintable(id.error().message);
    auto view = core::IncidentView::load(m_profile, m_ws->journal().path(), true);
    ASSERT_TRUE(view.has_value());
    EXPECT_TRUE(view->reminder.due == false);
    auto update = core::ReportBuilder::build(core::Report::Kind::Tactical, m_profile, *view);
    ASSERT_TRUE(update.has_value());
    update->section(QStringLiteral("needs"))->text = QStringLiteral(
        "- Gemini quota raised by AI Platform");

    core::OperationResult sent = finish(core::Notifier::sendWebhooks(*m_ws, *update, {}));
    ASSERT_TRUE(sent.ok()) << qPrintable(sent.message);
    QFile received(m_dir->filePath(QStringLiteral("received.jsonl")));
    ASSERT_TRUE(received.open(QIODevice::ReadOnly));
    const QByteArray got = received.readAll();
    EXPECT_TRUE(got.contains(id->toUtf8())) << got.constData();
    EXPECT_TRUE(got.contains("Gemini quota raised by AI Platform"))
        << "the edited text is what goes out";

    ASSERT_TRUE(m_services->inject(QStringLiteral("webhook-down"), {}).has_value());
    sent = finish(core::Notifier::sendWebhooks(*m_ws, *update, {}));
    EXPECT_FALSE(sent.ok());
    EXPECT_TRUE(sent.message.contains(QStringLiteral("HTTP 503"))) << qPrintable(sent.message);
    EXPECT_FALSE(sent.message.contains(m_token)) << "the webhook's token leaked into a message";

    view = core::IncidentView::load(m_profile, m_ws->journal().path(), true);
    ASSERT_TRUE(view.has_value());
    QStringList kinds;
    for (const core::JournalEntry &e : view->timeline())
        kinds.append(e.type);
    EXPECT_TRUE(kinds.contains(QStringLiteral("notification.sent")));
    EXPECT_TRUE(kinds.contains(QStringLiteral("notification.failed")));
    EXPECT_TRUE(view->log.lastUpdateSent(*id).has_value());

    auto postmortem = core::ReportBuilder::build(core::Report::Kind::Postmortem, m_profile, *view);
    ASSERT_TRUE(postmortem.has_value());
    QStringList files;
    for (const QString &format : {QStringLiteral("md"),
                                  QStringLiteral("html"),
                                  QStringLiteral("json"),
                                  QStringLiteral("pdf")}) {
        const QString path = m_dir->filePath(QStringLiteral("report.") + format);
        const core::OperationResult written = finish(
            report::ReportExport::write(*m_ws,
                                        *postmortem,
                                        *report::ReportExport::formatFromName(format),
                                        path));
        ASSERT_TRUE(written.ok()) << qPrintable(written.message);
        files.append(path);
    }
    files.append(m_ws->journal().path());
    const QByteArray appPassword = TestSandbox::shared().appPassword();
    ASSERT_FALSE(appPassword.isEmpty());
    for (const QString &path : std::as_const(files)) {
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        EXPECT_FALSE(content.contains(m_token.toUtf8())) << "webhook token in " << qPrintable(path);
        EXPECT_FALSE(content.contains(appPassword)) << "database password in " << qPrintable(path);
    }
    QFile pdf(files.at(3));
    ASSERT_TRUE(pdf.open(QIODevice::ReadOnly));
    const QByteArray pdfBytes = pdf.readAll();
    EXPECT_TRUE(pdfBytes.startsWith("%PDF-"));
    EXPECT_TRUE(pdfBytes.contains("/FontFile2")) << "fonts are embedded, so it prints as it looks";
    // Every export names the journal's head; the journal verifies against it.
    for (int i = 0; i < 3; ++i) {
        QFile f(files.at(i));
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        const auto head = core::JournalHead::findIn(f.readAll());
        ASSERT_TRUE(head.has_value()) << qPrintable(files.at(i));
        EXPECT_EQ(head->hash, view->head.hash);
        auto check = core::Journal::verify(m_ws->journal().path(), *head);
        ASSERT_TRUE(check.has_value());
        EXPECT_TRUE(check->intact) << qPrintable(check->problem);
    }
}
