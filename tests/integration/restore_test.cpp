// The verified restore end to end, through the ragdr command line as a user runs it, against the
// drill's real PostgreSQL and a simulated cluster, with kubectl as the referee of the apps.
#include "restorescenario.h"
#include "testsandbox.h"

#include "core/backup/backupnaming.h"
#include "core/db/pgtools.h"
#include "core/incident/journal.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;

namespace {

QString joined(const CliRun &r)
{
    return r.out + r.err;
}

QStringList keptDatabases(const RestoreScenario &s, const QString &kind)
{
    QStringList out;
    for (const QString &name : s.databases()) {
        if (name.startsWith(s.name() + QLatin1Char('_') + kind + QLatin1Char('_')))
            out.append(name);
    }
    return out;
}

} // namespace

TEST(RestoreTest, LatestRestoresSwapsBringsTheAppsBackAndRollbackReturnsTheNewRow)
{
    RestoreScenario s;
    ASSERT_TRUE(s.setUp());
    const DatabaseSnapshot backedUp = s.snapshot();
    ASSERT_TRUE(
        s.execute(QStringLiteral("INSERT INTO documents (id, title, source, topic, created_at) "
                                 "VALUES (999999, 'after the backup', 'test', 1, now())")));
    const DatabaseSnapshot withRow = s.snapshot();
    ASSERT_NE(withRow, backedUp);

    const CliRun restored = s.ragdr({QStringLiteral("restore"),
                                     QStringLiteral("latest"),
                                     QStringLiteral("--confirm"),
                                     s.name(),
                                     QStringLiteral("--json")});
    ASSERT_EQ(restored.exitCode, 0) << qPrintable(joined(restored));
    const QJsonObject result = restored.json();
    EXPECT_EQ(result.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));

    // The live database holds what the backup holds: the row inserted after it is gone.
    EXPECT_EQ(s.snapshot(), backedUp) << qPrintable(s.snapshot().describe());
    const QStringList pre = keptDatabases(s, QStringLiteral("pre_restore"));
    ASSERT_EQ(pre.size(), 1);
    EXPECT_EQ(s.snapshot(pre.constFirst()), withRow);
    EXPECT_TRUE(keptDatabases(s, QStringLiteral("restore")).isEmpty())
        << "no staging database is left";
    EXPECT_TRUE(s.appsAt(RestoreScenario::kRecovery));

    // The manifest's counts are the restored ones, and the journal has every step with its time.
    const QJsonObject postFacts = result.value(QStringLiteral("evidence"))
                                      .toObject()
                                      .value(QStringLiteral("post_checks"))
                                      .toObject();
    for (const QJsonValue &t : postFacts.value(QStringLiteral("tables")).toArray()) {
        const QString table = t.toObject().value(QStringLiteral("name")).toString();
        EXPECT_EQ(t.toObject().value(QStringLiteral("rows")).toInteger(), backedUp.rows.value(table))
            << qPrintable(table);
    }
    auto journal = core::Journal::readAll(s.dataDir() + QStringLiteral("/journal.jsonl"));
    ASSERT_TRUE(journal.has_value());
    QStringList steps;
    for (const QJsonObject &line : *journal) {
        if (line.value(QStringLiteral("type")).toString() == QLatin1String("restore.step")) {
            steps.append(line.value(QStringLiteral("step")).toString());
            EXPECT_GE(line.value(QStringLiteral("duration_ms")).toInteger(-1), 0);
            EXPECT_EQ(line.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        }
    }
    EXPECT_EQ(steps,
              (QStringList{QStringLiteral("preflight"),
                           QStringLiteral("staging"),
                           QStringLiteral("verify"),
                           QStringLiteral("cutover"),
                           QStringLiteral("bringback"),
                           QStringLiteral("postchecks")}));
    bool recorded = false;
    for (const QJsonObject &line : *journal)
        recorded = recorded
                   || line.value(QStringLiteral("type")).toString()
                          == QLatin1String("recovery.post_checks_passed");
    EXPECT_TRUE(recorded);

    const CliRun listed = s.ragdr({QStringLiteral("restores")});
    EXPECT_EQ(listed.exitCode, 0) << qPrintable(joined(listed));
    EXPECT_TRUE(listed.out.contains(pre.constFirst())) << qPrintable(listed.out);

    // Roll back: the database from before the restore, with its row, is live again.
    const CliRun back = s.ragdr({QStringLiteral("rollback"), QStringLiteral("--confirm"), s.name()});
    ASSERT_EQ(back.exitCode, 0) << qPrintable(joined(back));
    EXPECT_EQ(s.snapshot(), withRow);
    EXPECT_EQ(keptDatabases(s, QStringLiteral("rolled_back")).size(), 1);
    EXPECT_TRUE(keptDatabases(s, QStringLiteral("pre_restore")).isEmpty());
    EXPECT_TRUE(s.appsAt(RestoreScenario::kRecovery));
}

