// The incident as the journal records it: opened, updated, closed; its checklist's states; the
// measured RTO and RPO; when stakeholders are owed an update; what the restore records.
#include "core/incident/checkliststate.h"
#include "core/incident/incidentactions.h"
#include "core/incident/incidentlog.h"
#include "core/incident/journal.h"
#include "core/incident/recoverymetrics.h"
#include "core/incident/updatecadence.h"
#include "core/profile/profileloader.h"

#include <QTemporaryDir>
#include <QtConcurrent>

#include <gtest/gtest.h>

using namespace ragdr::core;

namespace {

Profile profile()
{
    auto p = ProfileLoader::loadText("ragdr_profile: 1\n"
                                     "service: rag\n"
                                     "targets: {rpo: 24h, rto: 1h}\n"
                                     "regions:\n"
                                     "  - name: eu\n"
                                     "    kube: {context: c, namespace: rag-prod}\n"
                                     "    database: {host: db, name: rag, user: rag_app}\n"
                                     "    repositories: [{name: primary, path: /backups/eu}]\n"
                                     "  - name: us\n"
                                     "    kube: {context: d, namespace: rag-prod}\n"
                                     "    database: {host: db, name: rag, user: rag_app}\n"
                                     "    repositories: [{name: primary, path: /backups/us}]\n"
                                     "checklist:\n"
                                     "  - {id: a, title: A, check: backup-verified}\n"
                                     "  - {id: b, title: B, gate: confirm}\n"
                                     "  - {id: c, title: C, required: false}\n",
                                     QStringLiteral("/etc/ragdr/p.yaml"));
    EXPECT_TRUE(p.has_value()) << qPrintable(p ? QString() : p.error().message);
    return p ? *p : Profile();
}

JournalEntry itemEntry(const QString &item,
                       const QString &state,
                       const QDateTime &at,
                       const QString &reason = {})
{
    QJsonObject raw{{QStringLiteral("type"), QStringLiteral("checklist.item")},
                    {QStringLiteral("item"), item},
                    {QStringLiteral("state"), state},
                    {QStringLiteral("summary"), state},
                    {QStringLiteral("at"), at.toString(Qt::ISODateWithMs)}};
    if (!reason.isEmpty())
        raw.insert(QStringLiteral("reason"), reason);
    return JournalEntry::from(raw);
}

const QDateTime kStart = QDateTime(QDate(2026, 1, 22), QTime(13, 58), Qt::UTC);

} // namespace

