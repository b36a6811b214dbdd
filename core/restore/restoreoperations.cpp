#include "restoreoperations.h"

#include "restorelock.h"
#include "restorerecovery.h"
#include "restorestore.h"

#include "core/backup/backupcatalog.h"
#include "core/backup/backuprepository.h"
#include "core/base/duration.h"
#include "core/base/files.h"
#include "core/db/pgsession.h"
#include "core/incident/incidentactions.h"
#include "core/incident/journal.h"
#include "core/ops/workspace.h"
#include "core/secrets/secretstore.h"

#include <QJsonArray>

#include <unistd.h>

namespace ragdr::core {

namespace {

Result<Region> resolveRegion(const Profile &profile, const QString &name)
{
    if (name.isEmpty())
        return profile.regions.constFirst();
    if (const Region *r = profile.region(name))
        return *r;
    return fail(Error::badInput(QStringLiteral("the profile has no region \"%1\" (it has: %2)")
                                    .arg(name, profile.regionNames().join(QStringLiteral(", ")))));
}

QJsonObject params(const Profile &profile, const Region *region, const RestoreOptions &options)
{
    QJsonObject p{{QStringLiteral("region"), region ? region->name : options.region},
                  {QStringLiteral("backup"), options.backupKey}};
    if (region) {
        p.insert(QStringLiteral("database"), region->database.name);
        p.insert(QStringLiteral("context"), region->kube.context);
        p.insert(QStringLiteral("namespace"), region->kube.ns);
    }
    p.insert(QStringLiteral("profile"), profile.path);
    if (options.disruptedAt)
        p.insert(QStringLiteral("disrupted_at"), options.disruptedAt->toUTC().toString(Qt::ISODate));
    return p;
}

// Starts a restore or rollback: its state is on disk and its process lock held before the
// operation starts, so that a console attaching at once never takes it for an interrupted one.
Operation *startJob(Workspace &ws, const RestoreOptions &options, const QString &kind)
{
    const Profile profile = ws.profile();
    const auto region = resolveRegion(profile, options.region);
    const bool rollback = kind == QLatin1String("rollback");
    const QString title = rollback ? QStringLiteral("Roll back %1")
                                         .arg(region ? region->database.name : QStringLiteral("?"))
                                   : QStringLiteral("Restore %1 into %2")
                                         .arg(options.backupKey,
                                              region ? region->database.name : QStringLiteral("?"));
    OperationSpec spec{kind, title, params(profile, region ? &*region : nullptr, options)};
    if (!region) {
        return ws.runner().start(spec, [error = region.error()](const Progress &) {
            return OperationResult::failure(error);
        });
    }
    const RestoreStore store(ws.dataDir());
    RestoreState initial = RestoreJob::initialState(profile, *region, options, kind);
    spec.params.insert(QStringLiteral("restore"), initial.id);
    RestoreOptions opts = options;
    opts.restoreId = initial.id;
    const QJsonObject holder{{QStringLiteral("actor"), Journal::actor()},
                             {QStringLiteral("pid"), qint64(::getpid())},
                             {QStringLiteral("since"),
                              QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                             {QStringLiteral("restore"), initial.id}};
    auto processLock = RestoreLock::acquire(store.processLockPath(initial.id), holder, initial.id);
    if (!processLock) {
        return ws.runner().start(spec, [error = processLock.error()](const Progress &) {
            return OperationResult::failure(error);
        });
    }
    auto recorder = std::make_shared<RestoreRecorder>(store, initial);
    (void) recorder->update([](RestoreState &) {});
    std::shared_ptr<RestoreLock> lock(std::move(*processLock));
    Journal *journal = &ws.journal();
    KubeConnections *kube = &ws.kube();
    Operation *op = ws.runner().start(spec, [=, r = *region](const Progress &progress) {
        RestoreJob job(profile, r, opts, recorder, journal, kube);
        OperationResult result = rollback ? job.rollback(progress) : job.restore(progress);
        (void) lock; // held until the job has recorded how it ended
        return result;
    });
    QObject::connect(op,
                     &Operation::progressChanged,
                     op,
                     [recorder](double fraction, const QString &step) {
                         recorder->progress(fraction, step);
                     });
    return op;
}

} // namespace

QJsonObject RestoreListing::toJson(const Profile &profile) const
{
    QJsonArray list;
    for (const Entry &e : restores) {
        QJsonObject o = e.state.toJson();
        o.insert(QStringLiteral("interrupted"), e.interrupted);
        o.insert(QStringLiteral("alive"), e.alive);
        o.insert(QStringLiteral("rto"), e.state.times.rtoText(profile));
        o.insert(QStringLiteral("rpo"), e.state.times.rpoText(profile));
        list.append(o);
    }
    QJsonArray keptJson;
    for (const KeptDatabase &k : kept) {
        keptJson.append(QJsonObject{{QStringLiteral("name"), k.name},
                                    {QStringLiteral("kind"), k.kind},
                                    {QStringLiteral("at"), k.at.toString(Qt::ISODate)},
                                    {QStringLiteral("bytes"), k.bytes}});
    }
    QJsonObject json{{QStringLiteral("restores"), list}, {QStringLiteral("kept"), keptJson}};
    if (!keptProblem.isEmpty())
        json.insert(QStringLiteral("kept_problem"), keptProblem);
    return json;
}

Operation *RestoreOperations::restore(Workspace &ws, const RestoreOptions &options)
{
    return startJob(ws, options, QStringLiteral("restore"));
}

Operation *RestoreOperations::rollback(Workspace &ws, const RestoreOptions &options)
{
    return startJob(ws, options, QStringLiteral("rollback"));
}

Operation *RestoreOperations::plan(Workspace &ws, const RestoreOptions &options, bool rollback)
{
    const Profile profile = ws.profile();
    OperationSpec spec{QStringLiteral("restore.plan"),
                       rollback ? QStringLiteral("Plan a rollback")
                                : QStringLiteral("Plan a restore of %1").arg(options.backupKey),
                       params(profile, nullptr, options),
                       false};
    const Journal *journal = &ws.journal();
    return ws.runner().start(spec, [profile, options, rollback, journal](const Progress &progress) {
        const auto region = resolveRegion(profile, options.region);
        if (!region)
            return OperationResult::failure(region.error());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        RestorePlan plan;
        if (rollback) {
            plan = RestorePlan::forRollback(profile,
                                            *region,
                                            options.backupKey.isEmpty()
                                                ? QStringLiteral("<newest %1_pre_restore_…>")
                                                      .arg(region->database.name)
                                                : options.backupKey,
                                            now);
        } else {
            progress.set(0.2, QStringLiteral("finding backup %1").arg(options.backupKey));
            auto listing = BackupCatalog::list(profile,
                                               *region,
                                               progress.cancelToken(),
                                               BackupCatalog::Scope::PrimaryOnly);
            if (!listing)
                return OperationResult::failure(listing.error());
            auto found = listing->find(options.backupKey);
            if (!found)
                return OperationResult::failure(found.error());
            const BackupEntry &e = **found;
            const QDateTime snapshot = e.manifest && !e.manifest->isAdopted()
                                               && e.manifest->startedAt.isValid()
                                           ? e.manifest->startedAt
                                           : e.createdAt;
            plan = RestorePlan::forRestore(profile,
                                           *region,
                                           e.id,
                                           LocalRepository(region->primaryRepository())
                                               .locationOf(e.fileName),
                                           snapshot,
                                           RestoreJob::jobsFor(profile, options.jobs),
                                           now);
        }
        QJsonObject evidence{{QStringLiteral("plan"), plan.toJson()},
                             {QStringLiteral("text"), plan.toText()}};
        std::optional<QDateTime> disrupted = options.disruptedAt;
        if (!disrupted) {
            if (auto start = IncidentActions::disruptionStart(*journal))
                disrupted = *start;
        }
        if (disrupted && plan.snapshotAt.isValid()) {
            RecoveryTimes t;
            t.disruptedAt = *disrupted;
            t.snapshotAt = plan.snapshotAt;
            evidence.insert(QStringLiteral("rpo"), t.rpoText(profile));
        }
        return OperationResult::success(plan.toText(), evidence);
    });
}

Operation *RestoreOperations::list(Workspace &ws,
                                   const QString &regionName,
                                   std::shared_ptr<RestoreListing> out)
{
    const Profile profile = ws.profile();
    const QString dataDir = ws.dataDir();
    OperationSpec spec{QStringLiteral("restores.list"),
                       QStringLiteral("List restores"),
                       {{QStringLiteral("region"), regionName}},
                       false};
    return ws.runner().start(spec, [profile, dataDir, regionName, out](const Progress &progress) {
        const auto region = resolveRegion(profile, regionName);
        if (!region)
            return OperationResult::failure(region.error());
        RestoreListing listing;
        const RestoreStore store(dataDir);
        int interrupted = 0;
        for (const RestoreState &s : store.list()) {
            RestoreListing::Entry e;
            e.state = s;
            e.alive = !s.isFinished() && store.isProcessAlive(s);
            e.interrupted = !s.isFinished() && !s.cleanedUp && !e.alive;
            interrupted += e.interrupted ? 1 : 0;
            listing.restores.append(e);
        }
        progress.set(0.5, QStringLiteral("listing the databases kept for a rollback"));
        const DatabaseConfig db = profile.restore.connectionFor(region->database);
        auto password = SecretStore::read(db.password);
        if (!password) {
            listing.keptProblem = password.error().message;
        } else if (auto server = RestoreServer::connect(db,
                                                        *password,
                                                        profile.restore.maintenanceDatabase);
                   !server) {
            listing.keptProblem = server.error().message;
        } else if (auto kept = (*server)->keptDatabases(region->database.name); !kept) {
            listing.keptProblem = kept.error().message;
        } else {
            listing.kept = *kept;
        }
        QString message = QStringLiteral("%1 restores recorded, %2 databases kept for a rollback")
                              .arg(listing.restores.size())
                              .arg(listing.kept.size());
        if (interrupted > 0)
            message
                += QStringLiteral("; %1 interrupted: ragdr restores --cleanup ID").arg(interrupted);
        const QJsonObject evidence = listing.toJson(profile);
        if (out)
            *out = listing;
        return OperationResult::success(message, evidence);
    });
}

Operation *RestoreOperations::cleanup(Workspace &ws, const QString &restoreId)
{
    const Profile profile = ws.profile();
    const QString dataDir = ws.dataDir();
    Journal *journal = &ws.journal();
    KubeConnections *kube = &ws.kube();
    OperationSpec spec{QStringLiteral("restore.cleanup"),
                       QStringLiteral("Clean up after %1").arg(restoreId),
                       {{QStringLiteral("restore"), restoreId}}};
    return ws.runner()
        .start(spec, [profile, dataDir, restoreId, journal, kube](const Progress &progress) {
            if (profile.readOnly)
                return OperationResult::failure(
                    Error::refused(QStringLiteral("the profile is read-only"),
                                   QStringLiteral("nothing was changed")));
            const RestoreStore store(dataDir);
            return RestoreRecovery(profile, store, journal, kube).cleanup(restoreId, progress);
        });
}

Operation *RestoreOperations::discard(Workspace &ws,
                                      const QString &regionName,
                                      const QString &name,
                                      const QString &confirmation)
{
    const Profile profile = ws.profile();
    const QString dataDir = ws.dataDir();
    OperationSpec spec{QStringLiteral("restore.discard"),
                       QStringLiteral("Discard %1").arg(name),
                       {{QStringLiteral("region"), regionName}, {QStringLiteral("database"), name}}};
    return ws.runner()
        .start(spec, [profile, dataDir, regionName, name, confirmation](const Progress &progress) {
            const QString untouched = QStringLiteral("%1 was kept").arg(name);
            const auto region = resolveRegion(profile, regionName);
            if (!region)
                return OperationResult::failure(region.error());
            if (profile.readOnly)
                return OperationResult::failure(
                    Error::refused(QStringLiteral("the profile is read-only"), untouched));
            if (confirmation != name) {
                return OperationResult::failure(Error::refused(
                    QStringLiteral(
                        "discarding %1 deletes it for good: confirm by naming it (--confirm %1)")
                        .arg(name),
                    untouched));
            }
            const RestoreStore store(dataDir);
            const QJsonObject holder{{QStringLiteral("actor"), Journal::actor()},
                                     {QStringLiteral("pid"), qint64(::getpid())},
                                     {QStringLiteral("since"),
                                      QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                                     {QStringLiteral("restore"),
                                      QStringLiteral("discard of %1").arg(name)}};
            auto lock
                = RestoreLock::acquire(store.databaseLockPath(region->database),
                                       holder,
                                       QStringLiteral("a restore of %1").arg(region->database.name));
            if (!lock)
                return OperationResult::failure(lock.error().withUntouched(untouched));
            const DatabaseConfig db = profile.restore.connectionFor(region->database);
            auto password = SecretStore::read(db.password);
            if (!password)
                return OperationResult::failure(password.error().withUntouched(untouched));
            auto server = RestoreServer::connect(db, *password, profile.restore.maintenanceDatabase);
            if (!server)
                return OperationResult::failure(server.error().withUntouched(untouched));
            if (auto locked = (*server)->lockDatabase(region->database.name,
                                                      QStringLiteral("ragdr discard by %1")
                                                          .arg(Journal::actor()));
                !locked)
                return OperationResult::failure(locked.error().withUntouched(untouched));
            auto kept = (*server)->keptDatabases(region->database.name);
            if (!kept)
                return OperationResult::failure(kept.error().withUntouched(untouched));
            const KeptDatabase *target = nullptr;
            for (const KeptDatabase &k : std::as_const(*kept)) {
                if (k.name == name)
                    target = &k;
            }
            if (!target) {
                QStringList names;
                for (const KeptDatabase &k : std::as_const(*kept))
                    names.append(k.name);
                return OperationResult::failure(
                    Error::badInput(QStringLiteral(
                                        "%1 is not a database kept by a restore of %2 (kept: %3)")
                                        .arg(name,
                                             region->database.name,
                                             names.isEmpty() ? QStringLiteral("none")
                                                             : names.join(QStringLiteral(", "))),
                                    QStringLiteral("nothing was dropped")));
            }
            const qint64 bytes = target->bytes;
            progress.set(0.5, QStringLiteral("dropping %1").arg(name));
            // Not FORCE: someone looking into the kept database is not cut off; the error says so.
            if (auto dropped = (*server)->session().execute(
                    QStringLiteral("DROP DATABASE %1").arg(PgSession::quoteIdentifier(name)));
                !dropped)
                return OperationResult::failure(dropped.error().withUntouched(untouched));
            return OperationResult::success(QStringLiteral("discarded %1 (%2)")
                                                .arg(name,
                                                     bytes >= 0 ? files::humanSize(bytes)
                                                                : QStringLiteral("size unknown")),
                                            {{QStringLiteral("database"), name},
                                             {QStringLiteral("bytes"), bytes}});
        });
}

} // namespace ragdr::core
