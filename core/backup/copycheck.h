#pragma once

#include "backupcatalog.h"
#include "helpertask.h"

#include "core/ops/progress.h"
#include "core/profile/profile.h"

#include <map>
#include <memory>

namespace ragdr::core {

// Every copy of one backup against the manifest's checksum (or, without one, the primary copy's).
// The other repositories' copies are hashed on helper threads from construction on, while the
// primary copy is verified: they come from other disks or remotes, so their reading does not slow
// the local one down. A cancel stops them; none outlives this object.
class CopyCheck final
{
public:
    struct Report
    {
        QList<CopyRecord> copies; // one per repository, the primary first
        QStringList bad;          // "mirror: mismatch (…)"
        QStringList missing;      // repositories without a copy: not damage, not redundant
    };

    CopyCheck(const Region &region, const BackupEntry &entry, const CancelToken &cancel);

    // primarySha256 and primarySize as the primary copy's verification found them (empty: the
    // file was not there).
    Report compare(const BackupManifest *manifest,
                   const QByteArray &primarySha256,
                   qint64 primarySize,
                   const Progress &progress);

private:
    Result<QByteArray> hashOf(int repository);

    const Region &m_region;
    const BackupEntry &m_entry;
    CancelToken m_cancel;
    std::map<int, std::unique_ptr<HelperTask<Result<QByteArray>>>> m_hashes;
};

} // namespace ragdr::core
