#pragma once

#include "core/incident/checkcontext.h"
#include "core/incident/checkoutcome.h"

namespace ragdr::core {

// Runbook §5, "run sample RAG queries to confirm correct embeddings and results": each golden
// query of the profile is sent to every region's /query, and passes when enough of the documents
// it expects come back in the top k (health.golden_queries: top_k, min_overlap). The evidence
// lists what came back, what is missing, and what changed since the item's previous run, so that
// a restore of an older backup shows which documents it lost.
class GoldenQueryCheck final
{
public:
    static CheckOutcome run(const CheckContext &context);
    static QString needs(const Profile &profile);
};

} // namespace ragdr::core
