#pragma once

#include "backupcatalog.h"

#include "core/ops/operationresult.h"
#include "core/ops/progress.h"
#include "core/profile/profile.h"

namespace ragdr::core {

struct RetentionDecision
{
    QString id;
    QString fileName;
    bool keep = true;
    QString reason;
};

struct RetentionPlan
{
    QString region;
    QList<RetentionDecision> decisions; // newest first
    QStringList blockers;               // while any is set, nothing is deleted

    QList<RetentionDecision> deletions() const;
    QStringList deletionIds() const; // what a confirmation must name, in plan order
    QJsonObject toJson() const;      // with "deletions": the ids
};

// Retention by count and/or age. A backup is deleted only when it is outside every rule that
// keeps it: among the newest keep_last, younger than max_age, the newest verified backup, the
// target of the "latest" link. Nothing is deleted when any repository could not be listed, and
// nothing but exactly what the user confirmed.
class Retention final
{
public:
    static RetentionPlan plan(const RegionListing &listing,
                              const RetentionPolicy &policy,
                              const QDateTime &now);

    // How a fresh plan's deletions differ from the ids a user confirmed, in words; empty when
    // they are the same backups.
    static QStringList differences(const RetentionPlan &fresh, const QStringList &confirmed);

    // Lists, plans and (unless dryRun) deletes each planned backup's dump, Kubernetes objects and
    // manifest from every repository, then re-points "latest". Applying needs confirmation to
    // name the region and confirmedIds to name exactly the backups the plan deletes (the plan the
    // user saw): it is planned again under the region's ManifestLock, and when it differs nothing
    // is deleted and the refusal says how it differs (its evidence holds the fresh plan).
    static OperationResult run(const Profile &profile,
                               const Region &region,
                               bool dryRun,
                               const QString &confirmation,
                               const QStringList &confirmedIds,
                               const Progress &progress);
};

} // namespace ragdr::core