TEST(RestoreTest, PlanShowsEveryStepBesideTheRunbookAndTouchesNothing)
{
    RestoreScenario s;
    ASSERT_TRUE(s.setUp());
    const DatabaseSnapshot before = s.snapshot();
    const CliRun plan = s.ragdr({QStringLiteral("restore"),
                                 QStringLiteral("latest"),
                                 QStringLiteral("--plan"),
                                 QStringLiteral("--disrupted-at"),
                                 QStringLiteral("2020-01-01T00:00:00Z"),
                                 QStringLiteral("--json")});
    ASSERT_EQ(plan.exitCode, 0) << qPrintable(joined(plan));
    const QJsonArray steps = plan.json().value(QStringLiteral("steps")).toArray();
    ASSERT_EQ(steps.size(), 6);
    for (const QJsonValue &v : steps) {
        EXPECT_FALSE(v.toObject().value(QStringLiteral("runbook")).toString().isEmpty());
        EXPECT_FALSE(v.toObject().value(QStringLiteral("why")).toString().isEmpty());
    }
    const QString text
        = s.ragdr({QStringLiteral("restore"), QStringLiteral("latest"), QStringLiteral("--plan")})
              .out;
    EXPECT_TRUE(text.contains(QStringLiteral("--exit-on-error"))) << qPrintable(text);
    EXPECT_TRUE(text.contains(QStringLiteral("RENAME TO %1;").arg(s.name()))) << qPrintable(text);
    EXPECT_TRUE(text.contains(QStringLiteral("Nothing was done"))) << qPrintable(text);
    EXPECT_EQ(s.snapshot(), before);
    EXPECT_EQ(s.databases(), QStringList{s.name()});
    EXPECT_TRUE(s.states().isEmpty());
}

TEST(RestoreTest, WithoutTheDatabaseNamedNothingHappens)
{
    RestoreScenario s;
    ASSERT_TRUE(s.setUp());
    const CliRun refused = s.ragdr({QStringLiteral("restore"),
                                    QStringLiteral("latest"),
                                    QStringLiteral("--confirm"),
                                    QStringLiteral("rag_other")});
    EXPECT_EQ(refused.exitCode, 3) << qPrintable(joined(refused));
    EXPECT_TRUE(refused.err.contains(QStringLiteral("--confirm %1").arg(s.name())))
        << qPrintable(refused.err);
    EXPECT_EQ(s.databases(), QStringList{s.name()});
    EXPECT_EQ(s.specReplicas(s.deployments().constFirst()), RestoreScenario::kNormal);
}

