#include "retention.h"

#include "backuprepository.h"

#include "core/base/duration.h"

#include <QJsonArray>

namespace ragdr::core {

QList<RetentionDecision> RetentionPlan::deletions() const
{
    QList<RetentionDecision> out;
    if (!blockers.isEmpty())
        return out;
    for (const RetentionDecision &d : decisions) {
        if (!d.keep)
            out.append(d);
    }
    return out;
}

QJsonObject RetentionPlan::toJson() const
{
    QJsonArray items;
    for (const RetentionDecision &d : decisions) {
        items.append(QJsonObject{{QStringLiteral("backup"), d.id},
                                 {QStringLiteral("action"),
                                  d.keep ? QStringLiteral("keep") : QStringLiteral("delete")},
                                 {QStringLiteral("reason"), d.reason}});
    }
    return {{QStringLiteral("region"), region},
            {QStringLiteral("decisions"), items},
            {QStringLiteral("blockers"), QJsonArray::fromStringList(blockers)}};
}

RetentionPlan Retention::plan(const RegionListing &listing,
                              const RetentionPolicy &policy,
                              const QDateTime &now)
{
    RetentionPlan plan;
    plan.region = listing.region;
    for (const QString &problem : listing.problems)
        plan.blockers.append(
            QStringLiteral("%1; nothing is deleted while a listing fails").arg(problem));
    const BackupEntry *newestVerified = listing.newestVerified();
    int position = 0;
    for (const BackupEntry &e : listing.entries) {
        RetentionDecision d{e.id, e.fileName, true, {}};
        const qint64 age = e.createdAt.isValid() ? e.createdAt.secsTo(now) : -1;
        if (!policy.isSet()) {
            d.reason = QStringLiteral("the profile sets no retention");
        } else if (&e == newestVerified) {
            d.reason = QStringLiteral("the newest verified backup is always kept");
        } else if (e.isLatest) {
            d.reason = QStringLiteral("the \"latest\" link points to it");
        } else if (policy.keepLast && position < *policy.keepLast) {
            d.reason = QStringLiteral("among the newest %1").arg(*policy.keepLast);
        } else if (age < 0) {
            d.reason = QStringLiteral("its age is unknown");
        } else if (policy.maxAgeSecs && age < *policy.maxAgeSecs) {
            d.reason = QStringLiteral("younger than %1").arg(formatDuration(*policy.maxAgeSecs));
        } else {
            d.keep = false;
            QStringList why;
            if (policy.keepLast)
                why.append(QStringLiteral("not among the newest %1").arg(*policy.keepLast));
            if (policy.maxAgeSecs)
                why.append(QStringLiteral("older than %1 (%2)")
                               .arg(formatDuration(*policy.maxAgeSecs), formatDuration(age)));
            d.reason = why.join(QStringLiteral(" and "));
        }
        ++position;
        plan.decisions.append(d);
    }
    return plan;
}

OperationResult Retention::run(const Profile &profile,
                               const Region &region,
                               bool dryRun,
                               const QString &confirmation,
                               const Progress &progress)
{
    const QString untouched = QStringLiteral("no backup was deleted");
    if (!dryRun && profile.readOnly) {
        return OperationResult::failure(
            Error::refused(QStringLiteral(
                               "the profile is read-only: retention may only be planned"),
                           untouched));
    }
    if (!dryRun && confirmation != region.name) {
        return OperationResult::failure(
            Error::refused(QStringLiteral(
                               "deleting backups needs a confirmation naming the region: "
                               "--confirm %1")
                               .arg(region.name),
                           untouched));
    }
    progress.set(0.0, QStringLiteral("listing backups"));
    auto listing = BackupCatalog::list(profile, region, progress.cancelToken());
    if (!listing)
        return OperationResult::failure(listing.error().withUntouched(untouched));
    const RetentionPlan plan = Retention::plan(*listing,
                                               profile.backup.retention,
                                               QDateTime::currentDateTimeUtc());
    QJsonObject evidence{{QStringLiteral("plan"), plan.toJson()},
                         {QStringLiteral("dry_run"), dryRun}};
    if (!plan.blockers.isEmpty()) {
        return OperationResult::failure(Error::refused(plan.blockers.join(QStringLiteral("; ")),
                                                       untouched),
                                        evidence);
    }
    const QList<RetentionDecision> doomed = plan.deletions();
    if (dryRun) {
        auto r = OperationResult::success(
            QStringLiteral("retention plan for %1: %2 of %3 backups would be deleted")
                .arg(region.name)
                .arg(doomed.size())
                .arg(plan.decisions.size()),
            evidence);
        r.untouched = untouched + QStringLiteral(" (dry run)");
        return r;
    }

    QStringList deleted;
    QStringList problems;
    std::vector<std::unique_ptr<BackupRepository>> repos;
    for (const RepositoryConfig &config : region.repositories)
        repos.push_back(BackupRepository::create(config));
    for (int i = 0; i < doomed.size(); ++i) {
        if (progress.isCancelled())
            break;
        const RetentionDecision &d = doomed.at(i);
        progress.set(double(i) / doomed.size(), QStringLiteral("deleting %1").arg(d.id));
        bool ok = true;
        for (const auto &repo : repos) {
            for (const QString &name : {d.fileName,
                                        BackupNaming::kubernetesNameOf(d.fileName),
                                        BackupNaming::manifestNameOf(d.fileName)}) {
                if (auto removed = repo->remove(name, progress.cancelToken()); !removed) {
                    ok = false;
                    problems.append(removed.error().message);
                }
            }
        }
        if (ok)
            deleted.append(d.id);
    }
    evidence.insert(QStringLiteral("deleted"), QJsonArray::fromStringList(deleted));
    (void) BackupCatalog::relinkLatest(profile, region, CancelToken());
    const QString kept
        = QStringLiteral("%1 backups kept as they were").arg(plan.decisions.size() - doomed.size());
    if (progress.isCancelled()) {
        return OperationResult::failure(Error::cancelled(
                                            QStringLiteral("deleted before the cancel: %1; %2")
                                                .arg(deleted.join(QStringLiteral(", ")), kept)),
                                        evidence);
    }
    if (!problems.isEmpty()) {
        return OperationResult::failure(Error::failed(QStringLiteral(
                                                          "retention deleted %1 of %2 backups: %3")
                                                          .arg(deleted.size())
                                                          .arg(doomed.size())
                                                          .arg(problems.join(QStringLiteral("; "))),
                                                      kept),
                                        evidence);
    }
    auto r = OperationResult::success(QStringLiteral("retention deleted %1 backups in %2: %3")
                                          .arg(deleted.size())
                                          .arg(region.name)
                                          .arg(deleted.isEmpty()
                                                   ? QStringLiteral("none")
                                                   : deleted.join(QStringLiteral(", "))),
                                      evidence);
    r.untouched = kept;
    return r;
}

} // namespace ragdr::core
