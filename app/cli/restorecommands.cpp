// ragdr restore | rollback | restores | discard-pre-restore
#include "clicontext.h"

#include "core/base/duration.h"
#include "core/base/files.h"
#include "core/ops/workspace.h"
#include "core/restore/restoreoperations.h"

#include <QJsonArray>

namespace ragdr::cli {

using namespace ragdr::core;

namespace {

// The options restore and rollback share; an error text for bad ones.
QString readOptions(const CliContext &c, RestoreOptions &options)
{
    options.region = c.region;
    options.confirmation = c.option(QStringLiteral("confirm"));
    if (c.flag(QStringLiteral("jobs"))) {
        bool ok = false;
        options.jobs = c.option(QStringLiteral("jobs")).toInt(&ok);
        if (!ok || options.jobs < 1 || options.jobs > 64)
            return QStringLiteral("--jobs expects a number from 1 to 64");
    }
    if (c.flag(QStringLiteral("disrupted-at"))) {
        options.disruptedAt = RecoveryTimes::parseTime(c.option(QStringLiteral("disrupted-at")));
        if (!options.disruptedAt) {
            return QStringLiteral("--disrupted-at expects a time such as 2026-01-22T08:15:00Z or "
                                  "\"2026-01-22 08:15\" (UTC), not \"%1\"")
                .arg(c.option(QStringLiteral("disrupted-at")));
        }
        if (*options.disruptedAt > QDateTime::currentDateTimeUtc())
            return QStringLiteral("--disrupted-at is in the future");
    }
    options.stepMode = c.flag(QStringLiteral("step-mode"));
    options.appsStopped = c.flag(QStringLiteral("apps-stopped"));
    options.restoreId = c.option(QStringLiteral("restore-id"));
    return {};
}

int runPlan(const CliContext &c, const RestoreOptions &options, bool rollback)
{
    const OperationResult r = c.await(RestoreOperations::plan(c.ws, options, rollback));
    if (!r.ok())
        return c.report(r);
    if (c.json) {
        QJsonObject plan = r.evidence.value(QStringLiteral("plan")).toObject();
        if (r.evidence.contains(QStringLiteral("rpo")))
            plan.insert(QStringLiteral("rpo"), r.evidence.value(QStringLiteral("rpo")));
        term::outJson(plan);
        return 0;
    }
    term::out(r.message);
    if (r.evidence.contains(QStringLiteral("rpo")))
        term::out(QStringLiteral("\nData-loss window: %1")
                      .arg(r.evidence.value(QStringLiteral("rpo")).toString()));
    term::out(QStringLiteral("\nNothing was done (--plan)."));
    return 0;
}

} // namespace

int restoreCommand(const CliContext &c)
{
    if (c.args.size() != 2)
        return c.usage(QStringLiteral("restore takes one backup id (or \"latest\")"));
    RestoreOptions options;
    options.backupKey = c.args.at(1);
    if (const QString bad = readOptions(c, options); !bad.isEmpty())
        return c.usage(bad);
    if (c.flag(QStringLiteral("plan")))
        return runPlan(c, options, false);
    return c.report(c.await(RestoreOperations::restore(c.ws, options)));
}

int rollbackCommand(const CliContext &c)
{
    if (c.args.size() != 1)
        return c.usage(
            QStringLiteral("rollback takes no arguments (--to NAME picks a kept database)"));
    RestoreOptions options;
    options.backupKey = c.option(QStringLiteral("to"));
    if (const QString bad = readOptions(c, options); !bad.isEmpty())
        return c.usage(bad);
    if (c.flag(QStringLiteral("plan")))
        return runPlan(c, options, true);
    return c.report(c.await(RestoreOperations::rollback(c.ws, options)));
}

int restoresCommand(const CliContext &c)
{
    if (c.args.size() != 1)
        return c.usage(QStringLiteral("restores takes no arguments"));
    if (c.flag(QStringLiteral("cleanup")))
        return c.report(
            c.await(RestoreOperations::cleanup(c.ws, c.option(QStringLiteral("cleanup")))));
    auto listing = std::make_shared<RestoreListing>();
    const OperationResult r = c.await(RestoreOperations::list(c.ws, c.region, listing));
    if (!r.ok())
        return c.report(r);
    if (c.json) {
        term::outJson(r.evidence);
        return 0;
    }
    QList<QStringList> rows;
    for (const RestoreListing::Entry &e : listing->restores) {
        const RestoreState &s = e.state;
        QString status = e.interrupted ? QStringLiteral("INTERRUPTED in %1").arg(s.step)
                         : e.alive     ? QStringLiteral("running: %1").arg(s.step)
                                       : s.phaseName();
        rows.append({s.id,
                     s.kind,
                     status,
                     s.backupId,
                     s.startedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                     s.times.rtoSecs() ? formatDuration(*s.times.rtoSecs()) : QStringLiteral("-"),
                     s.times.rpoSecs() ? formatDuration(*s.times.rpoSecs()) : QStringLiteral("-")});
    }
    term::printTable({QStringLiteral("restore"),
                      QStringLiteral("kind"),
                      QStringLiteral("status"),
                      QStringLiteral("backup"),
                      QStringLiteral("started (UTC)"),
                      QStringLiteral("rto"),
                      QStringLiteral("rpo")},
                     rows);
    term::out(
        QStringLiteral("targets: RPO %1, RTO %2")
            .arg(formatDuration(c.ws.profile().rpoSecs), formatDuration(c.ws.profile().rtoSecs)));
    for (const RestoreListing::Entry &e : listing->restores) {
        if (e.interrupted) {
            term::out(
                QStringLiteral("%1 was interrupted (pid %2 is gone): ragdr restores --cleanup %1 "
                               "puts things right%3")
                    .arg(e.state.id)
                    .arg(e.state.pid)
                    .arg(e.state.swapStarted
                             ? QStringLiteral(" (it finds out whether the swap committed)")
                             : QStringLiteral(
                                 " (drops the staging database, scales the apps back)")));
        }
    }
    term::out(QString());
    QList<QStringList> kept;
    for (const KeptDatabase &k : listing->kept) {
        kept.append({k.name,
                     k.kind,
                     k.at.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                     k.bytes >= 0 ? files::humanSize(k.bytes) : QStringLiteral("?")});
    }
    term::printTable({QStringLiteral("kept database"),
                      QStringLiteral("kind"),
                      QStringLiteral("since (UTC)"),
                      QStringLiteral("size")},
                     kept);
    if (!listing->keptProblem.isEmpty())
        term::err(
            QStringLiteral("kept databases could not be listed: %1").arg(listing->keptProblem));
    return 0;
}

int discardPreRestoreCommand(const CliContext &c)
{
    if (c.args.size() != 2)
        return c.usage(QStringLiteral("discard-pre-restore takes the kept database's name"));
    return c.report(c.await(RestoreOperations::discard(c.ws,
                                                       c.region,
                                                       c.args.at(1),
                                                       c.option(QStringLiteral("confirm")))));
}

} // namespace ragdr::cli
