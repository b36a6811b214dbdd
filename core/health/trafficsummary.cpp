#include "trafficsummary.h"

#include <QJsonArray>
#include <QMap>

#include <cmath>

namespace ragdr::core {

namespace {

const QString kRequests = QStringLiteral("http_requests_total");
const QStringList kLatency{QStringLiteral("http_request_duration_highr_seconds"),
                           QStringLiteral("http_request_duration_seconds")};
const QString kScrapeHandler = QStringLiteral("/metrics");

// The family a sample name belongs to under either naming: "http_requests_total" as a 0.0.4
// family, or "http_requests" as OpenMetrics names the counter.
const MetricFamily *requestFamily(const MetricSet &set)
{
    if (const MetricFamily *f = set.family(kRequests))
        return f;
    return set.family(u"http_requests");
}

struct Counts
{
    double requests = 0;
    double errors = 0;
    QMap<double, double> buckets; // le -> cumulative count, summed over handlers and methods
    QString latencyFamily;
};

bool isServerError(const QString &status)
{
    return status.startsWith(QLatin1Char('5'));
}

Counts countsOf(const MetricSet &set)
{
    Counts c;
    if (const MetricFamily *f = requestFamily(set)) {
        for (const MetricSample &s : f->samples) {
            if (s.name != kRequests || s.label(u"handler") == kScrapeHandler || std::isnan(s.value))
                continue;
            c.requests += s.value;
            if (isServerError(s.label(u"status")))
                c.errors += s.value;
        }
    }
    for (const QString &name : kLatency) {
        const MetricFamily *f = set.family(name);
        if (!f || f->type != MetricFamily::Type::Histogram)
            continue;
        const QString bucket = name + QStringLiteral("_bucket");
        for (const MetricSample &s : f->samples) {
            if (s.name != bucket || s.label(u"handler") == kScrapeHandler)
                continue;
            bool ok = false;
            double le = s.label(u"le").toDouble(&ok);
            if (s.label(u"le") == QLatin1String("+Inf"))
                le = std::numeric_limits<double>::infinity();
            else if (!ok)
                continue;
            c.buckets[le] += s.value;
        }
        c.latencyFamily = name;
        break;
    }
    return c;
}

void fillQuantiles(TrafficSummary &t, const QMap<double, double> &buckets)
{
    QList<std::pair<double, double>> list;
    for (auto it = buckets.cbegin(); it != buckets.cend(); ++it)
        list.append({it.key(), it.value()});
    t.p50 = TrafficSummary::quantile(0.5, list);
    t.p90 = TrafficSummary::quantile(0.9, list);
    t.p99 = TrafficSummary::quantile(0.99, list);
}

QStringList missingFamilies(const MetricSet &set)
{
    QStringList missing;
    if (!requestFamily(set))
        missing.append(kRequests);
    bool latency = false;
    for (const QString &name : kLatency)
        latency = latency || set.family(name);
    if (!latency)
        missing.append(kLatency.constLast());
    return missing;
}

QString duration(const std::optional<double> &s)
{
    if (!s)
        return QStringLiteral("n/a");
    if (*s < 1.0)
        return QStringLiteral("%1 ms").arg(*s * 1000.0, 0, 'f', 0);
    return QStringLiteral("%1 s").arg(*s, 0, 'f', 2);
}

QString requestsText(double n)
{
    return n == 1 ? QStringLiteral("1 request") : QStringLiteral("%1 requests").arg(n, 0, 'f', 0);
}

QJsonValue optionalJson(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

} // namespace

std::optional<double> TrafficSummary::quantile(double q,
                                               const QList<std::pair<double, double>> &buckets)
{
    if (buckets.size() < 2 || !std::isinf(buckets.constLast().first))
        return std::nullopt;
    const double total = buckets.constLast().second;
    if (!(total > 0))
        return std::nullopt;
    const double rank = q * total;
    qsizetype i = 0;
    while (i < buckets.size() && buckets.at(i).second < rank)
        ++i;
    if (i == buckets.size() - 1)
        return buckets.at(buckets.size() - 2).first; // in the +Inf bucket
    const double upper = buckets.at(i).first;
    const double lower = i == 0 ? 0.0 : buckets.at(i - 1).first;
    const double below = i == 0 ? 0.0 : buckets.at(i - 1).second;
    const double inBucket = buckets.at(i).second - below;
    if (i == 0 && upper <= 0)
        return upper;
    if (!(inBucket > 0))
        return upper;
    return lower + (upper - lower) * (rank - below) / inBucket;
}

TrafficSummary TrafficSummary::of(const MetricSet &scrape)
{
    TrafficSummary t;
    const Counts c = countsOf(scrape);
    t.requests = c.requests;
    t.errors = c.errors;
    if (t.requests > 0)
        t.errorRatio = t.errors / t.requests;
    t.latencyFamily = c.latencyFamily;
    fillQuantiles(t, c.buckets);
    t.missing = missingFamilies(scrape);
    return t;
}

TrafficSummary TrafficSummary::between(const MetricSet &before,
                                       const MetricSet &after,
                                       double secondsApart)
{
    const Counts a = countsOf(before);
    const Counts b = countsOf(after);
    // A counter that went down means the service restarted: its new value is all there is.
    const double requests = b.requests >= a.requests ? b.requests - a.requests : b.requests;
    if (!(requests > 0) || !(secondsApart > 0)) {
        TrafficSummary t = of(after);
        t.seconds = secondsApart;
        return t;
    }
    TrafficSummary t;
    t.windowed = true;
    t.seconds = secondsApart;
    t.requests = requests;
    t.errors = b.errors >= a.errors ? b.errors - a.errors : b.errors;
    t.ratePerSecond = requests / secondsApart;
    t.errorRatio = t.errors / requests;
    t.latencyFamily = b.latencyFamily;
    QMap<double, double> delta = b.buckets;
    const bool reset = b.requests < a.requests;
    if (!reset && a.latencyFamily == b.latencyFamily) {
        for (auto it = delta.begin(); it != delta.end(); ++it)
            it.value() = std::max(0.0, it.value() - a.buckets.value(it.key()));
    }
    fillQuantiles(t, delta);
    t.missing = missingFamilies(after);
    return t;
}

QStringList TrafficSummary::lines() const
{
    QStringList out;
    if (windowed) {
        out.append(QStringLiteral("%1 in %2 s between two scrapes: %3 requests/s")
                       .arg(requestsText(requests))
                       .arg(seconds, 0, 'f', 1)
                       .arg(ratePerSecond.value_or(0), 0, 'f', 2));
    } else if (seconds > 0) {
        out.append(QStringLiteral("no requests between the two scrapes (%1 s apart); since the "
                                  "service started: %2")
                       .arg(seconds, 0, 'f', 1)
                       .arg(requestsText(requests)));
    } else {
        out.append(QStringLiteral("%1 since the service started").arg(requestsText(requests)));
    }
    out.append(errorRatio ? QStringLiteral("error ratio (5xx): %1% (%2 of %3)")
                                .arg(*errorRatio * 100.0, 0, 'f', 2)
                                .arg(errors, 0, 'f', 0)
                                .arg(requests, 0, 'f', 0)
                          : QStringLiteral("error ratio: n/a (no requests)"));
    if (!latencyFamily.isEmpty())
        out.append(QStringLiteral("latency p50 %1, p90 %2, p99 %3 (%4)")
                       .arg(duration(p50), duration(p90), duration(p99), latencyFamily));
    if (!missing.isEmpty())
        out.append(QStringLiteral("missing: %1").arg(missing.join(QStringLiteral(", "))));
    return out;
}

QJsonObject TrafficSummary::toJson() const
{
    return {{QStringLiteral("windowed"), windowed},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("requests"), requests},
            {QStringLiteral("errors"), errors},
            {QStringLiteral("rate_per_second"), optionalJson(ratePerSecond)},
            {QStringLiteral("error_ratio"), optionalJson(errorRatio)},
            {QStringLiteral("p50_seconds"), optionalJson(p50)},
            {QStringLiteral("p90_seconds"), optionalJson(p90)},
            {QStringLiteral("p99_seconds"), optionalJson(p99)},
            {QStringLiteral("latency_family"), latencyFamily},
            {QStringLiteral("missing"), QJsonArray::fromStringList(missing)}};
}

} // namespace ragdr::core
