#pragma once

#include "serviceapi.h"

#include "core/incident/checkcontext.h"
#include "core/incident/checkoutcome.h"

#include <functional>

namespace ragdr::core {

// The checks of the service's own API (runbook §5: /status, /metrics, sample RAG queries), each
// run against the endpoint of every region checked. Their evidence names the region first.
class EndpointChecks final
{
public:
    static CheckOutcome status(const CheckContext &context);
    // Two scrapes health.metrics_interval apart; fails on text that does not parse, missing
    // series, or an error ratio above health.max_error_ratio.
    static CheckOutcome metrics(const CheckContext &context);
    // One scrape, for a quick look (`ragdr health`).
    static CheckOutcome metricsOnce(const CheckContext &context);

    // What the profile lacks for these checks (CheckRegistry's "needs").
    static QString needsEndpoints(const Profile &profile);

    using PerEndpoint = std::function<CheckOutcome(const ServiceApi &api, const Progress &progress)>;
    // Runs perEndpoint for each region's endpoint and merges the outcomes (key: the region).
    static CheckOutcome forEachEndpoint(const CheckContext &context, const PerEndpoint &perEndpoint);
};

} // namespace ragdr::core
