// Faults during a restore on the real PostgreSQL and a simulated cluster. Each ends with the live
// database either as it was (same rows, same content hashes) or fully swapped, never between, no
// staging database left, and the apps at their replicas.
#include "restorescenario.h"
#include "testsandbox.h"
#include "wait.h"

#include "core/backup/backupnaming.h"
#include "core/db/pgsession.h"
#include "core/incident/journal.h"
#include "core/ops/workspace.h"
#include "core/restore/restoreoperations.h"
#include "core/restore/restoreplan.h"
#include "core/restore/restoreprocess.h"
#include "core/restore/restorestore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QRandomGenerator>
#include <QSignalSpy>

#include <csignal>
#include <cstdio>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;
using namespace std::chrono_literals;

namespace {

// A signal to a child that still runs. Never kill(0, ...): QProcess says pid 0 once the child has
// ended, and that would signal this test's whole process group (ctest with it).
void signalChild(QProcess &process, int signal)
{
    const qint64 pid = process.processId();
    if (pid > 0 && process.state() != QProcess::NotRunning)
        ::kill(pid_t(pid), signal);
}

QString joined(const CliRun &r)
{
    return r.out + r.err;
}

// pg_restore processes anywhere on the machine whose arguments name the database.
QList<qint64> pgRestoresInto(const QString &databasePrefix)
{
    QList<qint64> pids;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> args = cmdline.readAll().split('\0');
        if (!args.isEmpty() && args.constFirst().endsWith("pg_restore")) {
            for (const QByteArray &a : args) {
                if (a.startsWith(databasePrefix.toUtf8()))
                    pids.append(pid);
            }
        }
    }
    return pids;
}

class RestoreFaultsTest : public ::testing::Test
{
protected:
    void prepare(int chunks = 400)
    {
        m_s = std::make_unique<RestoreScenario>(QStringLiteral("drill-a"), chunks);
        ASSERT_TRUE(m_s->setUp());
        m_backedUp = m_s->snapshot();
        // The live database moves on after the backup: "unchanged" and "restored" differ.
        ASSERT_TRUE(addRow());
        m_before = m_s->snapshot();
    }

    bool addRow()
    {
        return m_s->execute(
            QStringLiteral("INSERT INTO documents (id, title, source, topic, created_at) "
                           "VALUES (%1, 'after the backup', 'test', 1, now())")
                .arg(900000 + m_rows++));
    }

    QStringList staging() const
    {
        QStringList out;
        for (const QString &name : m_s->databases()) {
            if (name.startsWith(m_s->name() + QStringLiteral("_restore_")))
                out.append(name);
        }
        return out;
    }

    // The restore left the live database as it was, no staging database, and the apps as they were.
    void expectUntouched()
    {
        EXPECT_EQ(m_s->snapshot(), m_before) << qPrintable(m_s->snapshot().describe());
        EXPECT_TRUE(staging().isEmpty()) << qPrintable(staging().join(QStringLiteral(", ")));
        EXPECT_EQ(m_s->databases(), QStringList{m_s->name()});
        EXPECT_TRUE(m_s->appsAt(RestoreScenario::kNormal));
    }

    CliRun restore(const QStringList &extra = {}) const
    {
        return m_s->ragdr(QStringList{QStringLiteral("restore"),
                                      QStringLiteral("latest"),
                                      QStringLiteral("--confirm"),
                                      m_s->name()}
                          + extra);
    }

    std::unique_ptr<RestoreScenario> m_s;
    DatabaseSnapshot m_backedUp;
    DatabaseSnapshot m_before;
    int m_rows = 0;
};

} // namespace

TEST_F(RestoreFaultsTest, PgRestoreKilledMidWayLeavesTheLiveDatabaseAsItWas)
{
    ASSERT_NO_FATAL_FAILURE(prepare(3000));
    auto process = m_s->startRagdr({QStringLiteral("restore"),
                                    QStringLiteral("latest"),
                                    QStringLiteral("--confirm"),
                                    m_s->name()});
    const QString prefix = m_s->name() + QStringLiteral("_restore_");
    ASSERT_TRUE(waitUntil([&] { return !pgRestoresInto(prefix).isEmpty(); }, 60s));
    for (qint64 pid : pgRestoresInto(prefix)) {
        if (pid > 0)
            ::kill(pid_t(pid), SIGKILL);
    }
    ASSERT_TRUE(process->waitForFinished(120000));
    const QString err = QString::fromUtf8(process->readAllStandardError());
    EXPECT_EQ(process->exitCode(), 1) << qPrintable(err);
    EXPECT_TRUE(err.contains(QStringLiteral("pg_restore --exit-on-error was killed")))
        << qPrintable(err);
    EXPECT_TRUE(err.contains(QStringLiteral("was dropped"))) << qPrintable(err);
    expectUntouched();
}

