#include "restoreplan.h"

#include "restoreserver.h"

#include "core/profile/profile.h"

#include <QJsonArray>

namespace ragdr::core {

namespace {

QString connectionText(const DatabaseConfig &db)
{
    return QStringLiteral("-h %1 -p %2 -U %3").arg(db.host).arg(db.port).arg(db.user);
}

QStringList scaleCommands(const Profile &profile, const Region &region, bool down)
{
    QStringList out;
    for (const DeploymentSpec &d : profile.deployments) {
        out.append(QStringLiteral("kubectl --context %1 -n %2 scale deployment %3 --replicas=%4")
                       .arg(region.kube.context, region.kube.ns, d.name)
                       .arg(down ? 0 : d.recoveryReplicas));
    }
    return out;
}

// What every plan names: where, who, and the apps it stops and brings back.
RestorePlan basePlan(const Profile &profile, const Region &region, const QString &kind)
{
    RestorePlan plan;
    const DatabaseConfig db = profile.restore.connectionFor(region.database);
    plan.kind = kind;
    plan.region = region.name;
    plan.context = region.kube.context;
    plan.ns = region.kube.ns;
    plan.server = QStringLiteral("%1:%2").arg(db.host).arg(db.port);
    plan.database = region.database.name;
    plan.role = db.user;
    for (const DeploymentSpec &d : profile.deployments)
        plan.deployments.append(QStringLiteral("%1 → 0 → %2").arg(d.name).arg(d.recoveryReplicas));
    return plan;
}

PlanStep preflight(const RestorePlan &plan, bool rollback)
{
    PlanStep s;
    s.id = QStringLiteral("preflight");
    s.title = QStringLiteral("Pre-flight");
    s.what = rollback
                 ? QStringLiteral("Checks that %1 is kept on the server, that the role may rename "
                                  "databases and end sessions, and takes the restore locks.")
                       .arg(plan.staging)
                 : QStringLiteral(
                       "Checks the backup (size, header, sha256 against its manifest, and its full "
                       "verification, or a full read now), that the server answers, that it has "
                       "room for a second copy of the database, that %1 may create, rename and "
                       "end sessions, and that the cluster lets it scale; then takes the restore "
                       "locks (a PostgreSQL advisory lock and a local lock file).")
                       .arg(plan.role);
    s.why = QStringLiteral("Nothing is touched until every precondition holds: a refusal here "
                           "names what is missing and leaves everything as it was.");
    s.runbook = QStringLiteral("Nothing: the runbook restores straight away.");
    s.watch = QStringLiteral("A second restore of the same database is refused, naming who holds "
                             "it.");
    if (!rollback) {
        s.commands = {QStringLiteral("sha256sum %1").arg(plan.backupFile),
                      QStringLiteral("pg_restore -l %1").arg(plan.backupFile)};
    }
    s.commands.append(
        QStringLiteral("SELECT pg_try_advisory_lock(hashtext('ragdr.restore'), hashtext('%1'))")
            .arg(plan.database));
    return s;
}

PlanStep cutover(const Profile &profile,
                 const Region &region,
                 const RestorePlan &plan,
                 bool rollback)
{
    PlanStep s;
    s.id = QStringLiteral("cutover");
    s.title = QStringLiteral("Cut-over");
    QStringList names;
    for (const DeploymentSpec &d : profile.deployments)
        names.append(d.name);
    const QString apps = names.isEmpty() ? QStringLiteral("the apps")
                                         : names.join(QStringLiteral(" and "));
    s.what = QStringLiteral("The only step that touches production. Scales %1 to 0 in %2 (context "
                            "%3) and waits until their pods are gone, ends the sessions left on "
                            "%4, then renames %4 to %5 and %6 to %4 in one transaction.")
                 .arg(apps,
                      region.kube.ns,
                      region.kube.context,
                      plan.database,
                      plan.preRestore,
                      plan.staging);
    s.why = rollback ? QStringLiteral("The restored database is kept as %1 until you discard it.")
                           .arg(plan.preRestore)
                     : QStringLiteral("Both names change together or not at all. The old database "
                                      "is kept as %1 for a rollback until you discard it. If "
                                      "anything here fails, the names are put back and the apps "
                                      "scaled back to what they had.")
                           .arg(plan.preRestore);
    s.runbook = QStringLiteral("Nothing: the runbook's pg_restore writes into the live database "
                               "while the apps keep using it.");
    s.watch = QStringLiteral("A session that will not end stops the cut-over: it is named, with "
                             "the privilege ending it needs.");
    s.commands = scaleCommands(profile, region, true);
    s.commands.append(
        QStringLiteral(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%1'")
            .arg(plan.database));
    s.commands.append(QStringLiteral("BEGIN; ALTER DATABASE %1 RENAME TO %2; ALTER DATABASE %3 "
                                     "RENAME TO %1; COMMIT;")
                          .arg(plan.database, plan.preRestore, plan.staging));
    return s;
}

PlanStep bringBack(const Profile &profile, const Region &region)
{
    PlanStep s;
    s.id = QStringLiteral("bringback");
    s.title = QStringLiteral("Bring back");
    s.what = QStringLiteral("Scales the apps to the profile's recovery replicas, restarts both "
                            "(rollout restart) and waits until kubectl's rollout rules say they "
                            "rolled out.");
    s.why = QStringLiteral("Every pod opens fresh connections to the restored database.");
    s.runbook = QStringLiteral("§4.1 kubectl rollout restart deployment rag-api|rag-worker -n "
                               "rag-prod; §4.2 kubectl scale deployment rag-api --replicas=5, "
                               "rag-worker --replicas=3.");
    s.watch = QStringLiteral("The rollout's progress, as kubectl rollout status prints it.");
    s.commands = scaleCommands(profile, region, false);
    for (const DeploymentSpec &d : profile.deployments) {
        s.commands.append(QStringLiteral("kubectl --context %1 -n %2 rollout restart deployment %3")
                              .arg(region.kube.context, region.kube.ns, d.name));
        s.commands.append(QStringLiteral("kubectl --context %1 -n %2 rollout status deployment %3")
                              .arg(region.kube.context, region.kube.ns, d.name));
    }
    return s;
}

PlanStep postChecks(const RestorePlan &plan, bool rollback)
{
    PlanStep s;
    s.id = QStringLiteral("postchecks");
    s.title = QStringLiteral("Post-checks");
    s.what = rollback ? QStringLiteral("Counts the rows of %1 again and compares them with what "
                                       "the kept database held before the swap.")
                            .arg(plan.database)
                      : QStringLiteral("Counts the rows of the live %1 (and its content hashes "
                                       "where the manifest has them) and compares them with the "
                                       "backup's manifest; records when they passed (the RTO).")
                            .arg(plan.database);
    s.why = QStringLiteral("The restore is done when the live database shows what the backup "
                           "holds, not when a command exited 0.");
    s.runbook = QStringLiteral("§5: validate /status and /metrics, run sample RAG queries.");
    s.watch = QStringLiteral("RTO and RPO against the profile's targets.");
    return s;
}

} // namespace

QJsonObject PlanStep::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("title"), title},
            {QStringLiteral("what"), what},
            {QStringLiteral("why"), why},
            {QStringLiteral("runbook"), runbook},
            {QStringLiteral("watch"), watch},
            {QStringLiteral("commands"), QJsonArray::fromStringList(commands)}};
}

