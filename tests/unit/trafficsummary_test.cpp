// What the /metrics item shows: request rate, error ratio and latency quantiles from the series
// a FastAPI service exposes, between two scrapes.
#include "core/health/prometheusparser.h"
#include "core/health/trafficsummary.h"

#include <gtest/gtest.h>

using namespace ragdr::core;

namespace {

QByteArray scrape(int ok, int errors, int fast, int medium, int slow, int metricsScrapes = 0)
{
    const int total = ok + errors;
    QByteArray t
        = "# HELP http_requests_total Total number of requests by method, status and handler.\n"
          "# TYPE http_requests_total counter\n";
    t += "http_requests_total{handler=\"/query\",method=\"POST\",status=\"2xx\"} "
         + QByteArray::number(ok) + "\n";
    t += "http_requests_total{handler=\"/query\",method=\"POST\",status=\"5xx\"} "
         + QByteArray::number(errors) + "\n";
    t += "http_requests_total{handler=\"/metrics\",method=\"GET\",status=\"2xx\"} "
         + QByteArray::number(metricsScrapes) + "\n";
    t += "# TYPE http_request_duration_seconds histogram\n";
    t += "http_request_duration_seconds_bucket{handler=\"/query\",le=\"0.1\",method=\"POST\"} "
         + QByteArray::number(fast) + "\n";
    t += "http_request_duration_seconds_bucket{handler=\"/query\",le=\"0.5\",method=\"POST\"} "
         + QByteArray::number(fast + medium) + "\n";
    t += "http_request_duration_seconds_bucket{handler=\"/query\",le=\"1.0\",method=\"POST\"} "
         + QByteArray::number(fast + medium + slow) + "\n";
    t += "http_request_duration_seconds_bucket{handler=\"/query\",le=\"+Inf\",method=\"POST\"} "
         + QByteArray::number(total) + "\n";
    t += "http_request_duration_seconds_count{handler=\"/query\",method=\"POST\"} "
         + QByteArray::number(total) + "\n";
    t += "http_request_duration_seconds_sum{handler=\"/query\",method=\"POST\"} 12.5\n";
    t += "http_request_duration_seconds_bucket{handler=\"/metrics\",le=\"0.1\",method=\"GET\"} "
         + QByteArray::number(metricsScrapes) + "\n";
    t += "http_request_duration_seconds_bucket{handler=\"/metrics\",le=\"+Inf\",method=\"GET\"} "
         + QByteArray::number(metricsScrapes) + "\n";
    return t;
}

MetricSet parse(const QByteArray &text)
{
    auto set = PrometheusParser::parse(text);
    EXPECT_TRUE(set.has_value()) << qPrintable(set ? QString() : set.error().message);
    return set ? *set : MetricSet();
}

} // namespace

TEST(TrafficSummary, QuantilesInterpolateAsHistogramQuantileDoes)
{
    const QList<std::pair<double, double>> buckets{{0.1, 50},
                                                   {0.5, 90},
                                                   {1.0, 100},
                                                   {std::numeric_limits<double>::infinity(), 100}};
    EXPECT_DOUBLE_EQ(*TrafficSummary::quantile(0.5, buckets), 0.1);
    EXPECT_DOUBLE_EQ(*TrafficSummary::quantile(0.25, buckets), 0.05);
    EXPECT_DOUBLE_EQ(*TrafficSummary::quantile(0.9, buckets), 0.5);
    EXPECT_DOUBLE_EQ(*TrafficSummary::quantile(0.99, buckets), 0.95);
    // Ranks in the +Inf bucket answer with the highest finite bound.
    const QList<std::pair<double, double>> tail{{0.1, 10},
                                                {std::numeric_limits<double>::infinity(), 20}};
    EXPECT_DOUBLE_EQ(*TrafficSummary::quantile(0.9, tail), 0.1);
    EXPECT_FALSE(
        TrafficSummary::quantile(0.5, {{0.1, 0}, {std::numeric_limits<double>::infinity(), 0}}));
}

TEST(TrafficSummary, ComparesTwoScrapesAndLeavesTheScrapesOwnRequestsOut)
{
    const MetricSet before = parse(scrape(100, 0, 90, 10, 0, 5));
    const MetricSet after = parse(scrape(190, 10, 140, 40, 10, 6));
    const TrafficSummary t = TrafficSummary::between(before, after, 10.0);
    EXPECT_TRUE(t.windowed);
    EXPECT_DOUBLE_EQ(t.requests, 100);
    EXPECT_DOUBLE_EQ(t.errors, 10);
    EXPECT_DOUBLE_EQ(*t.ratePerSecond, 10.0);
    EXPECT_DOUBLE_EQ(*t.errorRatio, 0.1);
    // Between the scrapes: 50 fast, 30 medium, 10 slow, 10 beyond 1 s.
    EXPECT_DOUBLE_EQ(*t.p50, 0.1);
    EXPECT_DOUBLE_EQ(*t.p90, 1.0);
    EXPECT_DOUBLE_EQ(*t.p99, 1.0);
    EXPECT_TRUE(t.missing.isEmpty());
    EXPECT_TRUE(t.lines().constFirst().contains(QStringLiteral("10.00 requests/s")))
        << qPrintable(t.lines().join(QLatin1Char('\n')));
}

TEST(TrafficSummary, NoTrafficBetweenScrapesFallsBackToTotalsAndSaysSo)
{
    const MetricSet a = parse(scrape(100, 5, 90, 10, 5, 1));
    const MetricSet b = parse(scrape(100, 5, 90, 10, 5, 2));
    const TrafficSummary t = TrafficSummary::between(a, b, 5.0);
    EXPECT_FALSE(t.windowed);
    EXPECT_FALSE(t.ratePerSecond.has_value());
    EXPECT_DOUBLE_EQ(t.requests, 105);
    EXPECT_NEAR(*t.errorRatio, 5.0 / 105.0, 1e-12);
    EXPECT_TRUE(t.lines().constFirst().contains(QStringLiteral("no requests between")));
}

TEST(TrafficSummary, ACounterResetCountsFromZero)
{
    const MetricSet before = parse(scrape(1000, 10, 900, 100, 10));
    const MetricSet after = parse(scrape(20, 0, 20, 0, 0));
    const TrafficSummary t = TrafficSummary::between(before, after, 10.0);
    EXPECT_TRUE(t.windowed);
    EXPECT_DOUBLE_EQ(t.requests, 20);
    EXPECT_DOUBLE_EQ(*t.errorRatio, 0.0);
}

TEST(TrafficSummary, NamesWhatIsMissing)
{
    const TrafficSummary t = TrafficSummary::of(parse("process_cpu_seconds_total 1\n"));
    EXPECT_EQ(t.missing,
              (QStringList{QStringLiteral("http_requests_total"),
                           QStringLiteral("http_request_duration_seconds")}));
}
