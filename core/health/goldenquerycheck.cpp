#include "goldenquerycheck.h"

#include "endpointchecks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace ragdr::core {

namespace {

QString idOf(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(qint64(v.toDouble()));
    return {};
}

// What this query returned in the item's previous run in this region, if it ran.
std::optional<QStringList> previousIds(const QJsonObject &previous,
                                       const QString &region,
                                       const QString &queryId)
{
    const QJsonArray queries
        = previous.value(region).toObject().value(QLatin1String("queries")).toArray();
    for (const QJsonValue &q : queries) {
        const QJsonObject o = q.toObject();
        if (o.value(QLatin1String("id")).toString() != queryId)
            continue;
        QStringList ids;
        for (const QJsonValue &r : o.value(QLatin1String("returned")).toArray())
            ids.append(r.toObject().value(QLatin1String("id")).toString());
        return ids;
    }
    return std::nullopt;
}

QStringList minus(const QStringList &a, const QStringList &b)
{
    const QSet<QString> drop(b.cbegin(), b.cend());
    QStringList out;
    for (const QString &s : a) {
        if (!drop.contains(s))
            out.append(s);
    }
    return out;
}

} // namespace

QString GoldenQueryCheck::needs(const Profile &profile)
{
    if (const QString e = EndpointChecks::needsEndpoints(profile); !e.isEmpty())
        return e;
    return profile.health.goldenQueries.isEmpty()
               ? QStringLiteral("health.golden_queries (sample queries and the documents they "
                                "must find)")
               : QString();
}

