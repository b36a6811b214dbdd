#include "ragapi.h"

#include "httpconnection.h"
#include "ragcorpus.h"

#include "core/db/pgsession.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace ragdr::sandbox {

namespace {

const QString kDegraded = QStringLiteral("rag-api-degraded");
const QString kDown = QStringLiteral("rag-api-down");
const QString kBadMetrics = QStringLiteral("bad-metrics");

// prometheus-fastapi-instrumentator's default buckets.
const QList<double> kLowr{0.1, 0.5, 1.0};
const QList<double> kHighr{0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0,  1.5, 2.0,
                           2.5,  3.0,   3.5,  4.0,   4.5, 5.0,  7.5, 10.0, 30.0, 60.0};

void observe(QList<double> &counts, const QList<double> &bounds, double seconds)
{
    if (counts.isEmpty())
        counts = QList<double>(bounds.size() + 1, 0.0);
    qsizetype i = 0;
    while (i < bounds.size() && seconds > bounds.at(i))
        ++i;
    counts[i] += 1;
}

QByteArray number(double v)
{
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    QByteArray s = QByteArray::number(v, 'g', 12);
    if (!s.contains('.') && !s.contains('e'))
        s += ".0"; // as Python's prometheus_client writes floats
    return s;
}

QByteArray statusClass(int status)
{
    return QByteArray::number(status / 100) + "xx";
}

QByteArray jsonBody(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

RagApi::RagApi(QString region, QString context, Session session)
    : m_region(std::move(region))
    , m_context(std::move(context))
    , m_session(std::move(session))
    , m_startedAt(QDateTime::currentMSecsSinceEpoch() / 1000.0)
{}

QStringList RagApi::faultNames()
{
    return {kDegraded, kDown, kBadMetrics};
}

core::Status RagApi::inject(const QString &fault)
{
    if (!faultNames().contains(fault))
        return core::fail(
            core::Error::badInput(QStringLiteral("no RAG API fault is called \"%1\"").arg(fault)));
    if (!m_faults.contains(fault))
        m_faults.append(fault);
    return {};
}

void RagApi::heal()
{
    m_faults.clear();
}

void RagApi::handle(HttpConnection *connection, const HttpRequest &request, const QString &path)
{
    QElapsedTimer clock;
    clock.start();
    Reply reply;
    QString handler = path;
    if (m_faults.contains(kDown)) {
        // What an ingress says when no pod behind it answers.
        reply = {503, "text/plain", "no healthy upstream"};
    } else if (path == QLatin1String("/status") && request.method == "GET") {
        reply = status();
    } else if (path == QLatin1String("/metrics") && request.method == "GET") {
        reply = metrics();
    } else if (path == QLatin1String("/query") && request.method == "POST") {
        reply = query(request.body);
    } else if (path == QLatin1String("/status") || path == QLatin1String("/metrics")
               || path == QLatin1String("/query")) {
        reply = {405,
                 "application/json",
                 jsonBody({{QStringLiteral("detail"), QStringLiteral("Method Not Allowed")}})};
    } else {
        handler = QStringLiteral("none");
        reply = {404,
                 "application/json",
                 jsonBody({{QStringLiteral("detail"), QStringLiteral("Not Found")}})};
    }
    connection->respond(reply.status, reply.contentType, reply.body);
    ++m_served;
    // As the instrumentator is usually set up: its own endpoint is not counted.
    if (path != QLatin1String("/metrics"))
        count(handler, request.method, reply.status, clock.nsecsElapsed() / 1e9);
}

void RagApi::count(const QString &handler, const QByteArray &method, int status, double seconds)
{
    const QString m = QString::fromLatin1(method);
    m_requests[handler + QLatin1Char('\x1f') + m + QLatin1Char('\x1f')
               + QString::fromLatin1(statusClass(status))]
        += 1;
    Histogram &h = m_latency[handler + QLatin1Char('\x1f') + m];
    observe(h.counts, kLowr, seconds);
    h.sum += seconds;
    h.count += 1;
    observe(m_latencyHighr.counts, kHighr, seconds);
    m_latencyHighr.sum += seconds;
    m_latencyHighr.count += 1;
}

RagApi::Reply RagApi::status()
{
    QJsonObject database;
    QJsonObject index;
    bool failed = false;
    auto session = m_session();
    if (!session) {
        database = {{QStringLiteral("status"), QStringLiteral("fail")},
                    {QStringLiteral("output"), session.error().message}};
        index = {{QStringLiteral("status"), QStringLiteral("fail")},
                 {QStringLiteral("output"), QStringLiteral("no database")}};
        failed = true;
    } else {
        auto counts = (*session)->query(
            QStringLiteral("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM chunks),"
                           " (SELECT count(*) FROM embeddings),"
                           " (SELECT array_length(embedding::real[], 1) FROM embeddings LIMIT 1)"));
        if (!counts || counts->isEmpty()) {
            database = {{QStringLiteral("status"), QStringLiteral("fail")},
                        {QStringLiteral("output"),
                         counts ? QStringLiteral("no answer") : counts.error().message}};
            index = {{QStringLiteral("status"), QStringLiteral("fail")},
                     {QStringLiteral("output"), QStringLiteral("the tables cannot be read")}};
            failed = true;
        } else {
            const core::PgRow &row = counts->constFirst();
            const qint64 embeddings = row.value(2).toString().toLongLong();
            database = {{QStringLiteral("status"), QStringLiteral("pass")},
                        {QStringLiteral("output"),
                         QStringLiteral("%1 documents, %2 chunks")
                             .arg(row.value(0).toString(), row.value(1).toString())}};
            if (embeddings == 0) {
                index = {{QStringLiteral("status"), QStringLiteral("fail")},
                         {QStringLiteral("output"), QStringLiteral("no embeddings")}};
                failed = true;
            } else if (m_faults.contains(kDegraded)) {
                index = {{QStringLiteral("status"), QStringLiteral("warn")},
                         {QStringLiteral("output"),
                          QStringLiteral("index rebuilding: queries search a stale cache of one "
                                         "document in three")}};
            } else {
                index = {{QStringLiteral("status"), QStringLiteral("pass")},
                         {QStringLiteral("output"),
                          QStringLiteral("%1 embeddings of %2 dimensions")
                              .arg(embeddings)
                              .arg(row.value(3).toString())}};
            }
        }
    }
    const QJsonObject llm{{QStringLiteral("status"), QStringLiteral("pass")},
                          {QStringLiteral("output"),
                           QStringLiteral("gemini (not called by the drill's API)")}};
    const QString overall = failed                         ? QStringLiteral("fail")
                            : m_faults.contains(kDegraded) ? QStringLiteral("warn")
                                                           : QStringLiteral("pass");
    const QJsonObject body{{QStringLiteral("status"), overall},
                           {QStringLiteral("version"), QStringLiteral("drill")},
                           {QStringLiteral("region"), m_region},
                           {QStringLiteral("components"),
                            QJsonObject{{QStringLiteral("database"), database},
                                        {QStringLiteral("vector_index"), index},
                                        {QStringLiteral("llm"), llm}}}};
    return {failed ? 503 : 200, "application/health+json", jsonBody(body)};
}

RagApi::Reply RagApi::metrics() const
{
    QByteArray t;
    t += "# HELP python_info Python platform information\n# TYPE python_info gauge\n";
    t += "python_info{implementation=\"CPython\",major=\"3\",minor=\"11\",patchlevel=\"2\",version="
         "\"3.11.2\"} 1.0\n";
    t += "# HELP http_requests_total Total number of requests by method, status and handler.\n";
    t += "# TYPE http_requests_total counter\n";
    auto labels = [](const QString &key) {
        const QStringList p = key.split(QLatin1Char('\x1f'));
        QByteArray l = "handler=\"" + p.value(0).toUtf8() + "\",method=\"" + p.value(1).toUtf8()
                       + "\"";
        if (p.size() > 2)
            l += ",status=\"" + p.value(2).toUtf8() + "\"";
        return l;
    };
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it)
        t += "http_requests_total{" + labels(it.key()) + "} " + number(it.value()) + "\n";
    if (m_faults.contains(kBadMetrics)) {
        // An exporter bug: a raw query string copied into a label value, quotes unescaped.
        t += "http_requests_total{handler=\"/query\",method=\"POST\",status=\"2xx\",path=\"/"
             "query?q=\"rag\"\"} 1.0\n";
    }
    t += "# HELP http_requests_created Total number of requests by method, status and handler.\n";
    t += "# TYPE http_requests_created gauge\n";
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it)
        t += "http_requests_created{" + labels(it.key()) + "} " + number(m_startedAt) + "\n";
    t += "# HELP http_request_duration_seconds Latency with only few buckets by handler. Made to "
         "be "
         "only used if aggregation by handler is important.\n";
    t += "# TYPE http_request_duration_seconds histogram\n";
    for (auto it = m_latency.cbegin(); it != m_latency.cend(); ++it) {
        double cumulative = 0;
        for (qsizetype i = 0; i <= kLowr.size(); ++i) {
            cumulative += it->counts.value(i);
            const QByteArray le = i < kLowr.size() ? number(kLowr.at(i)) : QByteArray("+Inf");
            t += "http_request_duration_seconds_bucket{" + labels(it.key()) + ",le=\"" + le + "\"} "
                 + number(cumulative) + "\n";
        }
        t += "http_request_duration_seconds_count{" + labels(it.key()) + "} " + number(it->count)
             + "\n";
        t += "http_request_duration_seconds_sum{" + labels(it.key()) + "} " + number(it->sum)
             + "\n";
    }
    t += "# HELP http_request_duration_highr_seconds Latency with many buckets but no API specific "
         "labels. Made for more accurate percentile calculations.\n";
    t += "# TYPE http_request_duration_highr_seconds histogram\n";
    double cumulative = 0;
    for (qsizetype i = 0; i <= kHighr.size(); ++i) {
        cumulative += m_latencyHighr.counts.value(i);
        const QByteArray le = i < kHighr.size() ? number(kHighr.at(i)) : QByteArray("+Inf");
        t += "http_request_duration_highr_seconds_bucket{le=\"" + le + "\"} " + number(cumulative)
             + "\n";
    }
    t += "http_request_duration_highr_seconds_count " + number(m_latencyHighr.count) + "\n";
    t += "http_request_duration_highr_seconds_sum " + number(m_latencyHighr.sum) + "\n";
    return {200, "text/plain; version=0.0.4; charset=utf-8", t};
}

