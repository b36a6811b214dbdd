#pragma once

#include "backuprepository.h"

#include "core/base/canceltoken.h"
#include "core/profile/profile.h"

#include <QStringList>

namespace ragdr::core {

class ManifestLock;

// What a ragdr that was killed mid-way leaves behind: hidden partial and temporary files in the
// repositories, manifests and Kubernetes objects whose dump is in no repository of the region,
// and password files of processes that are gone. Swept at the start of the next backup, which
// holds the region's backup lock and its ManifestLock: nothing it removes can be in use.
class LeftoverSweeper final
{
public:
    struct Swept
    {
        QStringList removed;   // locations
        QStringList problems;  // what could not be looked at or removed
        QList<RepoFile> dumps; // the dumps every repository that could be listed holds
    };

    static Swept sweep(const Profile &profile,
                       const Region &region,
                       const ManifestLock &lock,
                       const CancelToken &cancel);
};

} // namespace ragdr::core