// Runbook 4.1's own scenario, worked as an incident: the restore takes the incident's disruption
// start, records what it brought back, and the checklist compares the live data with it.
TEST(RestoreTest, ALostDatabaseIsRestoredUnderItsNameAndTheIncidentRecordsIt)
{
    RestoreScenario s;
    ASSERT_TRUE(s.setUp());
    const DatabaseSnapshot backedUp = s.snapshot();
    const CliRun opened = s.ragdr({QStringLiteral("incident"),
                                   QStringLiteral("open"),
                                   QStringLiteral("--title"),
                                   QStringLiteral("rag database lost"),
                                   QStringLiteral("--severity"),
                                   QStringLiteral("SEV1")});
    ASSERT_EQ(opened.exitCode, 0) << qPrintable(joined(opened));
    ASSERT_TRUE(s.execute(QStringLiteral("DROP DATABASE %1 WITH (FORCE)").arg(s.name()),
                          QStringLiteral("postgres")));
    const CliRun restored = s.ragdr({QStringLiteral("restore"),
                                     QStringLiteral("latest"),
                                     QStringLiteral("--confirm"),
                                     s.name()});
    ASSERT_EQ(restored.exitCode, 0) << qPrintable(joined(restored));
    EXPECT_EQ(s.snapshot(), backedUp);
    EXPECT_EQ(s.databases(), QStringList{s.name()})
        << "nothing to keep: there was no live database";

    // The restore measured itself from the incident's disruption start (none was given), and the
    // incident knows what was restored: its RPO is the disruption start minus the snapshot.
    auto journal = core::Journal::readAll(s.dataDir() + QStringLiteral("/journal.jsonl"));
    ASSERT_TRUE(journal.has_value());
    QJsonObject passed;
    for (const QJsonObject &line : *journal) {
        if (line.value(QStringLiteral("type")).toString()
            == QLatin1String("recovery.post_checks_passed"))
            passed = line;
    }
    EXPECT_FALSE(passed.value(QStringLiteral("disrupted_at")).toString().isEmpty())
        << QJsonDocument(passed).toJson().constData();
    const CliRun status = s.ragdr({QStringLiteral("incident"), QStringLiteral("--json")});
    ASSERT_EQ(status.exitCode, 0) << qPrintable(joined(status));
    const QJsonObject recovery = status.json().value(QStringLiteral("recovery")).toObject();
    EXPECT_EQ(recovery.value(QStringLiteral("restored_backup")).toString(),
              passed.value(QStringLiteral("backup")).toString())
        << qPrintable(status.out);
    EXPECT_EQ(recovery.value(QStringLiteral("rpo_seconds")).toInteger(-1),
              passed.value(QStringLiteral("rpo_secs")).toInteger(-2))
        << qPrintable(status.out);

    auto check = [&] {
        const CliRun run = s.ragdr({QStringLiteral("checklist"),
                                    QStringLiteral("run"),
                                    QStringLiteral("restored-data"),
                                    QStringLiteral("--json")});
        const QJsonObject item = run.json()
                                     .value(QStringLiteral("evidence"))
                                     .toObject()
                                     .value(QStringLiteral("items"))
                                     .toArray()
                                     .first()
                                     .toObject();
        return std::pair<QString, QString>{item.value(QStringLiteral("state")).toString(),
                                           item.value(QStringLiteral("summary")).toString()
                                               + QLatin1Char('\n') + joined(run)};
    };
    auto [state, text] = check();
    EXPECT_EQ(state, QStringLiteral("passed")) << qPrintable(text);
    EXPECT_TRUE(text.contains(QStringLiteral("holds every row"))) << qPrintable(text);
    // Rows the apps write after the restore are no loss; a row lost since is.
    ASSERT_TRUE(s.execute(QStringLiteral(
        "DELETE FROM embeddings WHERE chunk_id = (SELECT min(chunk_id) FROM embeddings)")));
    std::tie(state, text) = check();
    EXPECT_EQ(state, QStringLiteral("failed")) << qPrintable(text);
    EXPECT_TRUE(text.contains(QStringLiteral("public.embeddings"))) << qPrintable(text);
}