TEST(Incident, OpenUpdateCloseIsReplayedFromTheJournal)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    const Profile p = profile();
    IncidentDraft draft;
    draft.title = QStringLiteral("Search returns nothing");
    draft.severity = QStringLiteral("sev1");
    draft.disruptionStart = kStart;
    draft.detectedAt = kStart.addSecs(300);
    auto id = IncidentActions::open(journal, p, draft);
    ASSERT_TRUE(id.has_value()) << qPrintable(id.error().message);

    IncidentChange change;
    change.status = Incident::Status::Mitigating;
    change.commander = QStringLiteral("alice");
    ASSERT_TRUE(IncidentActions::update(journal, p, change).has_value());
    ASSERT_TRUE(
        IncidentActions::addNote(journal, QStringLiteral("restoring last night's backup"), true)
            .has_value());
    RestoredBackup restored{QStringLiteral("rag_backup_2026-01-22"),
                            QStringLiteral("eu"),
                            kStart.addSecs(-3 * 3600),
                            {}};
    ASSERT_TRUE(IncidentActions::recordRestore(journal, restored).has_value());
    auto start = IncidentActions::disruptionStart(journal);
    ASSERT_TRUE(start.has_value());
    ASSERT_TRUE(start->has_value());
    EXPECT_EQ(**start, kStart);

    IncidentChange closing;
    EXPECT_EQ(IncidentActions::close(journal, p, closing).error().kind, Error::Kind::BadInput);
    closing.rootCause = QStringLiteral("a migration dropped the embeddings table");
    closing.followUps = QList<FollowUp>{
        {QStringLiteral("AI Platform"), QStringLiteral("guard migrations")}};
    ASSERT_TRUE(IncidentActions::close(journal, p, closing).has_value());

    auto log = IncidentLog::read(journal.path());
    ASSERT_TRUE(log.has_value());
    EXPECT_EQ(log->open(), nullptr);
    const Incident *i = log->find(*id);
    ASSERT_NE(i, nullptr);
    EXPECT_EQ(i->title, draft.title);
    EXPECT_EQ(i->severity, QStringLiteral("SEV1")) << "the profile's spelling";
    EXPECT_EQ(i->commander, QStringLiteral("alice"));
    EXPECT_EQ(i->status, Incident::Status::Resolved);
    EXPECT_EQ(i->disruptionStart, kStart);
    EXPECT_EQ(i->detectedAt, kStart.addSecs(300));
    EXPECT_TRUE(i->declaredAt > i->detectedAt);
    EXPECT_EQ(i->regions, (QStringList{QStringLiteral("eu"), QStringLiteral("us")}));
    EXPECT_EQ(i->rootCause, closing.rootCause);
    ASSERT_EQ(i->followUps.size(), 1);
    EXPECT_EQ(i->followUps.first().owner, QStringLiteral("AI Platform"));
    ASSERT_TRUE(i->restored.has_value());
    EXPECT_EQ(i->restored->snapshotAt, restored.snapshotAt);
    EXPECT_FALSE(i->isOpen());
    const QList<JournalEntry> timeline = log->entriesOf(*id);
    ASSERT_EQ(timeline.size(), 5);
    EXPECT_EQ(timeline.at(2).type, QStringLiteral("decision"));
    EXPECT_EQ(timeline.last().type, QStringLiteral("incident.closed"));
    // Closed: the restore's API says so.
    auto after = IncidentActions::disruptionStart(journal);
    ASSERT_TRUE(after.has_value());
    EXPECT_FALSE(after->has_value());
}

TEST(Incident, ARollbackTakesTheRestoredBackupOutOfTheRpo)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    const Profile p = profile();
    IncidentDraft draft;
    draft.title = QStringLiteral("a restore rolled back");
    draft.severity = QStringLiteral("SEV1");
    auto id = IncidentActions::open(journal, p, draft);
    ASSERT_TRUE(id.has_value()) << qPrintable(id.error().message);
    const QDateTime snapshot = QDateTime::currentDateTimeUtc().addSecs(-3600);
    for (const char *region : {"eu", "us"}) {
        ASSERT_TRUE(IncidentActions::recordRestore(journal,
                                                   {QStringLiteral("rag_backup_2026-01-22"),
                                                    QLatin1String(region),
                                                    snapshot,
                                                    {}})
                        .has_value());
    }
    // The other region's rollback leaves the restore of "us" (the last one recorded) standing.
    ASSERT_TRUE(IncidentActions::recordRollback(journal, QStringLiteral("eu"), QStringLiteral("rag"))
                    .has_value());
    auto log = IncidentLog::read(journal.path());
    ASSERT_TRUE(log.has_value());
    ASSERT_TRUE(log->find(*id)->restored.has_value());
    ASSERT_TRUE(IncidentActions::recordRollback(journal, QStringLiteral("us"), QStringLiteral("rag"))
                    .has_value());
    log = IncidentLog::read(journal.path());
    ASSERT_TRUE(log.has_value());
    EXPECT_FALSE(log->find(*id)->restored.has_value());
    EXPECT_TRUE(RecoveryMetrics::measure(p, *log->find(*id), log->checklist(p, *id))
                    .rpoText()
                    .contains(QStringLiteral("no restore recorded")));
}

TEST(Incident, OneIncidentAtATimeEvenFromTwoProcesses)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("journal.jsonl"));
    const Profile p = profile();
    Journal a(path);
    Journal b(path);
    IncidentDraft draft;
    draft.title = QStringLiteral("two commanders");
    draft.severity = QStringLiteral("SEV2");
    QList<QFuture<bool>> tries;
    for (Journal *j : {&a, &b, &a, &b})
        tries.append(QtConcurrent::run(
            [j, &p, draft] { return IncidentActions::open(*j, p, draft).has_value(); }));
    int opened = 0;
    for (auto &t : tries)
        opened += t.result() ? 1 : 0;
    EXPECT_EQ(opened, 1);
    auto again = IncidentActions::open(a, p, draft);
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind, Error::Kind::Refused);
}

