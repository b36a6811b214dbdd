#pragma once

#include "core/base/canceltoken.h"
#include "core/base/error.h"
#include "core/profile/profile.h"

#include <functional>
#include <memory>

class QLockFile;

namespace ragdr::core {

// The lock over a region's manifests and its "latest" link (a lock file in the primary
// repository). Whoever writes a manifest, deletes a backup or decides where "latest" points holds
// it, in whatever process, so that a backup, a verification and a retention running at once each
// decide from what the others finished, never from what they were about to change. Released
// when the object goes away.
class ManifestLock final
{
public:
    using WaitingHandler = std::function<void(const QString &why)>;

    // Waits while another ragdr holds the lock (calling waiting once, naming the holder), until
    // it is free, cancel is requested (Cancelled) or kMaxWaitMs pass (Refused, naming the holder).
    static Result<std::unique_ptr<ManifestLock>> acquire(const Region &region,
                                                         const CancelToken &cancel,
                                                         const WaitingHandler &waiting = {});
    ~ManifestLock();
    ManifestLock(const ManifestLock &) = delete;
    ManifestLock &operator=(const ManifestLock &) = delete;

    static constexpr int kMaxWaitMs = 10 * 60 * 1000;

private:
    explicit ManifestLock(std::unique_ptr<QLockFile> file);
    std::unique_ptr<QLockFile> m_file;
};

} // namespace ragdr::core
