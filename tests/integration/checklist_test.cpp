// The post-recovery checklist, the incident, notifications, reports and the journal's checks, run
// as a user runs them (the ragdr command line) against the drill sandbox's simulated RAG API and
// webhook receiver. These tests inject faults into the sandbox's RAG API of the first region, look
// at both regions' pods and ask the simulated Gemini: they hold the "drill-b" lock, as the fault
// and LLM tests do.
#include "llmsandbox.h"
#include "ragdrcli.h"
#include "testdatabase.h"
#include "testsandbox.h"

#include "sandbox/drillkube.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;

namespace {

class ChecklistCli : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_dir = makeTempDir();
        m_profile = TestSandbox::shared().writeIsolatedProfile(m_dir->path(), m_db.name());
        ASSERT_FALSE(m_profile.isEmpty());
    }

    void TearDown() override { (void) m_kube.heal(QStringLiteral("all")); }

    CliRun ragdr(const QStringList &args, const QByteArray &input = {}) const
    {
        return runRagdr(QStringList{QStringLiteral("--profile"), m_profile} + args, input);
    }

    // Each item's state and its evidence lines, from `checklist run --json`.
    static QHash<QString, std::pair<QString, QString>> items(const CliRun &run)
    {
        QHash<QString, std::pair<QString, QString>> out;
        for (const QJsonValue &v : run.json()
                                       .value(QLatin1String("evidence"))
                                       .toObject()
                                       .value(QLatin1String("items"))
                                       .toArray()) {
            const QJsonObject item = v.toObject();
            QStringList lines{item.value(QLatin1String("summary")).toString()};
            for (const QJsonValue &l : item.value(QLatin1String("evidence"))
                                           .toObject()
                                           .value(QLatin1String("lines"))
                                           .toArray())
                lines.append(l.toString());
            out.insert(item.value(QLatin1String("id")).toString(),
                       {item.value(QLatin1String("state")).toString(),
                        lines.join(QLatin1Char('\n'))});
        }
        return out;
    }

    TestDatabase m_db{300};
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_profile;
    sandbox::DrillKube m_kube{TestSandbox::shared().environment().dir()};
};

} // namespace

TEST_F(ChecklistCli, EveryAutomaticItemPassesOnTheSandboxAndFaultsSayWhy)
{
    for (const QString &region : {QStringLiteral("drill"), QStringLiteral("drill-b")}) {
        const CliRun backup = ragdr({QStringLiteral("backup"), QStringLiteral("--region"), region});
        ASSERT_EQ(backup.exitCode, 0) << qPrintable(backup.err);
    }
    // The LLM item asks the drill's Gemini with the drill's key, held for this run only.
    const CliRun all = ragdr({QStringLiteral("checklist"),
                              QStringLiteral("run"),
                              QStringLiteral("--json"),
                              QStringLiteral("--session-key"),
                              QStringLiteral("ragdr-drill/gemini")},
                             LlmSandbox::drillKey() + '\n');
    const auto results = items(all);
    EXPECT_EQ(all.exitCode, 0) << qPrintable(all.out.left(4000));
    EXPECT_EQ(results.size(), 8);
    EXPECT_TRUE(results.value(QStringLiteral("llm-check")).second.contains(QStringLiteral("answers")))
        << qPrintable(results.value(QStringLiteral("llm-check")).second);
    for (auto it = results.cbegin(); it != results.cend(); ++it)
        EXPECT_EQ(it->first, QStringLiteral("passed"))
            << qPrintable(it.key()) << ": " << qPrintable(it->second);

    ASSERT_TRUE(m_kube.inject(QStringLiteral("rag-api-degraded"), {}).has_value());
    CliRun degraded = ragdr({QStringLiteral("checklist"),
                             QStringLiteral("run"),
                             QStringLiteral("api-status"),
                             QStringLiteral("rag-queries"),
                             QStringLiteral("--region"),
                             QStringLiteral("drill"),
                             QStringLiteral("--json")});
    EXPECT_EQ(degraded.exitCode, 1);
    auto r = items(degraded);
    EXPECT_EQ(r.value(QStringLiteral("api-status")).first, QStringLiteral("failed"));
    EXPECT_TRUE(
        r.value(QStringLiteral("api-status")).second.contains(QStringLiteral("vector_index warn")))
        << qPrintable(r.value(QStringLiteral("api-status")).second);
    EXPECT_EQ(r.value(QStringLiteral("rag-queries")).first, QStringLiteral("failed"));
    EXPECT_TRUE(
        r.value(QStringLiteral("rag-queries")).second.contains(QStringLiteral("answer is degraded")))
        << qPrintable(r.value(QStringLiteral("rag-queries")).second);

    ASSERT_TRUE(m_kube.heal(QStringLiteral("all")).has_value());
    ASSERT_TRUE(m_kube.inject(QStringLiteral("bad-metrics"), {}).has_value());
    r = items(ragdr({QStringLiteral("checklist"),
                     QStringLiteral("run"),
                     QStringLiteral("api-metrics"),
                     QStringLiteral("--region"),
                     QStringLiteral("drill"),
                     QStringLiteral("--json")}));
    EXPECT_EQ(r.value(QStringLiteral("api-metrics")).first, QStringLiteral("failed"));
    EXPECT_TRUE(r.value(QStringLiteral("api-metrics"))
                    .second.contains(QStringLiteral("does not parse: line ")))
        << qPrintable(r.value(QStringLiteral("api-metrics")).second);

    ASSERT_TRUE(m_kube.heal(QStringLiteral("all")).has_value());
    ASSERT_TRUE(m_kube.inject(QStringLiteral("rag-api-down"), {}).has_value());
    const CliRun down = ragdr(
        {QStringLiteral("health"), QStringLiteral("--region"), QStringLiteral("drill")});
    EXPECT_EQ(down.exitCode, 1);
    EXPECT_TRUE(down.out.contains(QStringLiteral("HTTP 503"))) << qPrintable(down.out);
}

