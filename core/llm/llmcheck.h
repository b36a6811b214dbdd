#pragma once

#include "endpointreport.h"

#include "core/ops/operationresult.h"
#include "core/ops/progress.h"
#include "core/profile/profile.h"

namespace ragdr::core {

class EndpointPool;

// The LLM check (runbook §4.3 "Check Gemini API status; validate API keys"): the endpoints in the
// profile's order, each with its key, through four probes: the model list (key and reachability),
// the configured model, a tiny generateContent, and an embedContent whose vector must have the
// database's dimension. An endpoint that fails is cooled down and the next one answers; the first
// that passes everything is live, and the ones after it stand by unprobed (to save quota).
class LlmCheck final
{
public:
    struct Options
    {
        QString region;   // whose database gives the embedding dimension; empty: the first
        QString endpoint; // only this one, cooldown or not; empty: failover order
    };

    static OperationResult run(const Profile &profile,
                               const Options &options,
                               EndpointPool &pool,
                               const Progress &progress);

    // One endpoint's probes with `attempts` tries per request. databaseDimension < 0: unknown
    // (the dimension is then reported, not judged).
    static EndpointReport probe(const LlmEndpoint &endpoint,
                                const LlmSettings &settings,
                                int attempts,
                                int databaseDimension,
                                const CancelToken &cancel);
};

} // namespace ragdr::core