TEST(Incident, BadInputIsRefusedBeforeAnythingIsWritten)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    const Profile p = profile();
    IncidentDraft draft;
    draft.title = QStringLiteral("x");
    draft.severity = QStringLiteral("SEV9");
    EXPECT_TRUE(IncidentActions::open(journal, p, draft)
                    .error()
                    .message.contains(QStringLiteral("SEV1, SEV2, SEV3")));
    draft.severity = QStringLiteral("SEV2");
    draft.disruptionStart = QDateTime::currentDateTimeUtc().addSecs(3600);
    EXPECT_TRUE(
        IncidentActions::open(journal, p, draft).error().message.contains(QStringLiteral("future")));
    draft.disruptionStart = kStart;
    draft.detectedAt = kStart.addSecs(-60);
    EXPECT_TRUE(
        IncidentActions::open(journal, p, draft).error().message.contains(QStringLiteral("before")));
    draft.detectedAt = {};
    draft.regions = {QStringLiteral("mars")};
    EXPECT_TRUE(
        IncidentActions::open(journal, p, draft).error().message.contains(QStringLiteral("mars")));
    EXPECT_FALSE(QFile::exists(journal.path())) << "a refused incident wrote to the journal";
    IncidentChange change;
    change.status = Incident::Status::Monitoring;
    EXPECT_EQ(IncidentActions::update(journal, p, change).error().kind, Error::Kind::Refused);
}

TEST(ChecklistState, ReplaysTheItemsAndWhenAllRequiredWereDone)
{
    const Profile p = profile();
    const QList<JournalEntry> entries{
        itemEntry(QStringLiteral("a"), QStringLiteral("failed"), kStart.addSecs(600)),
        itemEntry(QStringLiteral("b"), QStringLiteral("passed"), kStart.addSecs(900)),
        itemEntry(QStringLiteral("a"), QStringLiteral("passed"), kStart.addSecs(1200)), // all done
        itemEntry(QStringLiteral("a"), QStringLiteral("failed"), kStart.addSecs(1500)), // undone
        itemEntry(QStringLiteral("a"), QStringLiteral("passed"), kStart.addSecs(2520)), // done again
        itemEntry(QStringLiteral("c"), QStringLiteral("could-not-check"), kStart.addSecs(2600)),
    };
    const ChecklistState s = ChecklistState::project(p, entries);
    EXPECT_EQ(s.requiredCount(), 2);
    EXPECT_EQ(s.requiredDone(), 2);
    EXPECT_EQ(s.item(QStringLiteral("c"))->state, ChecklistItemState::State::CouldNotCheck);
    EXPECT_EQ(s.allRequiredDoneAt, kStart.addSecs(2520));
    EXPECT_EQ(s.phases(), QStringList{QStringLiteral("Post-recovery")});

    const ChecklistState pending = ChecklistState::project(p, entries.mid(0, 4));
    EXPECT_FALSE(pending.allRequiredDoneAt.isValid());
    EXPECT_EQ(pending.item(QStringLiteral("a"))->state, ChecklistItemState::State::Failed);
}