TEST_F(ChecklistCli, AnIncidentFromOpenToCloseWithItsUpdatesReportsAndJournal)
{
    CliRun run = ragdr({QStringLiteral("incident"),
                        QStringLiteral("open"),
                        QStringLiteral("--title"),
                        QStringLiteral("Search answers from a stale index"),
                        QStringLiteral("--severity"),
                        QStringLiteral("SEV2"),
                        QStringLiteral("--started"),
                        QStringLiteral("25m"),
                        QStringLiteral("--json")});
    ASSERT_EQ(run.exitCode, 0) << qPrintable(run.err);
    const QString id = run.json()
                           .value(QLatin1String("evidence"))
                           .toObject()
                           .value(QLatin1String("incident"))
                           .toString();
    ASSERT_TRUE(id.startsWith(QStringLiteral("INC-")));
    EXPECT_EQ(ragdr({QStringLiteral("incident"),
                     QStringLiteral("open"),
                     QStringLiteral("--title"),
                     QStringLiteral("again"),
                     QStringLiteral("--severity"),
                     QStringLiteral("SEV2")})
                  .exitCode,
              3)
        << "a second incident while one is open";

    // A gated manual step needs its confirmation; a skip needs its reason.
    EXPECT_EQ(ragdr({QStringLiteral("checklist"), QStringLiteral("done"), QStringLiteral("notify")})
                  .exitCode,
              3);
    EXPECT_EQ(ragdr(
                  {QStringLiteral("checklist"), QStringLiteral("skip"), QStringLiteral("llm-check")})
                  .exitCode,
              2);
    EXPECT_EQ(ragdr({QStringLiteral("checklist"),
                     QStringLiteral("done"),
                     QStringLiteral("notify"),
                     QStringLiteral("--confirm"),
                     QStringLiteral("notify")})
                  .exitCode,
              0);

    run = ragdr({QStringLiteral("notify"), QStringLiteral("--kind"), QStringLiteral("executive")});
    ASSERT_EQ(run.exitCode, 0) << qPrintable(run.err);
    QFile received(TestSandbox::shared().environment().dir()
                   + QStringLiteral("/webhooks/received.jsonl"));
    ASSERT_TRUE(received.open(QIODevice::ReadOnly));
    EXPECT_TRUE(received.readAll().contains(id.toUtf8())) << "the receiver got the update";

    const QString exported = m_dir->path() + QStringLiteral("/postmortem.json");
    run = ragdr({QStringLiteral("report"),
                 QStringLiteral("--kind"),
                 QStringLiteral("postmortem"),
                 QStringLiteral("--format"),
                 QStringLiteral("json"),
                 QStringLiteral("-o"),
                 exported});
    ASSERT_EQ(run.exitCode, 0) << qPrintable(run.err);
    run = ragdr({QStringLiteral("report"),
                 QStringLiteral("--kind"),
                 QStringLiteral("tactical"),
                 QStringLiteral("--format"),
                 QStringLiteral("pdf"),
                 QStringLiteral("-o"),
                 m_dir->path() + QStringLiteral("/tactical.pdf")});
    ASSERT_EQ(run.exitCode, 0) << qPrintable(run.err);
    QFile pdf(m_dir->path() + QStringLiteral("/tactical.pdf"));
    ASSERT_TRUE(pdf.open(QIODevice::ReadOnly));
    EXPECT_TRUE(pdf.read(5) == "%PDF-");

    run = ragdr({QStringLiteral("incident"), QStringLiteral("close")});
    EXPECT_EQ(run.exitCode, 2) << "closing needs the root cause";
    run = ragdr({QStringLiteral("incident"),
                 QStringLiteral("close"),
                 QStringLiteral("--root-cause"),
                 QStringLiteral("an index rebuild served a partial cache"),
                 QStringLiteral("--follow-up"),
                 QStringLiteral("AI Platform: alert on a degraded vector index")});
    ASSERT_EQ(run.exitCode, 0) << qPrintable(run.err);
    run = ragdr({QStringLiteral("incident"), QStringLiteral("status"), QStringLiteral("--json")});
    const QJsonObject incident = run.json().value(QLatin1String("incident")).toObject();
    EXPECT_EQ(incident.value(QLatin1String("id")).toString(), id);
    EXPECT_FALSE(incident.value(QLatin1String("open")).toBool());
    EXPECT_EQ(incident.value(QLatin1String("follow_ups")).toArray().size(), 1);

    // The journal verifies, also against the head the export recorded...
    EXPECT_EQ(ragdr({QStringLiteral("journal"),
                     QStringLiteral("verify"),
                     QStringLiteral("--against"),
                     exported})
                  .exitCode,
              0);
    // ...and a line cut off the end is named.
    const QString journal = m_dir->path() + QStringLiteral("/data/journal.jsonl");
    QFile f(journal);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = f.readAll().split('\n');
    f.close();
    lines.removeAll(QByteArray());
    const int kept = int(lines.size()) - 1;
    ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    for (int i = 0; i < kept; ++i)
        f.write(lines.at(i) + '\n');
    f.close();
    run = ragdr({QStringLiteral("journal"), QStringLiteral("verify")});
    EXPECT_EQ(run.exitCode, 1);
    EXPECT_TRUE(run.err.contains(QStringLiteral("line %1 (entry %1) is missing").arg(kept + 1)))
        << qPrintable(run.err);
}
