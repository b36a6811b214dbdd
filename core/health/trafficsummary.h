#pragma once

#include "metricset.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace ragdr::core {

// What a commander reads from a service's /metrics: how many requests it serves, how many fail
// and how long they take. From the series prometheus-fastapi-instrumentator exposes:
// http_requests_total{handler,method,status} and the latency histograms
// http_request_duration_highr_seconds (finer buckets, preferred) or
// http_request_duration_seconds. The scrape endpoint's own requests (handler "/metrics") are
// left out, so that looking does not change what is seen.
struct TrafficSummary
{
    bool windowed = false; // figures between two scrapes; false: since the service started
    double seconds = 0;    // between the two scrapes
    double requests = 0;
    double errors = 0; // status 5xx
    std::optional<double> ratePerSecond;
    std::optional<double> errorRatio;
    std::optional<double> p50;
    std::optional<double> p90;
    std::optional<double> p99;
    QString latencyFamily; // the histogram the quantiles come from; empty: none found
    QStringList missing;   // families a FastAPI service should expose and this one does not

    QStringList lines() const; // one fact per line, for evidence
    QJsonObject toJson() const;

    // Between two scrapes taken `seconds` apart. When no request came in between, the figures
    // are those since the service started (the counters' totals), and windowed is false.
    static TrafficSummary between(const MetricSet &before, const MetricSet &after, double seconds);
    static TrafficSummary of(const MetricSet &scrape);

    // histogram_quantile's estimate: linear within the bucket that holds the rank; the +Inf
    // bucket answers with the highest finite bound. buckets: (upper bound, cumulative count),
    // ascending.
    static std::optional<double> quantile(double q, const QList<std::pair<double, double>> &buckets);
};

} // namespace ragdr::core