TEST(RecoveryMetrics, RtoAndRpoAgainstTheTargets)
{
    const Profile p = profile();
    Incident i;
    i.id = QStringLiteral("INC-1");
    i.severity = QStringLiteral("SEV1");
    i.disruptionStart = kStart;
    i.declaredAt = kStart.addSecs(600);
    const ChecklistState done = ChecklistState::project(p,
                                                        {itemEntry(QStringLiteral("a"),
                                                                   QStringLiteral("passed"),
                                                                   kStart.addSecs(1800)),
                                                         itemEntry(QStringLiteral("b"),
                                                                   QStringLiteral("passed"),
                                                                   kStart.addSecs(42 * 60))});
    i.restored = RestoredBackup{QStringLiteral("rag_backup_2026-01-22"),
                                QStringLiteral("eu"),
                                kStart.addSecs(-3 * 3600),
                                kStart.addSecs(1500)};
    RecoveryMetrics m = RecoveryMetrics::measure(p, i, done, kStart.addSecs(3 * 3600));
    EXPECT_EQ(m.rtoSecs, 42 * 60);
    EXPECT_EQ(m.rto(), RecoveryMetrics::Verdict::Met);
    EXPECT_EQ(m.rpoSecs, 3 * 3600);
    EXPECT_EQ(m.rpo(), RecoveryMetrics::Verdict::Met);
    EXPECT_TRUE(m.rtoText().startsWith(QStringLiteral("RTO 42m (target 1h): met")))
        << qPrintable(m.rtoText());

    // Not recovered yet: running, then missed once the target has passed.
    const ChecklistState open = ChecklistState::project(p, {});
    EXPECT_EQ(RecoveryMetrics::measure(p, i, open, kStart.addSecs(1800)).rto(),
              RecoveryMetrics::Verdict::Pending);
    EXPECT_EQ(RecoveryMetrics::measure(p, i, open, kStart.addSecs(7200)).rto(),
              RecoveryMetrics::Verdict::Missed);

    // A restore from two days back misses a 24h RPO; none recorded cannot be measured.
    i.restored->snapshotAt = kStart.addSecs(-48 * 3600);
    EXPECT_EQ(RecoveryMetrics::measure(p, i, done).rpo(), RecoveryMetrics::Verdict::Missed);
    i.restored.reset();
    EXPECT_EQ(RecoveryMetrics::measure(p, i, done).rpo(), RecoveryMetrics::Verdict::Unknown);

    // A required item skipped with a reason is waived, and the RTO says so.
    const ChecklistState waived
        = ChecklistState::project(p,
                                  {itemEntry(QStringLiteral("a"),
                                             QStringLiteral("skipped"),
                                             kStart.addSecs(1000),
                                             QStringLiteral("no backups in drill")),
                                   itemEntry(QStringLiteral("b"),
                                             QStringLiteral("passed"),
                                             kStart.addSecs(1200))});
    m = RecoveryMetrics::measure(p, i, waived);
    EXPECT_EQ(m.rtoSecs, 1200);
    EXPECT_TRUE(m.rtoText().contains(QStringLiteral("waived"))) << qPrintable(m.rtoText());
}

TEST(UpdateReminder, DueWhenTheSeverityCadenceHasPassed)
{
    const Profile p = profile(); // default severities: SEV1 every 30m
    Incident i;
    i.severity = QStringLiteral("SEV1");
    i.declaredAt = kStart;
    EXPECT_FALSE(UpdateReminder::check(p, i, std::nullopt, kStart.addSecs(29 * 60)).due);
    const UpdateReminder none = UpdateReminder::check(p, i, std::nullopt, kStart.addSecs(31 * 60));
    EXPECT_TRUE(none.due);
    EXPECT_TRUE(none.text.contains(QStringLiteral("No stakeholder update yet")))
        << qPrintable(none.text);
    const UpdateReminder sent
        = UpdateReminder::check(p, i, kStart.addSecs(20 * 60), kStart.addSecs(45 * 60));
    EXPECT_FALSE(sent.due);
    EXPECT_EQ(sent.silentSecs, 25 * 60);
    i.closedAt = kStart.addSecs(3600);
    EXPECT_FALSE(UpdateReminder::check(p, i, std::nullopt, kStart.addSecs(5 * 3600)).due);
}

TEST(RecoveryMetrics, TheClockRunsFromTheFirstSecond)
{
    // Opened just now: the RTO is running, not "unknown" (found by the Timeline's tile test).
    Incident i;
    i.disruptionStart = kStart;
    i.declaredAt = kStart;
    const RecoveryMetrics m
        = RecoveryMetrics::measure(profile(), i, ChecklistState::project(profile(), {}), kStart);
    EXPECT_EQ(m.elapsedSecs, 0);
    EXPECT_EQ(m.rto(), RecoveryMetrics::Verdict::Pending);
    EXPECT_EQ(RecoveryMetrics::measure(profile(), Incident(), ChecklistState::project(profile(), {}))
                  .rto(),
              RecoveryMetrics::Verdict::Unknown);
}
