#pragma once

#include "backupmanifest.h"

#include "core/base/canceltoken.h"
#include "core/profile/profile.h"

#include <functional>

namespace ragdr::core {

// Reads, changes and writes back a backup's manifest in every repository that holds the backup,
// one writer at a time (a lock file in the primary repository), so that a verification from the
// CLI and one from the console do not lose each other's records.
class ManifestStore final
{
public:
    ManifestStore(Profile profile, Region region);

    // Writes a new manifest to the primary repository (a backup being made).
    Status create(const BackupManifest &manifest, const CancelToken &cancel);

    // When the backup has no manifest yet (a dump made by the runbook's plain pg_dump), change()
    // receives an "adopted" one to fill in. Failures to update a mirror's copy of the manifest are
    // returned in warnings; a failure in the primary repository is an error.
    Result<BackupManifest> update(const QString &fileName,
                                  const std::function<void(BackupManifest &)> &change,
                                  const CancelToken &cancel,
                                  QStringList *warnings);

private:
    Profile m_profile;
    Region m_region;
};

} // namespace ragdr::core
