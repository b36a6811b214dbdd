#pragma once

#include "restoreprogress.h"
#include "restorerecorder.h"
#include "restoreserver.h"

#include "core/backup/backupcatalog.h"
#include "core/backup/dumparchive.h"
#include "core/ops/operationresult.h"
#include "core/ops/progress.h"
#include "core/profile/profile.h"

#include <QDateTime>

#include <functional>
#include <memory>
#include <optional>

namespace ragdr::core {

class Journal;
class KubeApi;
class KubeConnection;
class KubeConnections;
class RestoreLock;

struct RestoreOptions
{
    QString region;       // empty: the profile's first
    QString backupKey;    // an id, a file name or "latest" (restore); the kept database (rollback)
    QString confirmation; // must name the live database
    int jobs = 0;         // 0: the profile's, else the machine's cores
    std::optional<QDateTime> disruptedAt;
    bool stepMode = false;    // wait for the user before each step (the walkthrough)
    bool appsStopped = false; // no cluster: the user says the apps are stopped
    QString restoreId;        // set by whoever started the process, to follow its state
};

// One restore (or rollback) as a plan of named steps, each with its progress, result and duration
// journalled: pre-flight, staging, verify staging, cut-over, bring back, post-checks. The live
// database is touched only in the cut-over, whose renames are one transaction; every destructive
// step records its intent in the state file first, so that RestoreRecovery can finish or undo
// what a killed process began.
class RestoreJob final
{
public:
    RestoreJob(Profile profile,
               Region region,
               RestoreOptions options,
               std::shared_ptr<RestoreRecorder> recorder,
               Journal *journal,
               KubeConnections *kube);
    ~RestoreJob();

    OperationResult restore(const Progress &progress);
    OperationResult rollback(const Progress &progress);

    // The pg_restore job count: the option, else the profile's, else the machine's cores.
    static int jobsFor(const Profile &profile, int requested);
    // The state a restore starts from, before anything ran.
    static RestoreState initialState(const Profile &profile,
                                     const Region &region,
                                     const RestoreOptions &options,
                                     const QString &kind);

private:
    using StepBody = std::function<Status(const Progress &)>;
    struct PlannedStep
    {
        QString id;
        double from;
        double to;
        StepBody body;
    };
    Status runSteps(const Progress &progress, const QList<PlannedStep> &steps);
    Status step(const QString &id, const Progress &progress, const StepBody &body);
    Status waitForGo(const QString &what, const QString &token, const CancelToken &cancel);
    OperationResult finish(const Status &outcome, const QString &success);

    Status common(const Progress &progress); // confirmation, locks, connections
    Status preflight(const Progress &progress);
    Status rollbackPreflight(const Progress &progress);
    Status checkCluster(const Progress &progress);
    Status staging(const Progress &progress);
    Status verifyStaging(const Progress &progress);
    Status rememberVerified(); // m_verifiedOid from the database now named m_staging
    Status cutover(const Progress &progress);
    Status stopApps(const Progress &progress);
    Status bringBack(const Progress &progress);
    Status postChecks(const Progress &progress);
    void undoBeforeSwap(bool dropStaging);
    Error beforeSwap(const Error &error); // says (and makes sure) what a failure left untouched
    Status scaleBack();
    Status dropStaging();
    Status waitPodsGone(KubeApi &api,
                        const DeploymentSpec &deployment,
                        const Progress &progress) const;
    QStringList deploymentNames() const;
    const DeploymentSpec &deployment(const QString &name) const;
    QString keptText() const; // what a failure after the swap leaves
    QList<RestoreProgress::Table> tablesForProgress() const;

    Profile m_profile;
    Region m_region;
    RestoreOptions m_options;
    std::shared_ptr<RestoreRecorder> m_recorder;
    Journal *m_journal;
    KubeConnections *m_kube;
    bool m_rollback = false;

    DatabaseConfig m_db; // the live database as the restore role reaches it
    QByteArray m_password;
    std::unique_ptr<RestoreServer> m_server;
    std::unique_ptr<RestoreLock> m_databaseLock;
    std::shared_ptr<KubeConnection> m_connection; // none: the profile names no deployments
    QString m_backupPath;
    std::optional<BackupEntry> m_entry;
    TocListing m_toc;
    std::optional<DatabaseInfo> m_live;
    std::optional<DatabaseFacts> m_expected; // what the database must hold after the swap
    quint32 m_verifiedOid = 0; // the database verified before the swap (staging or kept)
    QString m_staging;
    QString m_preRestore;
    QHash<QString, int> m_replicas; // deployment -> replicas when pre-flight looked
    QStringList m_warnings;
    QStringList m_unchecked;
    QJsonObject m_evidence;
};

} // namespace ragdr::core
