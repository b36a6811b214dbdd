#pragma once

#include "backupmanifest.h"

#include "core/base/canceltoken.h"
#include "core/profile/profile.h"

#include <functional>

namespace ragdr::core {

class ManifestLock;

// Reads, changes and writes back a backup's manifest in every repository that holds the backup.
// Every call needs the region's ManifestLock, held by the caller for as long as what it decides
// from the manifests must stay true (the "latest" link is decided under the same lock).
class ManifestStore final
{
public:
    ManifestStore(Profile profile, Region region);

    // Writes a new manifest to the primary repository (a backup being made).
    Status create(const ManifestLock &lock,
                  const BackupManifest &manifest,
                  const CancelToken &cancel);

    // The backup's manifest from the primary repository, else from another that has one, changed
    // by change() and written back to every repository holding the dump. A manifest that exists
    // but cannot be read or parsed is never replaced: that is an error saying "manifest damaged".
    // Only when no repository has a manifest does change() receive an "adopted" one (a dump made
    // by the runbook's plain pg_dump). Failures to update a mirror's copy are returned in
    // warnings; a failure in the primary repository is an error.
    Result<BackupManifest> update(const ManifestLock &lock,
                                  const QString &fileName,
                                  const std::function<void(BackupManifest &)> &change,
                                  const CancelToken &cancel,
                                  QStringList *warnings);

private:
    Profile m_profile;
    Region m_region;
};

} // namespace ragdr::core
