#pragma once

#include "backupcatalog.h"

#include "core/ops/operationrunner.h"
#include "core/profile/profile.h"

#include <QJsonObject>

#include <memory>

namespace ragdr::core {

// All regions' listings at one moment, filled by the list operation's body.
struct CatalogView
{
    QList<RegionListing> regions;
};

// Starts the backup operations on a runner: the GUI, the CLI and the tests all come here, so that
// titles, journal entries and error texts are the same everywhere. An empty region means the
// profile's first region.
class BackupOperations final
{
public:
    static Operation *backup(OperationRunner &runner, const Profile &profile, const QString &region);
    static Operation *verify(OperationRunner &runner,
                             const Profile &profile,
                             const QString &region,
                             const QString &backupKey,
                             VerifyLevel level);
    static Operation *list(OperationRunner &runner,
                           const Profile &profile,
                           const QStringList &regions,
                           std::shared_ptr<CatalogView> out);
    // Applying (not dryRun) needs confirmation naming the region and confirmedIds naming exactly
    // the backups the plan deletes (the plan's "deletions" from a dry run).
    static Operation *retention(OperationRunner &runner,
                                const Profile &profile,
                                const QString &region,
                                bool dryRun,
                                const QString &confirmation,
                                const QStringList &confirmedIds = {});

    static QJsonObject toJson(const BackupEntry &entry);
    static QJsonObject toJson(const RegionListing &listing, const Profile &profile);
    // The RPO as the commander sees it: age of the newest verified backup against the target.
    static QString rpoText(const QList<RegionListing> &listings,
                           const Profile &profile,
                           bool *breached);
};

} // namespace ragdr::core