QStringList RestorePlan::restoreStepIds()
{
    return {QStringLiteral("preflight"),
            QStringLiteral("staging"),
            QStringLiteral("verify"),
            QStringLiteral("cutover"),
            QStringLiteral("bringback"),
            QStringLiteral("postchecks")};
}

QStringList RestorePlan::rollbackStepIds()
{
    return {QStringLiteral("preflight"),
            QStringLiteral("cutover"),
            QStringLiteral("bringback"),
            QStringLiteral("postchecks")};
}

QJsonObject RestorePlan::toJson() const
{
    QJsonArray stepJson;
    for (const PlanStep &s : steps)
        stepJson.append(s.toJson());
    return {{QStringLiteral("kind"), kind},
            {QStringLiteral("region"), region},
            {QStringLiteral("context"), context},
            {QStringLiteral("namespace"), ns},
            {QStringLiteral("server"), server},
            {QStringLiteral("database"), database},
            {QStringLiteral("role"), role},
            {QStringLiteral("backup"), backupId},
            {QStringLiteral("backup_file"), backupFile},
            {QStringLiteral("snapshot_at"),
             snapshotAt.isValid() ? snapshotAt.toUTC().toString(Qt::ISODate) : QString()},
            {QStringLiteral("staging"), staging},
            {QStringLiteral("pre_restore"), preRestore},
            {QStringLiteral("jobs"), jobs},
            {QStringLiteral("deployments"), QJsonArray::fromStringList(deployments)},
            {QStringLiteral("steps"), stepJson}};
}

