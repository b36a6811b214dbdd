// The restore's pieces that need no server: its settings in the profile, the pg_restore progress
// reader, recovery times, the state file and the lock that names its holder.
#include "core/profile/profileloader.h"
#include "core/restore/recoverytimes.h"
#include "core/restore/restorelock.h"
#include "core/restore/restoreplan.h"
#include "core/restore/restoreprogress.h"
#include "core/restore/restorestate.h"

#include <QJsonDocument>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace ragdr::core;

namespace {

QByteArray profileWith(const QByteArray &restore)
{
    return "ragdr_profile: 1\n"
           "service: rag\n"
           + restore
           + "regions:\n"
             "  - name: eu\n"
             "    kube: {context: c, namespace: rag-prod}\n"
             "    database: {host: db, name: rag, user: rag_app}\n"
             "    repositories:\n"
             "      - {name: primary, path: /backups}\n"
             "deployments:\n"
             "  - {name: rag-api, replicas: {normal: 3, recovery: 5}}\n";
}

} // namespace

TEST(RestoreSettings, TheProfileNamesTheRoleJobsAndMemoryOfARestore)
{
    auto p = ProfileLoader::loadText(profileWith("restore:\n"
                                                 "  role: rag_restore\n"
                                                 "  password: {keychain: rag-restore}\n"
                                                 "  jobs: 4\n"
                                                 "  maintenance_work_mem: 1GB\n"
                                                 "  sessions_grace: 30s\n"),
                                     QStringLiteral("/p.yaml"));
    ASSERT_TRUE(p.has_value()) << qPrintable(p.error().message);
    EXPECT_EQ(p->restore.jobs, 4);
    EXPECT_EQ(p->restore.maintenanceWorkMem, QStringLiteral("1GB"));
    EXPECT_EQ(p->restore.sessionsGraceSecs, 30);
    const DatabaseConfig db = p->restore.connectionFor(p->regions.constFirst().database);
    EXPECT_EQ(db.user, QStringLiteral("rag_restore"));
    EXPECT_EQ(db.password.source, SecretRef::Source::Keychain);
    EXPECT_EQ(db.name, QStringLiteral("rag"));

    auto defaults = ProfileLoader::loadText(profileWith({}), QStringLiteral("/p.yaml"));
    ASSERT_TRUE(defaults.has_value());
    EXPECT_EQ(defaults->restore.connectionFor(defaults->regions.constFirst().database).user,
              QStringLiteral("rag_app"));
    EXPECT_EQ(defaults->restore.maintenanceDatabase, QStringLiteral("postgres"));
}

TEST(RestoreSettings, ABadRestoreSectionIsReportedWhereItIs)
{
    auto memory = ProfileLoader::loadText(profileWith("restore:\n  maintenance_work_mem: lots\n"),
                                          QStringLiteral("/p.yaml"));
    ASSERT_FALSE(memory.has_value());
    EXPECT_TRUE(memory.error().message.contains(QStringLiteral(
        "/p.yaml:4:25: restore.maintenance_work_mem: expected a size such as 512MB")))
        << qPrintable(memory.error().message);
    auto orphan = ProfileLoader::loadText(profileWith("restore:\n  password: {file: x}\n"),
                                          QStringLiteral("/p.yaml"));
    ASSERT_FALSE(orphan.has_value());
    EXPECT_TRUE(orphan.error().message.contains(QStringLiteral("a password needs a role")));
    auto unknown = ProfileLoader::loadText(profileWith("restore:\n  jobz: 2\n"),
                                           QStringLiteral("/p.yaml"));
    ASSERT_FALSE(unknown.has_value());
    EXPECT_TRUE(unknown.error().message.contains(QStringLiteral("unknown key \"jobz\"")));
}

