#include "backupoperations.h"

#include "backupjob.h"
#include "backupverifier.h"
#include "retention.h"

#include "core/base/duration.h"

#include <QJsonArray>

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

QString isoTime(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

} // namespace

Operation *BackupOperations::backup(OperationRunner &runner,
                                    const Profile &profile,
                                    const QString &region)
{
    const auto r = resolveRegion(profile, region);
    const QString regionName = r ? r->name : region;
    OperationSpec spec{QStringLiteral("backup"),
                       QStringLiteral("Back up %1 (%2)")
                           .arg(r ? r->database.name : QStringLiteral("?"), regionName),
                       {{QStringLiteral("region"), regionName},
                        {QStringLiteral("profile"), profile.path}}};
    return runner.start(spec, [profile, r](const Progress &progress) {
        if (!r)
            return OperationResult::failure(r.error());
        return BackupJob(profile, *r).run(progress);
    });
}

Operation *BackupOperations::verify(OperationRunner &runner,
                                    const Profile &profile,
                                    const QString &region,
                                    const QString &backupKey,
                                    VerifyLevel level)
{
    const auto r = resolveRegion(profile, region);
    const QString regionName = r ? r->name : region;
    OperationSpec spec{QStringLiteral("verify"),
                       QStringLiteral("Verify %1 (%2, %3)")
                           .arg(backupKey, levelName(level), regionName),
                       {{QStringLiteral("region"), regionName},
                        {QStringLiteral("backup"), backupKey},
                        {QStringLiteral("level"), levelName(level)}}};
    return runner.start(spec, [profile, r, backupKey, level](const Progress &progress) {
        if (!r)
            return OperationResult::failure(r.error());
        return BackupVerifier(profile, *r).run(backupKey, level, progress);
    });
}

Operation *BackupOperations::list(OperationRunner &runner,
                                  const Profile &profile,
                                  const QStringList &regions,
                                  std::shared_ptr<CatalogView> out)
{
    OperationSpec spec{QStringLiteral("backups.list"),
                       QStringLiteral("List backups"),
                       {{QStringLiteral("regions"), QJsonArray::fromStringList(regions)}},
                       false};
    return runner.start(spec, [profile, regions, out](const Progress &progress) {
        QList<Region> wanted;
        for (const QString &name : regions.isEmpty() ? profile.regionNames() : regions) {
            auto r = resolveRegion(profile, name);
            if (!r)
                return OperationResult::failure(r.error());
            wanted.append(*r);
        }
        QJsonArray json;
        int count = 0;
        for (int i = 0; i < wanted.size(); ++i) {
            progress.set(double(i) / wanted.size(),
                         QStringLiteral("listing %1").arg(wanted.at(i).name));
            auto listing = BackupCatalog::list(profile, wanted.at(i), progress.cancelToken());
            if (!listing)
                return OperationResult::failure(listing.error());
            json.append(toJson(*listing, profile));
            count += listing->entries.size();
            if (out)
                out->regions.append(*listing);
        }
        return OperationResult::success(QStringLiteral("%1 backups").arg(count),
                                        {{QStringLiteral("regions"), json}});
    });
}

Operation *BackupOperations::retention(OperationRunner &runner,
                                       const Profile &profile,
                                       const QString &region,
                                       bool dryRun,
                                       const QString &confirmation,
                                       const QStringList &confirmedIds)
{
    const auto r = resolveRegion(profile, region);
    const QString regionName = r ? r->name : region;
    OperationSpec spec{dryRun ? QStringLiteral("retention.plan") : QStringLiteral("retention.apply"),
                       dryRun ? QStringLiteral("Plan retention (%1)").arg(regionName)
                              : QStringLiteral("Apply retention (%1)").arg(regionName),
                       {{QStringLiteral("region"), regionName},
                        {QStringLiteral("dry_run"), dryRun},
                        {QStringLiteral("confirmed"), QJsonArray::fromStringList(confirmedIds)}},
                       !dryRun};
    return runner
        .start(spec, [profile, r, dryRun, confirmation, confirmedIds](const Progress &progress) {
            if (!r)
                return OperationResult::failure(r.error());
            return Retention::run(profile, *r, dryRun, confirmation, confirmedIds, progress);
        });
}