CheckOutcome GoldenQueryCheck::run(const CheckContext &context)
{
    const HealthPolicy &policy = context.profile.health;
    return EndpointChecks::forEachEndpoint(context, [&](const ServiceApi &api, const Progress &progress) {
        HttpClient http;
        CheckOutcome o;
        QJsonArray queries;
        int passed = 0;
        bool degraded = false;
        for (qsizetype i = 0; i < policy.goldenQueries.size(); ++i) {
            const GoldenQuery &golden = policy.goldenQueries.at(i);
            progress.set(double(i) / policy.goldenQueries.size(),
                         QStringLiteral("%1: query %2").arg(api.endpoint().region, golden.id));
            const HttpCall call = api.query(golden.query, policy.topK);
            auto answer = http.send(call, progress.cancelToken());
            if (!answer) {
                const QString why = answer.error().message;
                return answer.error().kind == Error::Kind::BadInput
                           ? CheckOutcome::couldNotCheck(why, {why})
                           : CheckOutcome::failed(why, {why});
            }
            const QJsonObject body = QJsonDocument::fromJson(answer->body).object();
            if (answer->status < 200 || answer->status >= 300
                || !body.contains(QLatin1String("results"))) {
                const QString why = QStringLiteral("%1: %2 answered HTTP %3: %4")
                                        .arg(golden.id, call.safeUrl())
                                        .arg(answer->status)
                                        .arg(QString::fromUtf8(answer->body.left(200)).simplified());
                o.verdict = CheckOutcome::Verdict::Failed;
                o.lines.append(why);
                queries.append(QJsonObject{{QStringLiteral("id"), golden.id},
                                           {QStringLiteral("http_status"), answer->status},
                                           {QStringLiteral("passed"), false}});
                continue;
            }
            QStringList returned;
            QJsonArray returnedJson;
            QStringList shown;
            for (const QJsonValue &r : body.value(QLatin1String("results")).toArray()) {
                const QJsonObject hit = r.toObject();
                QString id = idOf(hit.value(QLatin1String("document_id")));
                if (id.isEmpty())
                    id = idOf(hit.value(QLatin1String("id")));
                if (id.isEmpty() || returned.contains(id) || returned.size() >= policy.topK)
                    continue;
                returned.append(id);
                const QString title = hit.value(QLatin1String("title")).toString();
                const double score = hit.value(QLatin1String("score")).toDouble();
                returnedJson.append(QJsonObject{{QStringLiteral("id"), id},
                                                {QStringLiteral("title"), title},
                                                {QStringLiteral("score"), score}});
                shown.append(
                    title.isEmpty()
                        ? id
                        : QStringLiteral("%1 \"%2\" (%3)").arg(id, title).arg(score, 0, 'f', 3));
            }
            const QStringList found = minus(golden.expect, minus(golden.expect, returned));
            const QStringList missing = minus(golden.expect, returned);
            const int needed = std::min<int>(int(golden.expect.size()), policy.topK);
            const double overlap = needed > 0
                                       ? double(std::min<int>(int(found.size()), needed)) / needed
                                       : 1.0;
            const bool ok = overlap + 1e-9 >= policy.minOverlap;
            const bool queryDegraded = body.value(QLatin1String("degraded")).toBool();
            degraded = degraded || queryDegraded;
            passed += ok ? 1 : 0;
            o.lines.append(QStringLiteral("%1 \"%2\": %3 of %4 expected documents in the top %5 "
                                          "(overlap %6, needs %7)%8")
                               .arg(golden.id, golden.query)
                               .arg(found.size())
                               .arg(needed)
                               .arg(policy.topK)
                               .arg(overlap, 0, 'f', 2)
                               .arg(policy.minOverlap, 0, 'f', 2)
                               .arg(ok ? QString() : QStringLiteral(": FAILED")));
            o.lines.append(QStringLiteral("  came back: %1")
                               .arg(shown.isEmpty() ? QStringLiteral("nothing")
                                                    : shown.join(QStringLiteral(", "))));
            if (!missing.isEmpty())
                o.lines.append(
                    QStringLiteral("  missing: %1").arg(missing.join(QStringLiteral(", "))));
            if (queryDegraded)
                o.lines.append(QStringLiteral("  the API says its answer is degraded: %1")
                                   .arg(body.value(QLatin1String("warning")).toString()));
            QJsonObject q{{QStringLiteral("id"), golden.id},
                          {QStringLiteral("query"), golden.query},
                          {QStringLiteral("expected"), QJsonArray::fromStringList(golden.expect)},
                          {QStringLiteral("returned"), returnedJson},
                          {QStringLiteral("missing"), QJsonArray::fromStringList(missing)},
                          {QStringLiteral("overlap"), overlap},
                          {QStringLiteral("degraded"), queryDegraded},
                          {QStringLiteral("passed"), ok}};
            if (const auto before = previousIds(context.previous, api.endpoint().region, golden.id);
                before && *before != returned) {
                const QStringList lost = minus(*before, returned);
                const QStringList gained = minus(returned, *before);
                o.lines.append(
                    QStringLiteral("  changed since the previous run: %1%2")
                        .arg(lost.isEmpty() ? QString()
                                            : QStringLiteral("no longer returned %1")
                                                  .arg(lost.join(QStringLiteral(", "))),
                             gained.isEmpty()
                                 ? (lost.isEmpty() ? QStringLiteral("the order changed") : QString())
                                 : QStringLiteral("%1now returned %2")
                                       .arg(lost.isEmpty() ? QString() : QStringLiteral("; "),
                                            gained.join(QStringLiteral(", ")))));
                q.insert(QStringLiteral("changed"),
                         QJsonObject{{QStringLiteral("lost"), QJsonArray::fromStringList(lost)},
                                     {QStringLiteral("gained"),
                                      QJsonArray::fromStringList(gained)}});
            }
            if (!ok)
                o.verdict = CheckOutcome::Verdict::Failed;
            queries.append(q);
        }
        o.data.insert(QStringLiteral("queries"), queries);
        o.data.insert(QStringLiteral("top_k"), policy.topK);
        o.data.insert(QStringLiteral("min_overlap"), policy.minOverlap);
        o.summary = QStringLiteral("%1 of %2 sample queries found their documents%3")
                        .arg(passed)
                        .arg(policy.goldenQueries.size())
                        .arg(degraded ? QStringLiteral(" (the API answered degraded)") : QString());
        return o;
    });
}

} // namespace ragdr::core