TEST(RestoreProgress, TableDataWeighsByItsSizeAndNamesTheTableBeingLoaded)
{
    RestoreProgress p(10,
                      {{QStringLiteral("public.documents"), 10'000, 100},
                       {QStringLiteral("public.embeddings"), 990'000, 1000}});
    // Lines as pg_restore -v -j 2 prints them (checked against PostgreSQL 15).
    p.onLine(QStringLiteral("pg_restore: processing item 214 TABLE documents"));
    p.onLine(QStringLiteral("pg_restore: launching item 3341 TABLE DATA embeddings"));
    p.onLine(QStringLiteral("pg_restore: processing data for table \"public.embeddings\""));
    p.onLine(QStringLiteral("pg_restore: launching item 3340 TABLE DATA documents"));
    p.onLine(QStringLiteral("pg_restore: processing data for table \"public.documents\""));
    p.onLine(QStringLiteral("pg_restore: finished item 3340 TABLE DATA documents"));
    const double afterSmall = p.fraction();
    EXPECT_LT(afterSmall, 0.1) << "a small table moves the bar a little";
    p.onCopy(QStringLiteral("public.embeddings"), 500);
    EXPECT_NEAR(p.fraction() - afterSmall, 0.8 * 0.99 * 0.5, 0.01);
    EXPECT_TRUE(
        p.detail().contains(QStringLiteral("loading public.embeddings (500 of 1,000 rows)")))
        << qPrintable(p.detail());
    p.onLine(QStringLiteral("pg_restore: finished item 3341 TABLE DATA embeddings"));
    p.onIndex(QStringLiteral("embeddings_pkey"), 0.5);
    EXPECT_TRUE(p.detail().contains(QStringLiteral("building index embeddings_pkey (50%)")))
        << qPrintable(p.detail());
    EXPECT_NEAR(p.fraction(), 0.8 + 0.2 * 0.3, 1e-9);
    EXPECT_TRUE(p.loading().isEmpty());
}

TEST(RecoveryTimes, RpoAndRtoAreMeasuredFromTheDisruption)
{
    Profile profile;
    profile.rpoSecs = 3600;
    profile.rtoSecs = 600;
    RecoveryTimes t;
    t.snapshotAt = QDateTime::fromString(QStringLiteral("2026-01-22T06:00:00Z"), Qt::ISODate);
    t.disruptedAt = QDateTime::fromString(QStringLiteral("2026-01-22T08:00:00Z"), Qt::ISODate);
    t.restoreStartedAt = QDateTime::fromString(QStringLiteral("2026-01-22T08:10:00Z"), Qt::ISODate);
    EXPECT_EQ(t.rtoSecs(), std::nullopt) << "no RTO before the post-checks pass";
    t.postChecksPassedAt = QDateTime::fromString(QStringLiteral("2026-01-22T08:15:00Z"),
                                                 Qt::ISODate);
    EXPECT_EQ(t.rpoSecs(), 7200);
    EXPECT_EQ(t.rtoSecs(), 900);
    EXPECT_TRUE(t.rpoText(profile).contains(QStringLiteral("BREACHED")));
    EXPECT_TRUE(t.rtoText(profile).contains(QStringLiteral("RTO 15m (target 10m): BREACHED")))
        << qPrintable(t.rtoText(profile));
    const RecoveryTimes back = RecoveryTimes::fromJson(t.toJson(&profile));
    EXPECT_EQ(back.rpoSecs(), 7200);
    EXPECT_EQ(back.postChecksPassedAt, t.postChecksPassedAt);
    t.disruptedAt = {};
    EXPECT_EQ(t.rtoSecs(), 300) << "without a disruption start, from the restore's start";

    EXPECT_EQ(RecoveryTimes::parseTime(QStringLiteral("2026-01-22 08:15")),
              QDateTime::fromString(QStringLiteral("2026-01-22T08:15:00Z"), Qt::ISODate));
    EXPECT_EQ(RecoveryTimes::parseTime(QStringLiteral("2026-01-22T09:15:00+01:00")),
              QDateTime::fromString(QStringLiteral("2026-01-22T08:15:00Z"), Qt::ISODate));
    EXPECT_FALSE(RecoveryTimes::parseTime(QStringLiteral("yesterday")).has_value());
}

TEST(RestoreState, TheStateFileKeepsEveryIntent)
{
    RestoreState s;
    s.id = QStringLiteral("restore-1");
    s.database = QStringLiteral("rag");
    s.staging = QStringLiteral("rag_restore_20260122081500");
    s.stagingCreated = true;
    s.swapStarted = true;
    s.scaledDown = {{QStringLiteral("rag-api"), 3}, {QStringLiteral("rag-worker"), 2}};
    s.steps = {{QStringLiteral("preflight"),
                QStringLiteral("Pre-flight"),
                QStringLiteral("done"),
                {},
                120,
                {}}};
    s.phase = RestoreState::Phase::Cancelled;
    auto back = RestoreState::fromJson(QJsonDocument(s.toJson()).toJson(), QStringLiteral("x"));
    ASSERT_TRUE(back.has_value());
    EXPECT_TRUE(back->stagingCreated);
    EXPECT_TRUE(back->swapStarted);
    EXPECT_FALSE(back->swapped);
    ASSERT_EQ(back->scaledDown.size(), 2);
    EXPECT_EQ(back->scaledDown.at(1).replicasBefore, 2);
    EXPECT_EQ(back->stepById(QStringLiteral("preflight"))->durationMs, 120);
    EXPECT_EQ(back->phase, RestoreState::Phase::Cancelled);
    EXPECT_FALSE(RestoreState::fromJson("{\"format\": 9}", QStringLiteral("x")).has_value());
}

TEST(RestoreLock, ASecondHolderIsRefusedWithTheFirstNamedAndTheLockGoesWithItsHolder)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("locks/db.lock"));
    const QJsonObject holder{{QStringLiteral("actor"), QStringLiteral("alice@ops1")},
                             {QStringLiteral("pid"), 4242},
                             {QStringLiteral("since"), QStringLiteral("2026-01-22T08:15:00.000Z")},
                             {QStringLiteral("restore"), QStringLiteral("restore-1")}};
    auto first = RestoreLock::acquire(path, holder, QStringLiteral("a restore of rag"));
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(RestoreLock::holder(path).value_or(QJsonObject()), holder);
    auto second = RestoreLock::acquire(path, {}, QStringLiteral("a restore of rag"));
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().kind, Error::Kind::Refused);
    EXPECT_EQ(second.error().message,
              QStringLiteral(
                  "a restore of rag is already running: started by alice@ops1 (pid 4242) "
                  "at 2026-01-22 08:15:00 UTC, restore-1"));
    first->reset();
    EXPECT_FALSE(RestoreLock::holder(path).has_value());
    EXPECT_TRUE(RestoreLock::acquire(path, holder, QStringLiteral("a restore of rag")).has_value());
}

TEST(RestorePlan, EveryStepSaysWhatTheRunbookDoesInstead)
{
    auto p = ProfileLoader::loadText(profileWith({}), QStringLiteral("/p.yaml"));
    ASSERT_TRUE(p.has_value());
    const QDateTime at = QDateTime::fromString(QStringLiteral("2026-01-22T08:15:00Z"), Qt::ISODate);
    const RestorePlan plan = RestorePlan::forRestore(*p,
                                                     p->regions.constFirst(),
                                                     QStringLiteral("rag_backup_2026-01-22"),
                                                     QStringLiteral(
                                                         "/backups/rag_backup_2026-01-22.dump"),
                                                     at,
                                                     4,
                                                     at);
    EXPECT_EQ(plan.staging, QStringLiteral("rag_restore_20260122081500"));
    EXPECT_EQ(plan.preRestore, QStringLiteral("rag_pre_restore_20260122081500"));
    QStringList ids;
    for (const PlanStep &s : plan.steps) {
        ids.append(s.id);
        EXPECT_FALSE(s.runbook.isEmpty()) << qPrintable(s.id);
    }
    EXPECT_EQ(ids, RestorePlan::restoreStepIds());
    EXPECT_TRUE(plan.toText().contains(QStringLiteral(
        "BEGIN; ALTER DATABASE rag RENAME TO rag_pre_restore_20260122081500; ALTER DATABASE "
        "rag_restore_20260122081500 RENAME TO rag; COMMIT;")))
        << qPrintable(plan.toText());
    EXPECT_TRUE(plan.toText().contains(
        QStringLiteral("kubectl --context c -n rag-prod scale deployment rag-api --replicas=5")));
    EXPECT_TRUE(plan.toText().contains(QStringLiteral("-j 4 --exit-on-error")));
}