QJsonObject BackupOperations::toJson(const BackupEntry &e)
{
    QJsonArray copies;
    for (const CopyState &c : e.copies) {
        copies.append(QJsonObject{{QStringLiteral("repository"), c.repository},
                                  {QStringLiteral("state"), copyStatusName(c.state)},
                                  {QStringLiteral("size"), c.size},
                                  {QStringLiteral("detail"), c.detail}});
    }
    QJsonObject json{{QStringLiteral("id"), e.id},
                     {QStringLiteral("file"), e.fileName},
                     {QStringLiteral("region"), e.region},
                     {QStringLiteral("size"), e.size},
                     {QStringLiteral("created_at"), isoTime(e.createdAt)},
                     {QStringLiteral("latest"), e.isLatest},
                     {QStringLiteral("has_manifest"), bool(e.manifest)},
                     {QStringLiteral("verification"), e.verificationText()},
                     {QStringLiteral("verified_good"), e.isVerifiedGood()},
                     {QStringLiteral("copies"), copies}};
    if (const VerificationRecord *v = e.lastVerification())
        json.insert(QStringLiteral("last_verification"), v->toJson());
    if (!e.manifestProblem.isEmpty())
        json.insert(QStringLiteral("manifest_problem"), e.manifestProblem);
    if (e.manifest)
        json.insert(QStringLiteral("sha256"), e.manifest->sha256);
    return json;
}

QJsonObject BackupOperations::toJson(const RegionListing &listing, const Profile &profile)
{
    QJsonArray entries;
    for (const BackupEntry &e : listing.entries)
        entries.append(toJson(e));
    QJsonObject json{{QStringLiteral("region"), listing.region},
                     {QStringLiteral("backups"), entries},
                     {QStringLiteral("problems"), QJsonArray::fromStringList(listing.problems)},
                     {QStringLiteral("latest"), listing.latestTarget},
                     {QStringLiteral("rpo_seconds"), profile.rpoSecs}};
    if (const BackupEntry *v = listing.newestVerified()) {
        json.insert(QStringLiteral("newest_verified"), v->id);
        json.insert(QStringLiteral("newest_verified_age_seconds"),
                    v->createdAt.secsTo(QDateTime::currentDateTimeUtc()));
    }
    if (!listing.latestProblem.isEmpty())
        json.insert(QStringLiteral("latest_problem"), listing.latestProblem);
    if (!listing.otherRegions.isEmpty())
        json.insert(QStringLiteral("other_regions"),
                    QJsonArray::fromStringList(listing.otherRegions));
    return json;
}

QString BackupOperations::rpoText(const QList<RegionListing> &listings,
                                  const Profile &profile,
                                  bool *breached)
{
    QStringList parts;
    bool bad = false;
    for (const RegionListing &l : listings) {
        const BackupEntry *v = l.newestVerified();
        if (!v) {
            bad = true;
            parts.append(QStringLiteral("%1: no verified backup").arg(l.region));
            continue;
        }
        const qint64 age = v->createdAt.secsTo(QDateTime::currentDateTimeUtc());
        const bool over = age > profile.rpoSecs;
        bad = bad || over;
        parts.append(QStringLiteral("%1: newest verified backup %2 old%3")
                         .arg(l.region,
                              formatDuration(age),
                              over ? QStringLiteral(" — RPO BREACHED") : QString()));
    }
    if (breached)
        *breached = bad;
    return QStringLiteral("RPO target %1 · %2")
        .arg(formatDuration(profile.rpoSecs), parts.join(QStringLiteral(" · ")));
}

} // namespace ragdr::core
