#pragma once

#include "core/base/error.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>

namespace ragdr::core {
class PgSession;
}

namespace ragdr::sandbox {

class HttpConnection;
struct HttpRequest;

// One region's simulated RAG API, as the team's FastAPI service answers:
//   GET  /status   health JSON with components database, vector_index and llm
//   GET  /metrics  Prometheus text (prometheus-fastapi-instrumentator's series) counting the
//                  requests it really served
//   POST /query    {"query", "top_k"} -> the nearest documents in the sandbox database (RagCorpus)
// Faults: rag-api-degraded (the vector index serves a stale part of the corpus; /status says
// so), rag-api-down (the ingress answers 503 for everything), bad-metrics (an exporter bug writes
// a broken line). Lives on the thread of the server that dispatches to it.
class RagApi final
{
public:
    using Session = std::function<core::Result<core::PgSession *>()>;

    RagApi(QString region, QString context, Session session);

    const QString &region() const { return m_region; }
    const QString &context() const { return m_context; }

    // path: below the region's prefix ("/status").
    void handle(HttpConnection *connection, const HttpRequest &request, const QString &path);

    static QStringList faultNames();
    core::Status inject(const QString &fault);
    void heal();
    QStringList faults() const { return m_faults; }
    qint64 served() const { return m_served; }

private:
    struct Reply
    {
        int status = 200;
        QByteArray contentType;
        QByteArray body;
    };
    Reply status();
    Reply metrics() const;
    Reply query(const QByteArray &body);
    void count(const QString &handler, const QByteArray &method, int status, double seconds);

    QString m_region;
    QString m_context;
    Session m_session;
    QStringList m_faults;
    qint64 m_served = 0;
    double m_startedAt = 0; // Unix seconds, for the _created series
    // "handler\x1fmethod\x1fstatus class" -> requests
    QMap<QString, double> m_requests;
    struct Histogram
    {
        QList<double> counts; // one per bound, not cumulative; the last is +Inf
        double sum = 0;
        double count = 0;
    };
    QMap<QString, Histogram> m_latency; // "handler\x1fmethod"
    Histogram m_latencyHighr;
};

} // namespace ragdr::sandbox
