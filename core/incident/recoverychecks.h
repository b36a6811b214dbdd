#pragma once

#include "checkcontext.h"
#include "checkoutcome.h"

namespace ragdr::core {

// The checks that look at what the recovery itself did: the data a restore brought back is still
// there, and Gemini answers the service (runbook §4.3).
class RecoveryChecks final
{
public:
    // Each region the incident restored: every table of the restored backup's manifest is in the
    // live database with at least the rows the backup had. More rows are what the apps wrote
    // since (shown, not judged); fewer, or a table gone, fail. A region with no restore recorded
    // has nothing to compare and says so.
    static CheckOutcome restoredData(const CheckContext &context);
    // The LLM check of the LLM panel, every endpoint asked afresh: passes when one answers all
    // its probes; fails when none does; could-not-check when ragdr holds no key for any of them.
    static CheckOutcome llmAnswers(const CheckContext &context);

    static QString needsLlm(const Profile &profile);
};

} // namespace ragdr::core