QString RestorePlan::toText() const
{
    QStringList lines;
    if (kind == QLatin1String("rollback")) {
        lines.append(
            QStringLiteral("Roll back %1 on %2 to %3 (region %4, context %5, namespace %6)")
                .arg(database, server, staging, region, context, ns));
    } else {
        lines.append(
            QStringLiteral("Restore %1 into %2 on %3 (region %4, context %5, namespace %6)")
                .arg(backupId, database, server, region, context, ns));
        if (snapshotAt.isValid())
            lines.append(
                QStringLiteral("  snapshot of %1 UTC")
                    .arg(snapshotAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    }
    int n = 1;
    for (const PlanStep &s : steps) {
        lines.append(QString());
        lines.append(QStringLiteral("%1. %2").arg(n++).arg(s.title));
        lines.append(QStringLiteral("   does:    %1").arg(s.what));
        lines.append(QStringLiteral("   why:     %1").arg(s.why));
        lines.append(QStringLiteral("   runbook: %1").arg(s.runbook));
        for (const QString &c : s.commands)
            lines.append(QStringLiteral("   $ %1").arg(c));
    }
    return lines.join(QLatin1Char('\n'));
}

RestorePlan RestorePlan::forRestore(const Profile &profile,
                                    const Region &region,
                                    const QString &backupId,
                                    const QString &backupFile,
                                    const QDateTime &snapshotAt,
                                    int jobs,
                                    const QDateTime &at)
{
    RestorePlan plan = basePlan(profile, region, QStringLiteral("restore"));
    const DatabaseConfig db = profile.restore.connectionFor(region.database);
    plan.backupId = backupId;
    plan.backupFile = backupFile;
    plan.snapshotAt = snapshotAt;
    plan.jobs = jobs;
    plan.staging = RestoreServer::stagingName(plan.database, at);
    plan.preRestore = RestoreServer::preRestoreName(plan.database, at);

    plan.steps.append(preflight(plan, false));
    PlanStep staging;
    staging.id = QStringLiteral("staging");
    staging.title = QStringLiteral("Staging");
    staging.what = QStringLiteral("Creates %1 from template0 with the live database's owner, "
                                  "locale and privileges, and restores the backup into it with %2 "
                                  "parallel jobs, stopping at the first error.")
                       .arg(plan.staging)
                       .arg(jobs);
    staging.why = QStringLiteral("The live database is not touched: a damaged archive or a full "
                                 "disk leaves a staging database to drop, never a half-restored "
                                 "production database. Cancel drops it.");
    staging.runbook = QStringLiteral("§4.1 pg_restore -h <host> -U <user> -d <database> "
                                     "rag_backup_latest.dump: into the live database, and errors "
                                     "are skipped (exit code 1 after a partial restore).");
    staging.watch = QStringLiteral("The table being loaded, with its rows against the manifest's.");
    QString options;
    if (!profile.restore.maintenanceWorkMem.isEmpty())
        options = QStringLiteral("PGOPTIONS='-c maintenance_work_mem=%1' ")
                      .arg(profile.restore.maintenanceWorkMem);
    staging.commands = {QStringLiteral("CREATE DATABASE %1 TEMPLATE template0 OWNER <owner of %2>")
                            .arg(plan.staging, plan.database),
                        QStringLiteral("%1pg_restore %2 -d %3 -j %4 --exit-on-error -v %5")
                            .arg(options, connectionText(db), plan.staging)
                            .arg(jobs)
                            .arg(backupFile)};
    plan.steps.append(staging);

    PlanStep verify;
    verify.id = QStringLiteral("verify");
    verify.title = QStringLiteral("Verify staging");
    verify.what = QStringLiteral("Compares %1 with the backup's manifest: rows per table, content "
                                 "hashes, embedding dimension, chunks without embeddings, the "
                                 "nearest neighbours of the probe embeddings, extensions. ANALYZE "
                                 "runs beside it in a second session.")
                      .arg(plan.staging);
    verify.why = QStringLiteral("A difference stops the restore before production is touched, and "
                                "shows what differs. A dump without a manifest is checked as far "
                                "as it can be; what could not be checked is listed.");
    verify.runbook = QStringLiteral("Nothing: the runbook does not check what it restored.");
    verify.watch = QStringLiteral("Each check with its result.");
    verify.commands
        = {QStringLiteral("SELECT count(*) FROM <each table>  -- in %1").arg(plan.staging),
           QStringLiteral("ANALYZE  -- in %1").arg(plan.staging)};
    plan.steps.append(verify);
    plan.steps.append(cutover(profile, region, plan, false));
    plan.steps.append(bringBack(profile, region));
    plan.steps.append(postChecks(plan, false));
    return plan;
}

RestorePlan RestorePlan::forRollback(const Profile &profile,
                                     const Region &region,
                                     const QString &kept,
                                     const QDateTime &at)
{
    RestorePlan plan = basePlan(profile, region, QStringLiteral("rollback"));
    plan.staging = kept;
    plan.preRestore = RestoreServer::rolledBackName(plan.database, at);
    plan.steps.append(preflight(plan, true));
    plan.steps.append(cutover(profile, region, plan, true));
    plan.steps.append(bringBack(profile, region));
    plan.steps.append(postChecks(plan, true));
    return plan;
}

} // namespace ragdr::core
