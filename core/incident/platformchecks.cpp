#include "platformchecks.h"

#include "core/backup/backupcatalog.h"
#include "core/base/duration.h"
#include "core/base/files.h"
#include "core/cluster/clusterqueries.h"
#include "core/cluster/kubeconnections.h"

#include <QFileInfo>

namespace ragdr::core {

namespace {

// Runs one region's part of a check and merges it under the region's name.
template<typename PerRegion>
CheckOutcome eachRegion(const CheckContext &context, PerRegion perRegion)
{
    CheckOutcome all;
    QStringList summaries;
    for (qsizetype i = 0; i < context.regions.size(); ++i) {
        if (context.progress.isCancelled())
            return CheckOutcome::couldNotCheck(QStringLiteral("cancelled"));
        const QString &name = context.regions.at(i);
        const Region *region = context.profile.region(name);
        if (!region)
            continue;
        const Progress part = context.progress.sub(double(i) / context.regions.size(),
                                                   double(i + 1) / context.regions.size());
        part.set(0, name);
        CheckOutcome one = perRegion(*region, part);
        for (QString &l : one.lines)
            l = QStringLiteral("%1: %2").arg(name, l);
        summaries.append(QStringLiteral("%1: %2").arg(name, one.summary));
        all.merge(name, one);
    }
    all.summary = summaries.join(QStringLiteral("; "));
    return all;
}

CheckOutcome fromError(const Error &error)
{
    return CheckOutcome::couldNotCheck(error.message, {error.message});
}

// The backups in a region's primary repository, newest first; or, when there is nothing to look
// at, the outcome that ends the check (noBackup says what that means for it).
std::expected<RegionListing, CheckOutcome> backupsOf(const CheckContext &context,
                                                     const Region &region,
                                                     const Progress &progress,
                                                     const QString &noBackup)
{
    auto listing = BackupCatalog::list(context.profile,
                                       region,
                                       progress.cancelToken(),
                                       BackupCatalog::Scope::PrimaryOnly);
    if (!listing)
        return std::unexpected(fromError(listing.error()));
    if (!listing->complete())
        return std::unexpected(
            CheckOutcome::couldNotCheck(listing->problems.join(QStringLiteral("; ")),
                                        listing->problems));
    if (listing->entries.isEmpty())
        return std::unexpected(CheckOutcome::failed(noBackup, {noBackup}));
    return *listing;
}

} // namespace

QString PlatformChecks::needsDeployments(const Profile &profile)
{
    return profile.deployments.isEmpty() ? QStringLiteral("deployments") : QString();
}

CheckOutcome PlatformChecks::podsReady(const CheckContext &context)
{
    return eachRegion(context, [&](const Region &region, const Progress &progress) {
        auto connection = context.kube.forRegion(region.name);
        if (!connection)
            return fromError(connection.error());
        KubeApi api(*connection);
        auto rows = ClusterQueries::deployments(api, context.profile, progress.cancelToken());
        if (!rows) {
            // The API server not answering is what a lost region looks like: a finding.
            return rows.error().kind == Error::Kind::Failed
                       ? CheckOutcome::failed(rows.error().message, {rows.error().message})
                       : fromError(rows.error());
        }
        CheckOutcome o;
        QStringList notReady;
        QJsonObject deployments;
        for (const DeploymentSpec &spec : context.profile.deployments) {
            const DeploymentRow *row = nullptr;
            for (const DeploymentRow &r : std::as_const(*rows)) {
                if (r.name == spec.name)
                    row = &r;
            }
            if (!row) {
                notReady.append(spec.name);
                o.lines.append(QStringLiteral("deployment %1 is not in %2/%3")
                                   .arg(spec.name, region.kube.context, region.kube.ns));
                continue;
            }
            const bool ready = row->desired > 0 && row->ready == row->desired
                               && row->updated == row->desired && row->available == row->desired;
            if (!ready)
                notReady.append(spec.name);
            o.lines.append(
                QStringLiteral("%1: %2/%3 ready, %4 up-to-date, %5 available%6")
                    .arg(spec.name)
                    .arg(row->ready)
                    .arg(row->desired)
                    .arg(row->updated)
                    .arg(row->available)
                    .arg(row->desired == 0 ? QStringLiteral(" (scaled to 0)") : QString()));
            deployments.insert(spec.name,
                               QJsonObject{{QStringLiteral("desired"), row->desired},
                                           {QStringLiteral("ready"), row->ready},
                                           {QStringLiteral("updated"), row->updated},
                                           {QStringLiteral("available"), row->available},
                                           {QStringLiteral("rollout"), row->rollout}});
        }
        o.data.insert(QStringLiteral("context"), region.kube.context);
        o.data.insert(QStringLiteral("deployments"), deployments);
        if (notReady.isEmpty()) {
            o.summary = QStringLiteral("all pods ready");
        } else {
            o.verdict = CheckOutcome::Verdict::Failed;
            o.summary = QStringLiteral("not ready: %1").arg(notReady.join(QStringLiteral(", ")));
        }
        return o;
    });
}

CheckOutcome PlatformChecks::newestBackupVerified(const CheckContext &context)
{
    return eachRegion(context, [&](const Region &region, const Progress &progress) {
        auto listing = backupsOf(context,
                                 region,
                                 progress,
                                 QStringLiteral("no backup in %1")
                                     .arg(region.primaryRepository().describe()));
        if (!listing)
            return listing.error();
        const BackupEntry &newest = listing->entries.constFirst();
        CheckOutcome o;
        o.data = {{QStringLiteral("backup"), newest.id},
                  {QStringLiteral("created_at"), newest.createdAt.toString(Qt::ISODate)},
                  {QStringLiteral("verification"), newest.verificationText()}};
        o.lines.append(QStringLiteral("newest backup %1, %2 old: %3")
                           .arg(newest.id, formatAge(newest.createdAt), newest.verificationText()));
        if (const VerificationRecord *v = newest.lastVerification())
            o.lines.append(QStringLiteral("last verified %1 UTC by %2 (%3)")
                               .arg(v->at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                    v->by,
                                    levelName(v->level)));
        if (newest.isVerifiedGood()) {
            o.summary = QStringLiteral("%1 verified (%2)").arg(newest.id, newest.verificationText());
            return o;
        }
        o.verdict = CheckOutcome::Verdict::Failed;
        o.summary = newest.isCorrupt()
                        ? QStringLiteral("the newest backup %1 is corrupt").arg(newest.id)
                        : QStringLiteral("the newest backup %1 is not verified").arg(newest.id);
        if (const BackupEntry *good = listing->newestVerified())
            o.lines.append(QStringLiteral("the newest verified backup is %1, %2 old")
                               .arg(good->id, formatAge(good->createdAt)));
        return o;
    });
}

CheckOutcome PlatformChecks::configurationExported(const CheckContext &context)
{
    return eachRegion(context, [&](const Region &region, const Progress &progress) {
        auto listing = backupsOf(context,
                                 region,
                                 progress,
                                 QStringLiteral("no backup, so no configuration saved with one"));
        if (!listing)
            return listing.error();
        const BackupEntry &newest = listing->entries.constFirst();
        if (!newest.manifest) {
            const QString why = QStringLiteral("the newest backup %1 has no manifest, so no "
                                               "configuration saved with it")
                                    .arg(newest.id);
            return CheckOutcome::failed(why, {why});
        }
        const QJsonObject k8s = newest.manifest->kubernetes;
        if (k8s.contains(QLatin1String("error"))
            || k8s.value(QLatin1String("file")).toString().isEmpty()) {
            const QString why = QStringLiteral("the configuration was not saved with %1: %2")
                                    .arg(newest.id,
                                         k8s.value(QLatin1String("error"))
                                             .toString(
                                                 QStringLiteral("the backup did not export it")));
            return CheckOutcome::failed(why, {why});
        }
        const QString path = QFileInfo(region.primaryRepository().location).absoluteFilePath()
                             + QLatin1Char('/') + k8s.value(QLatin1String("file")).toString();
        auto sha = files::sha256Hex(path, progress.cancelToken());
        if (!sha) {
            const QString why = QStringLiteral("%1: %2").arg(path, sha.error().message);
            return CheckOutcome::failed(why, {why});
        }
        const QString recorded = k8s.value(QLatin1String("sha256")).toString();
        CheckOutcome o;
        o.data = {{QStringLiteral("backup"), newest.id},
                  {QStringLiteral("file"), path},
                  {QStringLiteral("sha256"), QString::fromLatin1(*sha)},
                  {QStringLiteral("objects"), k8s.value(QLatin1String("objects")).toArray().size()},
                  {QStringLiteral("secrets"), k8s.value(QLatin1String("secrets")).toArray().size()}};
        o.lines.append(QStringLiteral("%1: %2 objects and %3 secrets' key names from %4/%5, "
                                      "sha256 %6")
                           .arg(path)
                           .arg(k8s.value(QLatin1String("objects")).toArray().size())
                           .arg(k8s.value(QLatin1String("secrets")).toArray().size())
                           .arg(k8s.value(QLatin1String("context")).toString(),
                                k8s.value(QLatin1String("namespace")).toString(),
                                QString::fromLatin1(sha->left(16))));
        if (QString::fromLatin1(*sha) != recorded) {
            o.verdict = CheckOutcome::Verdict::Failed;
            o.summary = QStringLiteral("%1 changed since the backup recorded it").arg(path);
            return o;
        }
        o.summary = QStringLiteral("saved with %1").arg(newest.id);
        return o;
    });
}

} // namespace ragdr::core