TEST(RestoreTest, ARunbookDumpWithoutManifestIsRestoredAndSaysWhatItCouldNotCheck)
{
    RestoreScenario s;
    ASSERT_TRUE(s.setUp(false));
    const DatabaseSnapshot before = s.snapshot();
    // The runbook's own command, into the primary repository under the runbook's name.
    auto pgDump = core::PgTools::locate(QStringLiteral("pg_dump"));
    ASSERT_TRUE(pgDump.has_value());
    const core::DatabaseConfig super = TestSandbox::shared().superuser();
    auto pass = core::PgPassFile::create(super, TestSandbox::shared().superuserPassword());
    ASSERT_TRUE(pass.has_value());
    ASSERT_TRUE(QDir().mkpath(s.dir() + QStringLiteral("/primary")));
    QProcess dump;
    dump.setProcessEnvironment(core::PgPassFile::environmentFor(super, pass->get()));
    dump.start(*pgDump,
               core::PgTools::connectionArguments(super)
                   + QStringList{QStringLiteral("-d"),
                                 s.name(),
                                 QStringLiteral("-F"),
                                 QStringLiteral("c"),
                                 QStringLiteral("-b"),
                                 QStringLiteral("-f"),
                                 s.dir() + QStringLiteral("/primary/rag_backup_2026-01-22.dump")});
    ASSERT_TRUE(dump.waitForFinished(60000));
    ASSERT_EQ(dump.exitCode(), 0) << dump.readAllStandardError().constData();
    ASSERT_TRUE(s.execute(QStringLiteral("DELETE FROM embeddings WHERE chunk_id < 50")));

    const CliRun restored = s.ragdr({QStringLiteral("restore"),
                                     QStringLiteral("rag_backup_2026-01-22"),
                                     QStringLiteral("--confirm"),
                                     s.name()});
    ASSERT_EQ(restored.exitCode, 0) << qPrintable(joined(restored));
    EXPECT_TRUE(restored.out.contains(QStringLiteral("not checked: sha256: no manifest")))
        << qPrintable(restored.out);
    EXPECT_TRUE(restored.out.contains(
        QStringLiteral("row counts, content hashes and the probes' neighbours: the backup has no "
                       "manifest")))
        << qPrintable(restored.out);
    EXPECT_EQ(s.snapshot(), before);
}

TEST(RestoreTest, DiscardNeedsTheNameTypedAndDropsOnlyAKeptDatabase)
{
    RestoreScenario s;
    ASSERT_TRUE(s.setUp());
    ASSERT_EQ(s.ragdr({QStringLiteral("restore"),
                       QStringLiteral("latest"),
                       QStringLiteral("--confirm"),
                       s.name()})
                  .exitCode,
              0);
    const QStringList pre = keptDatabases(s, QStringLiteral("pre_restore"));
    ASSERT_EQ(pre.size(), 1);
    const CliRun unconfirmed = s.ragdr({QStringLiteral("discard-pre-restore"),
                                        pre.constFirst(),
                                        QStringLiteral("--confirm"),
                                        s.name()});
    EXPECT_EQ(unconfirmed.exitCode, 3) << qPrintable(joined(unconfirmed));
    const CliRun live = s.ragdr(
        {QStringLiteral("discard-pre-restore"), s.name(), QStringLiteral("--confirm"), s.name()});
    EXPECT_EQ(live.exitCode, 2) << qPrintable(joined(live));
    EXPECT_TRUE(s.databases().contains(s.name()));
    const CliRun discarded = s.ragdr({QStringLiteral("discard-pre-restore"),
                                      pre.constFirst(),
                                      QStringLiteral("--confirm"),
                                      pre.constFirst(),
                                      QStringLiteral("--json")});
    EXPECT_EQ(discarded.exitCode, 0) << qPrintable(joined(discarded));
    EXPECT_EQ(s.databases(), QStringList{s.name()});
}