TEST_F(RestoreFaultsTest, SigkillAtEveryStepLeavesTheOldNamesOrTheNewOnesAndCleanupPutsTheAppsBack)
{
    ASSERT_NO_FATAL_FAILURE(prepare());
    const QStringList steps = core::RestorePlan::restoreStepIds();
    // RAGDR_RESTORE_SOAK=N adds N kills at random steps and moments to the one at each step.
    const int runs = int(steps.size()) + qEnvironmentVariableIntValue("RAGDR_RESTORE_SOAK");
    QMap<QString, int> landedIn;
    int swapped = 0;
    int unchanged = 0;
    int finished = 0;
    int replicas = RestoreScenario::kNormal;
    auto *random = QRandomGenerator::global();
    for (int run = 0; run < runs; ++run) {
        const QString target = run < steps.size() ? steps.at(run)
                                                  : steps.at(random->bounded(int(steps.size())));
        const QString id = QStringLiteral("restore-kill-%1").arg(run);
        auto process = m_s->startRagdr({QStringLiteral("restore"),
                                        QStringLiteral("latest"),
                                        QStringLiteral("--confirm"),
                                        m_s->name(),
                                        QStringLiteral("--restore-id"),
                                        id});
        const bool reached = waitUntil(
            [&] {
                const auto st = m_s->state(id);
                return (st && st->step == target) || process->state() == QProcess::NotRunning;
            },
            120s);
        ASSERT_TRUE(reached) << "never reached " << qPrintable(target);
        // A random moment inside the step: the point of this test is where the kill lands.
        QTest::qWait(int(random->bounded(400)));
        signalChild(*process, SIGKILL);
        process->waitForFinished(30000);
        const auto killed = m_s->state(id);
        ASSERT_TRUE(killed.has_value());
        if (killed->isFinished()) {
            ++finished;
            landedIn[QStringLiteral("after the end")]++;
        } else {
            landedIn[killed->step]++;
            const CliRun cleaned = m_s->ragdr(
                {QStringLiteral("restores"), QStringLiteral("--cleanup"), id});
            ASSERT_EQ(cleaned.exitCode, 0) << qPrintable(joined(cleaned));
        }
        EXPECT_TRUE(staging().isEmpty())
            << "run " << run << ": " << qPrintable(staging().join(QStringLiteral(", ")));
        const DatabaseSnapshot now = m_s->snapshot();
        if (now == m_before) {
            ++unchanged;
        } else {
            ASSERT_EQ(now, m_backedUp)
                << "run " << run << " (killed in " << qPrintable(killed->step)
                << ") left a live database that is neither the old one nor the backup: "
                << qPrintable(now.describe());
            ++swapped;
            replicas = RestoreScenario::kRecovery;
            // What the swap kept is the old live database, whole.
            const QString kept = killed->preRestore;
            EXPECT_EQ(m_s->snapshot(kept), m_before);
            ASSERT_TRUE(m_s->execute(QStringLiteral("DROP DATABASE %1").arg(kept),
                                     QStringLiteral("postgres")));
            ASSERT_TRUE(addRow());
            m_before = m_s->snapshot();
        }
        ASSERT_TRUE(m_s->appsAt(replicas, 120000)) << "run " << run;
        EXPECT_EQ(m_s->databases(), QStringList{m_s->name()}) << "run " << run;
    }
    QStringList tally;
    for (auto it = landedIn.cbegin(); it != landedIn.cend(); ++it)
        tally.append(QStringLiteral("%1 %2").arg(it.key()).arg(it.value()));
    std::printf(
        "SIGKILL tally (%d runs): killed in %s; live database unchanged %d, fully swapped %d "
        "(of which the restore had finished %d), half-restored 0\n",
        runs,
        qPrintable(tally.join(QStringLiteral(", "))),
        unchanged,
        swapped,
        finished);
    EXPECT_EQ(unchanged + swapped, runs);
}

