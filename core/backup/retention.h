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
    QJsonObject toJson() const;
};

// Retention by count and/or age. A backup is deleted only when it is outside every rule that
// keeps it: among the newest keep_last, younger than max_age, the newest verified backup, the
// target of the "latest" link. Nothing is deleted when any repository could not be listed.
class Retention final
{
public:
    static RetentionPlan plan(const RegionListing &listing,
                              const RetentionPolicy &policy,
                              const QDateTime &now);

    // Lists, plans and (unless dryRun) deletes each planned backup's dump and manifest from
    // every repository, then re-points "latest". confirmation must name the region.
    static OperationResult run(const Profile &profile,
                               const Region &region,
                               bool dryRun,
                               const QString &confirmation,
                               const Progress &progress);
};

} // namespace ragdr::core
