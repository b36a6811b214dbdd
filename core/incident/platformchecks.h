#pragma once

#include "checkcontext.h"
#include "checkoutcome.h"

namespace ragdr::core {

// The checks a commander adds to the runbook's list: the pods of every deployment ready in every
// region, the newest backup verified, and the configuration (runbook §3.2) exported with it.
class PlatformChecks final
{
public:
    // Every profile deployment has all its desired pods ready and updated (and at least one).
    static CheckOutcome podsReady(const CheckContext &context);
    // The newest backup of each region passed a verification; never verified or corrupt fails;
    // a repository that cannot be listed is could-not-check.
    static CheckOutcome newestBackupVerified(const CheckContext &context);
    // The newest backup of each region has the namespace's Deployments, Services and ConfigMaps
    // saved beside it, and that file still has the hash its manifest recorded.
    static CheckOutcome configurationExported(const CheckContext &context);

    static QString needsDeployments(const Profile &profile);
};

} // namespace ragdr::core