TEST_F(RestoreFaultsTest, ACorruptBackupIsRefusedBeforeAnythingIsTouched)
{
    ASSERT_NO_FATAL_FAILURE(prepare());
    QDir primary(m_s->dir() + QStringLiteral("/primary"));
    const QStringList dumps = primary.entryList({QStringLiteral("rag_backup_2*.dump")}, QDir::Files);
    ASSERT_EQ(dumps.size(), 1);
    QFile dump(primary.filePath(dumps.constFirst()));
    ASSERT_TRUE(dump.open(QIODevice::ReadWrite));
    dump.seek(dump.size() / 2);
    const char flipped = char(~dump.peek(1).at(0));
    dump.write(&flipped, 1);
    dump.close();
    const CliRun r = restore();
    EXPECT_EQ(r.exitCode, 1) << qPrintable(joined(r));
    EXPECT_TRUE(r.err.contains(QStringLiteral("CORRUPT"))) << qPrintable(r.err);
    EXPECT_TRUE(r.err.contains(QStringLiteral("untouched: nothing"))) << qPrintable(r.err);
    expectUntouched();
}

TEST_F(RestoreFaultsTest, AStagingDatabaseThatDiffersFromTheManifestStopsBeforeTheCutOver)
{
    ASSERT_NO_FATAL_FAILURE(prepare());
    QDir primary(m_s->dir() + QStringLiteral("/primary"));
    const QStringList manifests = primary.entryList({QStringLiteral("*.manifest.json")},
                                                    QDir::Files);
    ASSERT_EQ(manifests.size(), 1);
    QFile file(primary.filePath(manifests.constFirst()));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    QJsonObject manifest = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    QJsonObject facts = manifest.value(QStringLiteral("facts")).toObject();
    QJsonArray tables = facts.value(QStringLiteral("tables")).toArray();
    for (int i = 0; i < tables.size(); ++i) {
        QJsonObject t = tables.at(i).toObject();
        if (t.value(QStringLiteral("name")).toString() == QLatin1String("chunks")) {
            t.insert(QStringLiteral("rows"), t.value(QStringLiteral("rows")).toInteger() + 1);
            tables.replace(i, t);
        }
    }
    facts.insert(QStringLiteral("tables"), tables);
    manifest.insert(QStringLiteral("facts"), facts);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(manifest).toJson());
    file.close();

    const CliRun r = restore();
    EXPECT_EQ(r.exitCode, 1) << qPrintable(joined(r));
    EXPECT_TRUE(r.err.contains(QStringLiteral("differs from the backup: public.chunks")))
        << qPrintable(r.err);
    expectUntouched();
}

TEST_F(RestoreFaultsTest, ASessionThatWillNotEndStopsTheCutOverAndPutsEverythingBack)
{
    ASSERT_NO_FATAL_FAILURE(prepare());
    // A superuser's session: the application role that restores may not end it.
    TestSandbox &sandbox = TestSandbox::shared();
    auto stubborn = core::PgSession::connect(sandbox.superuser(),
                                             sandbox.superuserPassword(),
                                             m_s->name());
    ASSERT_TRUE(stubborn.has_value());
    const int pid = (*stubborn)->backendPid();

    const CliRun r = restore();
    EXPECT_EQ(r.exitCode, 1) << qPrintable(joined(r));
    EXPECT_TRUE(r.err.contains(QStringLiteral("pid %1, role postgres").arg(pid)))
        << qPrintable(r.err);
    EXPECT_TRUE(r.err.contains(QStringLiteral("may not end"))) << qPrintable(r.err);
    EXPECT_TRUE(r.err.contains(QStringLiteral("scaled back"))) << qPrintable(r.err);
    stubborn->reset();
    expectUntouched();
}

