#include "retention.h"

#include "backuprepository.h"
#include "manifestlock.h"

#include "core/base/duration.h"

#include <QJsonArray>

#include <algorithm>

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

QStringList RetentionPlan::deletionIds() const
{
    QStringList ids;
    for (const RetentionDecision &d : deletions())
        ids.append(d.id);
    return ids;
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
            {QStringLiteral("deletions"), QJsonArray::fromStringList(deletionIds())},
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

QStringList Retention::differences(const RetentionPlan &fresh, const QStringList &confirmed)
{
    QStringList texts;
    for (const RetentionDecision &d : fresh.decisions) {
        if (!d.keep && !confirmed.contains(d.id))
            texts.append(QStringLiteral("it would now also delete %1 (%2)").arg(d.id, d.reason));
        else if (d.keep && confirmed.contains(d.id))
            texts.append(QStringLiteral("it now keeps %1 (%2)").arg(d.id, d.reason));
    }
    for (const QString &id : confirmed) {
        const bool listed = std::any_of(fresh.decisions.cbegin(),
                                        fresh.decisions.cend(),
                                        [&](const RetentionDecision &d) { return d.id == id; });
        if (!listed)
            texts.append(QStringLiteral("%1 is no longer listed").arg(id));
    }
    return texts;
}

OperationResult Retention::run(const Profile &profile,
                               const Region &region,
                               bool dryRun,
                               const QString &confirmation,
                               const QStringList &confirmedIds,
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
    // Applying holds the lock from the plan to the new "latest": no verification or backup can
    // change which backup is the newest verified one in between.
    std::unique_ptr<ManifestLock> lock;
    if (!dryRun) {
        auto locked = ManifestLock::acquire(region,
                                            progress.cancelToken(),
                                            [&](const QString &why) { progress.setStep(why); });
        if (!locked)
            return OperationResult::failure(locked.error().withUntouched(untouched));
        lock = std::move(*locked);
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
    evidence.insert(QStringLiteral("confirmed"), QJsonArray::fromStringList(confirmedIds));
    if (const QStringList changed = differences(plan, confirmedIds); !changed.isEmpty()) {
        return OperationResult::failure(
            Error::refused(QStringLiteral("the retention plan differs from what was confirmed: "
                                          "%1. Review the plan and confirm what it deletes now")
                               .arg(changed.join(QStringLiteral("; "))),
                           untouched),
            evidence);
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
            // The dump first: a manifest without its dump is a leftover the next backup sweeps.
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
    if (auto linked = BackupCatalog::relinkLatest(profile, region, *lock))
        evidence.insert(QStringLiteral("latest"), *linked);
    else
        problems.append(linked.error().message);
    lock.reset();
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
