#include "endpointchecks.h"

#include "prometheusparser.h"
#include "servicestatus.h"
#include "trafficsummary.h"

#include <QDeadlineTimer>
#include <QThread>

namespace ragdr::core {

namespace {

QStringList prefixed(const QString &region, const QStringList &lines)
{
    QStringList out;
    for (const QString &l : lines)
        out.append(QStringLiteral("%1: %2").arg(region, l));
    return out;
}

CheckOutcome unreachable(const Error &error)
{
    if (error.kind == Error::Kind::BadInput)
        return CheckOutcome::couldNotCheck(error.message, {error.message});
    return CheckOutcome::failed(error.message, {error.message});
}

struct Scrape
{
    std::optional<MetricSet> set;
    CheckOutcome problem; // when there is no set
};

Scrape scrape(HttpClient &http, const ServiceApi &api, const CancelToken &cancel)
{
    Scrape s;
    const HttpCall call = api.metrics();
    auto answer = http.send(call, cancel);
    if (!answer) {
        s.problem = unreachable(answer.error());
        return s;
    }
    if (answer->status < 200 || answer->status >= 300) {
        const QString why = QStringLiteral("%1 answered HTTP %2: %3")
                                .arg(call.safeUrl())
                                .arg(answer->status)
                                .arg(QString::fromUtf8(answer->body.left(200)).simplified());
        s.problem = CheckOutcome::failed(why, {why});
        return s;
    }
    auto set = PrometheusParser::parse(answer->body);
    if (!set) {
        const QString why = QStringLiteral("the text of %1 does not parse: %2")
                                .arg(call.safeUrl(), set.error().message);
        s.problem = CheckOutcome::failed(why, {why});
        return s;
    }
    s.set = std::move(*set);
    return s;
}

CheckOutcome judge(const TrafficSummary &traffic, const HealthPolicy &policy, int families)
{
    CheckOutcome o;
    o.lines = QStringList{QStringLiteral("%1 metric families").arg(families)} + traffic.lines();
    o.data = traffic.toJson();
    if (!traffic.missing.isEmpty()) {
        o.verdict = CheckOutcome::Verdict::Failed;
        o.summary
            = QStringLiteral("/metrics lacks %1").arg(traffic.missing.join(QStringLiteral(", ")));
    } else if (traffic.windowed && traffic.errorRatio
               && *traffic.errorRatio > policy.maxErrorRatio) {
        o.verdict = CheckOutcome::Verdict::Failed;
        o.summary = QStringLiteral("error ratio %1% is above %2%")
                        .arg(*traffic.errorRatio * 100.0, 0, 'f', 1)
                        .arg(policy.maxErrorRatio * 100.0, 0, 'f', 1);
    } else if (traffic.windowed) {
        o.summary = QStringLiteral("%1 req/s, %2% errors")
                        .arg(traffic.ratePerSecond.value_or(0), 0, 'f', 2)
                        .arg(traffic.errorRatio.value_or(0) * 100.0, 0, 'f', 1);
    } else {
        // Totals since the service started hold the outage's own errors: after a recovery they
        // say nothing about now, so they are shown and not judged.
        o.summary = QStringLiteral("no traffic between the scrapes to judge; since start %1, %2% "
                                   "errors (not judged)")
                        .arg(traffic.requests == 1
                                 ? QStringLiteral("1 request")
                                 : QStringLiteral("%1 requests").arg(traffic.requests, 0, 'f', 0))
                        .arg(traffic.errorRatio.value_or(0) * 100.0, 0, 'f', 1);
    }
    return o;
}

} // namespace

QString EndpointChecks::needsEndpoints(const Profile &profile)
{
    return profile.health.endpoints.isEmpty()
               ? QStringLiteral("health.endpoints (the service API's URL in each region)")
               : QString();
}

CheckOutcome EndpointChecks::forEachEndpoint(const CheckContext &context,
                                             const PerEndpoint &perEndpoint)
{
    QStringList without;
    const QList<ServiceEndpoint> endpoints = ServiceApi::endpointsFor(context.profile.health,
                                                                      context.regions,
                                                                      &without);
    if (endpoints.isEmpty()) {
        const QString why = QStringLiteral("the profile names no API endpoint for %1")
                                .arg(without.join(QStringLiteral(", ")));
        return CheckOutcome::couldNotCheck(why, {why});
    }
    CheckOutcome all;
    QStringList summaries;
    for (qsizetype i = 0; i < endpoints.size(); ++i) {
        if (context.progress.isCancelled())
            return CheckOutcome::couldNotCheck(QStringLiteral("cancelled"));
        const ServiceEndpoint &e = endpoints.at(i);
        const Progress part = context.progress.sub(double(i) / endpoints.size(),
                                                   double(i + 1) / endpoints.size());
        part.set(0, QStringLiteral("%1: %2").arg(e.region, e.url));
        CheckOutcome one = perEndpoint(ServiceApi(context.profile.health, e), part);
        one.lines = prefixed(e.region, one.lines);
        summaries.append(QStringLiteral("%1: %2").arg(e.region, one.summary));
        all.merge(e.region, one);
    }
    for (const QString &region : std::as_const(without))
        all.lines.append(
            QStringLiteral("%1: no API endpoint in the profile; not checked").arg(region));
    all.summary = summaries.join(QStringLiteral("; "));
    return all;
}

CheckOutcome EndpointChecks::status(const CheckContext &context)
{
    return forEachEndpoint(context, [&](const ServiceApi &api, const Progress &progress) {
        HttpClient http;
        const HttpCall call = api.status();
        auto answer = http.send(call, progress.cancelToken());
        if (!answer)
            return unreachable(answer.error());
        const ServiceStatus status = ServiceStatus::read(answer->status, answer->body);
        CheckOutcome o;
        o.lines = status.lines();
        o.lines.first() += QStringLiteral(" in %1 ms").arg(answer->elapsedMs);
        o.data = status.toJson();
        o.data.insert(QStringLiteral("url"), call.safeUrl());
        o.data.insert(QStringLiteral("elapsed_ms"), answer->elapsedMs);
        if (status.healthy()) {
            o.summary = QStringLiteral("healthy (HTTP %1)").arg(status.httpStatus);
            return o;
        }
        o.verdict = CheckOutcome::Verdict::Failed;
        QStringList why;
        if (status.httpStatus >= 400 || status.httpStatus < 200)
            why.append(QStringLiteral("HTTP %1").arg(status.httpStatus));
        if (!status.status.isEmpty() && status.level != ServiceStatus::Level::Pass)
            why.append(QStringLiteral("status \"%1\"").arg(status.status));
        for (const ServiceStatus::Component &c : status.components) {
            if (c.level != ServiceStatus::Level::Pass)
                why.append(QStringLiteral("%1 %2%3")
                               .arg(c.name,
                                    c.status.isEmpty() ? QStringLiteral("unknown") : c.status,
                                    c.detail.isEmpty() ? QString()
                                                       : QStringLiteral(" (%1)").arg(c.detail)));
        }
        if (why.isEmpty() && !status.problem.isEmpty())
            why.append(status.problem);
        o.summary = QStringLiteral("not healthy: %1").arg(why.join(QStringLiteral(", ")));
        return o;
    });
}

CheckOutcome EndpointChecks::metricsOnce(const CheckContext &context)
{
    return forEachEndpoint(context, [&](const ServiceApi &api, const Progress &progress) {
        HttpClient http;
        Scrape s = scrape(http, api, progress.cancelToken());
        if (!s.set)
            return s.problem;
        return judge(TrafficSummary::of(*s.set),
                     context.profile.health,
                     int(s.set->families.size()));
    });
}

CheckOutcome EndpointChecks::metrics(const CheckContext &context)
{
    return forEachEndpoint(context, [&](const ServiceApi &api, const Progress &progress) {
        HttpClient http;
        const CancelToken cancel = progress.cancelToken();
        progress.set(0.1, QStringLiteral("first scrape of %1").arg(api.endpoint().region));
        Scrape first = scrape(http, api, cancel);
        if (!first.set)
            return first.problem;
        const int interval = context.profile.health.metricsIntervalSecs;
        QDeadlineTimer deadline(interval * 1000);
        QElapsedTimer apart;
        apart.start();
        while (!deadline.hasExpired() && !cancel.isCancelled()) {
            progress.set(0.1 + 0.8 * (1.0 - double(deadline.remainingTime()) / (interval * 1000.0)),
                         QStringLiteral("%1: second scrape in %2 s")
                             .arg(api.endpoint().region)
                             .arg((deadline.remainingTime() + 999) / 1000));
            QThread::msleep(std::min<qint64>(200, std::max<qint64>(1, deadline.remainingTime())));
        }
        if (cancel.isCancelled())
            return CheckOutcome::couldNotCheck(QStringLiteral("cancelled"));
        Scrape second = scrape(http, api, cancel);
        if (!second.set)
            return second.problem;
        const double seconds = apart.elapsed() / 1000.0;
        return judge(TrafficSummary::between(*first.set, *second.set, seconds),
                     context.profile.health,
                     int(second.set->families.size()));
    });
}

} // namespace ragdr::core