TEST_F(RestoreFaultsTest, CancelAtEveryStepBeforeTheSwapPutsEverythingBack)
{
    ASSERT_NO_FATAL_FAILURE(prepare());
    auto ws = core::Workspace::open(m_s->profilePath());
    ASSERT_TRUE(ws.has_value());
    const core::RestoreStore store(m_s->dataDir());
    // Each step is cancelled while the walkthrough waits to start it (the pre-flight: as soon as it
    // runs), and the cut-over once more in its middle, when the apps are being stopped.
    const struct
    {
        QString at;
        bool inside;
    } points[] = {{QStringLiteral("preflight"), false},
                  {QStringLiteral("staging"), false},
                  {QStringLiteral("verify"), false},
                  {QStringLiteral("cutover"), false},
                  {QStringLiteral("cutover"), true}};
    for (const auto &[at, inside] : points) {
        core::RestoreOptions options;
        options.region = m_s->region();
        options.backupKey = QStringLiteral("latest");
        options.confirmation = m_s->name();
        options.stepMode = true;
        core::Operation *op = core::RestoreOperations::restore(**ws, options);
        const QString id = op->spec().params.value(QStringLiteral("restore")).toString();
        QSignalSpy done(op, &core::Operation::finished);
        const QStringList ids = core::RestorePlan::restoreStepIds();
        QStringList allowed = at == QLatin1String("preflight") ? QStringList()
                                                               : ids.mid(1, ids.indexOf(at) - 1);
        if (inside)
            allowed.append(at);
        for (const QString &step : std::as_const(allowed)) {
            ASSERT_TRUE(waitUntil(
                [&] {
                    auto st = m_s->state(id);
                    return st && st->waiting == QStringLiteral("continue:") + step;
                },
                60s))
                << qPrintable(step);
            ASSERT_TRUE(core::RestoreProcess::allow(store, id, step).has_value());
        }
        if (inside) {
            ASSERT_TRUE(waitUntil(
                [&] {
                    auto st = m_s->state(id);
                    return st && !st->scaledDown.isEmpty();
                },
                60s));
        } else if (at != QLatin1String("preflight")) {
            ASSERT_TRUE(waitUntil(
                [&] {
                    auto st = m_s->state(id);
                    return st && st->waiting == QStringLiteral("continue:") + at;
                },
                60s))
                << qPrintable(at);
        }
        op->cancel();
        ASSERT_TRUE(done.wait(120000)) << qPrintable(at);
        const auto result = done.first().at(0).value<core::OperationResult>();
        EXPECT_EQ(result.status, core::OperationResult::Status::Cancelled)
            << qPrintable(at + QStringLiteral(": ") + result.message);
        EXPECT_FALSE(result.untouched.isEmpty()) << qPrintable(at);
        const auto st = m_s->state(id);
        ASSERT_TRUE(st.has_value());
        EXPECT_EQ(st->phase, core::RestoreState::Phase::Cancelled);
        EXPECT_FALSE(store.isInterrupted(*st));
        expectUntouched();
    }
}

TEST_F(RestoreFaultsTest, ASecondRestoreIsRefusedNamingTheHolder)
{
    ASSERT_NO_FATAL_FAILURE(prepare());
    // The first waits (walkthrough mode) after its pre-flight, holding the locks.
    const QString id = QStringLiteral("restore-first");
    auto first = m_s->startRagdr({QStringLiteral("restore"),
                                  QStringLiteral("latest"),
                                  QStringLiteral("--confirm"),
                                  m_s->name(),
                                  QStringLiteral("--step-mode"),
                                  QStringLiteral("--restore-id"),
                                  id});
    ASSERT_TRUE(waitUntil(
        [&] {
            auto st = m_s->state(id);
            return st && st->waiting == QLatin1String("continue:staging");
        },
        60s));
    const CliRun second = restore({QStringLiteral("--json")});
    EXPECT_EQ(second.exitCode, 3) << qPrintable(joined(second));
    const QString message = second.json().value(QStringLiteral("message")).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("already running"))) << qPrintable(message);
    EXPECT_TRUE(message.contains(QStringLiteral("pid %1").arg(first->processId())))
        << qPrintable(message);
    EXPECT_TRUE(message.contains(core::Journal::actor())) << qPrintable(message);
    EXPECT_TRUE(message.contains(id)) << qPrintable(message);

    // Another profile on the same database has another data directory and so another lock file:
    // the server's advisory lock refuses it.
    auto otherDir = makeTempDir();
    const QString other = TestSandbox::shared().writeIsolatedProfile(otherDir->path(),
                                                                     m_s->name(),
                                                                     m_s->deployments());
    const CliRun third = runRagdr({QStringLiteral("--profile"),
                                   other,
                                   QStringLiteral("restore"),
                                   QStringLiteral("latest"),
                                   QStringLiteral("--confirm"),
                                   m_s->name()});
    EXPECT_EQ(third.exitCode, 3) << qPrintable(joined(third));
    EXPECT_TRUE(third.err.contains(QStringLiteral("already running on the server")))
        << qPrintable(third.err);
    EXPECT_TRUE(third.err.contains(QStringLiteral("pid %1").arg(first->processId())))
        << qPrintable(third.err);

    signalChild(*first, SIGTERM);
    ASSERT_TRUE(first->waitForFinished(60000));
    EXPECT_EQ(first->exitCode(), 1);
    expectUntouched();
}
