#include "restorerecovery.h"

#include "deploymentfanout.h"
#include "restorelock.h"
#include "restoreserver.h"
#include "restorestore.h"

#include "core/cluster/deploymentactions.h"
#include "core/cluster/kubeapi.h"
#include "core/cluster/kubeconnections.h"
#include "core/incident/journal.h"
#include "core/secrets/secretstore.h"

#include <QJsonArray>

#include <unistd.h>

namespace ragdr::core {

namespace {
// A killed process's server session ends when the server notices: a few seconds at most.
constexpr int kLockWaitSecs = 15;
} // namespace

RestoreRecovery::RestoreRecovery(Profile profile,
                                 const RestoreStore &store,
                                 Journal *journal,
                                 KubeConnections *kube)
    : m_profile(std::move(profile))
    , m_store(store)
    , m_journal(journal)
    , m_kube(kube)
{}

OperationResult RestoreRecovery::cleanup(const QString &restoreId, const Progress &progress)
{
    auto read = m_store.read(restoreId);
    if (!read)
        return OperationResult::failure(read.error());
    RestoreState state = *read;
    if (state.isFinished() || state.cleanedUp) {
        return OperationResult::success(
            QStringLiteral("%1 ended (%2): there is nothing to clean up")
                .arg(state.id, state.phaseName()));
    }
    if (m_store.isProcessAlive(state)) {
        return OperationResult::failure(
            Error::refused(QStringLiteral("%1 is still running (pid %2 on %3): cancel it instead")
                               .arg(state.id)
                               .arg(state.pid)
                               .arg(state.host),
                           QStringLiteral("nothing was changed")));
    }
    const Region *region = m_profile.region(state.region);
    if (!region) {
        return OperationResult::failure(
            Error::badInput(QStringLiteral("the profile has no region %1, where %2 ran")
                                .arg(state.region, state.id)));
    }
    const QString untouched = QStringLiteral("nothing was changed by this cleanup");
    const QJsonObject holder{{QStringLiteral("actor"), Journal::actor()},
                             {QStringLiteral("pid"), qint64(::getpid())},
                             {QStringLiteral("since"),
                              QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                             {QStringLiteral("restore"),
                              QStringLiteral("cleanup of %1").arg(state.id)}};
    auto lock = RestoreLock::acquire(m_store.databaseLockPath(region->database),
                                     holder,
                                     QStringLiteral("a restore of %1").arg(region->database.name));
    if (!lock)
        return OperationResult::failure(lock.error());
    const DatabaseConfig db = m_profile.restore.connectionFor(region->database);
    auto password = SecretStore::read(db.password);
    if (!password)
        return OperationResult::failure(password.error().withUntouched(untouched));
    progress.set(0.1, QStringLiteral("looking at %1 on %2").arg(state.database, state.server));
    auto server = RestoreServer::connect(db, *password, m_profile.restore.maintenanceDatabase);
    if (!server)
        return OperationResult::failure(server.error().withUntouched(untouched));
    if (auto locked
        = (*server)->lockDatabase(state.database,
                                  QStringLiteral("ragdr cleanup by %1").arg(Journal::actor()),
                                  kLockWaitSecs);
        !locked)
        return OperationResult::failure(locked.error());

    // Which names the server shows decides whether the swap committed.
    auto exists = [&](const QString &name) {
        auto e = name.isEmpty() ? Result<bool>(false) : (*server)->exists(name);
        return e && *e;
    };
    const bool stagingThere = exists(state.staging);
    const bool liveThere = exists(state.database);
    const bool preThere = exists(state.preRestore);
    bool swapped = state.swapped;
    if (!swapped && state.swapStarted) {
        swapped = state.kind == QLatin1String("rollback")
                      ? !stagingThere && liveThere && preThere
                      : !stagingThere && liveThere && (preThere || !state.liveExisted);
    }
    QStringList done;
    QStringList problems;
    std::shared_ptr<KubeConnection> connection;
    if (m_kube && !m_profile.deployments.isEmpty()) {
        auto c = m_kube->forRegion(region->name);
        if (c)
            connection = *c;
        else
            problems.append(c.error().message);
    }
    const int timeout = int(m_profile.restore.scaleTimeoutSecs);
    // Each deployment to the replicas wanted, and restarted when the database was swapped.
    auto scaleAll = [&](const QHash<QString, int> &replicas, bool restart, const Progress &p) {
        if (!connection || replicas.isEmpty())
            return;
        const QStringList names = replicas.keys();
        const QList<OperationResult> results = DeploymentFanOut::run(
            connection,
            names,
            p,
            [&](DeploymentActions &actions, KubeApi &, const QString &name, const Progress &part) {
                // The controller moves a deployment on all the time: a conflict says only that,
                // and setting an absolute replica count again is safe.
                OperationResult r;
                for (int attempt = 0; attempt < 3; ++attempt) {
                    r = actions.scale(name,
                                      replicas.value(name),
                                      std::nullopt,
                                      part.sub(0.0, 0.4),
                                      timeout);
                    if (r.ok() || !r.message.contains(QLatin1String("409")))
                        break;
                }
                return r.ok() && restart ? actions.restart(name, part.sub(0.4, 1.0), timeout) : r;
            });
        for (int i = 0; i < names.size(); ++i) {
            if (results.at(i).ok())
                done.append(QStringLiteral("%1 at %2 replicas%3")
                                .arg(names.at(i))
                                .arg(replicas.value(names.at(i)))
                                .arg(restart ? QStringLiteral(", restarted") : QString()));
        }
        if (const QString failed = DeploymentFanOut::failures(names, results); !failed.isEmpty())
            problems.append(failed);
    };
    if (swapped) {
        progress.set(0.3, QStringLiteral("the swap had committed: bringing the apps back"));
        QHash<QString, int> recovery;
        for (const DeploymentSpec &d : m_profile.deployments)
            recovery.insert(d.name, d.recoveryReplicas);
        scaleAll(recovery, true, progress.sub(0.3, 0.95));
    } else {
        if (stagingThere && state.kind != QLatin1String("rollback")) {
            progress.set(0.3, QStringLiteral("dropping %1").arg(state.staging));
            if (auto dropped = (*server)->drop(state.staging); !dropped)
                problems.append(
                    QStringLiteral("dropping %1: %2").arg(state.staging, dropped.error().message));
            else
                done.append(QStringLiteral("dropped the staging database %1").arg(state.staging));
        }
        QHash<QString, int> before;
        for (const ScaledDeployment &d : std::as_const(state.scaledDown))
            before.insert(d.name, d.replicasBefore);
        progress.set(0.6, QStringLiteral("scaling the apps back"));
        scaleAll(before, false, progress.sub(0.6, 0.95));
    }
    const QString at = state.step.isEmpty() ? QStringLiteral("the start") : state.step;
    QString outcome
        = swapped
              ? QStringLiteral(
                    "%1 was interrupted after the swap (in %2): %3 is the restored database%4")
                    .arg(state.id,
                         at,
                         state.database,
                         state.liveExisted
                             ? QStringLiteral(
                                   "; the old one is kept as %1 (ragdr rollback brings it back)")
                                   .arg(state.preRestore)
                             : QString())
              : QStringLiteral("%1 was interrupted before the swap (in %2): the live database %3 "
                               "was not changed")
                    .arg(state.id, at, state.database);
    if (!done.isEmpty())
        outcome += QStringLiteral("; cleanup: %1").arg(done.join(QStringLiteral("; ")));
    (void) m_store.write(state); // keep what was read if the update below fails
    state.cleanedUp = problems.isEmpty();
    state.phase = RestoreState::Phase::Failed;
    state.finishedAt = QDateTime::currentDateTimeUtc();
    state.message = outcome;
    state.swapped = swapped;
    if (problems.isEmpty())
        state.scaledDown.clear();
    for (StepRecord &r : state.steps) {
        if (r.status == QLatin1String("running")) {
            r.status = QStringLiteral("failed");
            r.message = QStringLiteral("interrupted");
        } else if (r.status == QLatin1String("pending")) {
            r.status = QStringLiteral("skipped");
        }
    }
    if (!problems.isEmpty())
        state.phase = RestoreState::Phase::Running; // still needs a cleanup: keep it listed
    (void) m_store.write(state);
    QJsonObject evidence{{QStringLiteral("restore"), state.id},
                         {QStringLiteral("swapped"), swapped},
                         {QStringLiteral("done"), QJsonArray::fromStringList(done)},
                         {QStringLiteral("staging_existed"), stagingThere}};
    if (m_journal) {
        (void) m_journal->append(QStringLiteral("restore.cleanup"),
                                 {{QStringLiteral("restore"), state.id},
                                  {QStringLiteral("swapped"), swapped},
                                  {QStringLiteral("done"), QJsonArray::fromStringList(done)},
                                  {QStringLiteral("problems"),
                                   QJsonArray::fromStringList(problems)}});
    }
    if (!problems.isEmpty()) {
        return OperationResult::failure(Error::failed(QStringLiteral(
                                                          "cleanup of %1 is not complete: %2")
                                                          .arg(state.id,
                                                               problems.join(QStringLiteral("; "))),
                                                      outcome),
                                        evidence);
    }
    return OperationResult::success(outcome, evidence);
}

} // namespace ragdr::core
