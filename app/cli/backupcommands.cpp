// ragdr backup | backups | verify | retention
#include "clicontext.h"

#include "core/backup/backupoperations.h"
#include "core/base/duration.h"
#include "core/base/files.h"
#include "core/ops/workspace.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ragdr::cli {

using namespace ragdr::core;

int backupCommand(const CliContext &c)
{
    if (c.args.size() != 1)
        return c.usage(QStringLiteral("backup takes no arguments"));
    return c.report(c.await(BackupOperations::backup(c.ws.runner(), c.ws.profile(), c.region)));
}

int backupsCommand(const CliContext &c)
{
    auto view = std::make_shared<CatalogView>();
    const OperationResult r = c.await(
        BackupOperations::list(c.ws.runner(),
                               c.ws.profile(),
                               c.region.isEmpty() ? QStringList() : QStringList{c.region},
                               view));
    if (!r.ok())
        return c.report(r);
    bool breached = false;
    const QString rpo = BackupOperations::rpoText(view->regions, c.ws.profile(), &breached);
    if (c.json) {
        QJsonObject listing = r.evidence;
        listing.insert(QStringLiteral("rpo"), rpo);
        listing.insert(QStringLiteral("rpo_breached"), breached);
        term::outJson(listing);
        return 0;
    }
    QList<QStringList> rows;
    for (const RegionListing &l : view->regions) {
        for (const BackupEntry &e : l.entries) {
            rows.append({e.region,
                         e.id + (e.isLatest ? QStringLiteral(" (latest)") : QString()),
                         e.createdAt.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                         formatAge(e.createdAt),
                         files::humanSize(e.size),
                         e.verificationText(),
                         e.copiesText()});
        }
        for (const QString &p : l.problems)
            term::err(QStringLiteral("%1: %2").arg(l.region, p));
        if (!l.latestProblem.isEmpty())
            term::err(QStringLiteral("%1: %2").arg(l.region, l.latestProblem));
    }
    term::printTable({QStringLiteral("region"),
                      QStringLiteral("backup"),
                      QStringLiteral("created (UTC)"),
                      QStringLiteral("age"),
                      QStringLiteral("size"),
                      QStringLiteral("verified"),
                      QStringLiteral("copies")},
                     rows);
    term::out(rpo);
    return 0;
}

int verifyCommand(const CliContext &c)
{
    if (c.args.size() != 2)
        return c.usage(QStringLiteral("verify takes one backup id (or \"latest\")"));
    const QString levelText = c.flag(QStringLiteral("level")) ? c.option(QStringLiteral("level"))
                                                              : QStringLiteral("full");
    const auto level = levelFromName(levelText);
    if (!level)
        return c.usage(
            QStringLiteral("--level expects quick, full or deep, not \"%1\"").arg(levelText));
    return c.report(c.await(
        BackupOperations::verify(c.ws.runner(), c.ws.profile(), c.region, c.args.at(1), *level)));
}

int retentionCommand(const CliContext &c)
{
    const bool apply = c.flag(QStringLiteral("apply"));
    if (c.flag(QStringLiteral("delete")) && !apply)
        return c.usage(QStringLiteral("--delete names what --apply deletes"));
    QStringList confirmed
        = c.option(QStringLiteral("delete")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString &id : confirmed)
        id = id.trimmed();
    const OperationResult r = c.await(
        BackupOperations::retention(c.ws.runner(),
                                    c.ws.profile(),
                                    c.region,
                                    !apply,
                                    c.option(QStringLiteral("confirm")),
                                    confirmed));
    const QJsonObject plan = r.evidence.value(QStringLiteral("plan")).toObject();
    if (!c.json) {
        QList<QStringList> rows;
        for (const QJsonValue &v : plan.value(QStringLiteral("decisions")).toArray()) {
            const QJsonObject d = v.toObject();
            rows.append({d.value(QStringLiteral("action")).toString(),
                         d.value(QStringLiteral("backup")).toString(),
                         d.value(QStringLiteral("reason")).toString()});
        }
        if (!rows.isEmpty())
            term::printTable({QStringLiteral("action"),
                              QStringLiteral("backup"),
                              QStringLiteral("why")},
                             rows);
    }
    const int code = c.report(r);
    // How to apply exactly the plan shown (a script takes "deletions" from --json instead).
    QStringList deletions;
    for (const QJsonValue &id : plan.value(QStringLiteral("deletions")).toArray())
        deletions.append(id.toString());
    if (!c.json && !deletions.isEmpty() && (!apply || r.errorKind == Error::Kind::Refused)) {
        term::err(QStringLiteral("to delete exactly what this plan deletes: ragdr --profile %1 "
                                 "--region %2 retention --apply --confirm %2 --delete %3")
                      .arg(c.ws.profile().path,
                           plan.value(QStringLiteral("region")).toString(),
                           deletions.join(QLatin1Char(','))));
    }
    return code;
}

} // namespace ragdr::cli