RagApi::Reply RagApi::query(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonObject request = QJsonDocument::fromJson(body, &error).object();
    const QString text = request.value(QLatin1String("query")).toString();
    if (error.error != QJsonParseError::NoError || text.trimmed().isEmpty())
        return {422,
                "application/json",
                jsonBody({{QStringLiteral("detail"),
                           QStringLiteral("expected {\"query\": TEXT, \"top_k\": N}")}})};
    const int k = std::clamp(request.value(QLatin1String("top_k")).toInt(5), 1, 50);
    auto session = m_session();
    if (!session)
        return {503,
                "application/json",
                jsonBody({{QStringLiteral("detail"), session.error().message}})};
    const bool degraded = m_faults.contains(kDegraded);
    QElapsedTimer clock;
    clock.start();
    auto hits = RagCorpus::search(**session, text, k, degraded);
    if (!hits)
        return {500,
                "application/json",
                jsonBody({{QStringLiteral("detail"), hits.error().message}})};
    QJsonArray results;
    for (const RagCorpus::Hit &h : std::as_const(*hits))
        results.append(QJsonObject{{QStringLiteral("document_id"), h.documentId},
                                   {QStringLiteral("chunk_id"), h.chunkId},
                                   {QStringLiteral("title"), h.title},
                                   {QStringLiteral("score"), h.score}});
    QJsonObject answer{{QStringLiteral("query"), text},
                       {QStringLiteral("results"), results},
                       {QStringLiteral("degraded"), degraded},
                       {QStringLiteral("took_ms"), clock.elapsed()}};
    if (degraded)
        answer.insert(
            QStringLiteral("warning"),
            QStringLiteral(
                "vector index rebuilding: searched a stale cache of one document in three"));
    return {200, "application/json", jsonBody(answer)};
}

} // namespace ragdr::sandbox
