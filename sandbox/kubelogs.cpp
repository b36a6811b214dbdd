#include "kubelogs.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>

namespace ragdr::sandbox {

namespace {

constexpr qint64 kFirstPeriodicMs = 1000;

quint32 mix(quint32 seed, qint64 i)
{
    quint64 x = (quint64(seed) << 32) ^ quint64(i) ^ 0x9e3779b97f4a7c15ULL;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return quint32(x);
}

QString pythonTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss,zzz"));
}

struct Flavour
{
    qint64 periodMs;
    QList<std::pair<qint64, QString>> startup; // offset from start, text
    QStringList crash;
};

Flavour flavour(const QString &name)
{
    if (name == QLatin1String("fastapi")) {
        return {1500,
                {{120, QStringLiteral("INFO:     Started server process [1]")},
                 {180, QStringLiteral("INFO:     Waiting for application startup.")},
                 {640,
                  QStringLiteral("INFO:     rag_api.db: connected to "
                                 "postgresql://rag_app@rag-db:5432/rag (pool_size=10)")},
                 {700,
                  QStringLiteral(
                      "INFO:     rag_api.llm: endpoint=generativelanguage.googleapis.com "
                      "model=gemini-1.5-pro embed=text-embedding-004")},
                 {760, QStringLiteral("INFO:     Application startup complete.")},
                 {770,
                  QStringLiteral(
                      "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)")}},
                {QStringLiteral("ERROR:    Traceback (most recent call last):"),
                 QStringLiteral("  File \"/app/rag_api/db.py\", line 41, in connect"),
                 QStringLiteral("    await pool.open(wait=True, timeout=5)"),
                 QStringLiteral("psycopg.OperationalError: connection failed: connection to server "
                                "at \"rag-db\" (10.96.12.4), port 5432 failed: Connection refused"),
                 QStringLiteral("ERROR:    Application startup failed. Exiting.")}};
    }
    if (name == QLatin1String("init")) {
        return {2000,
                {{100, QStringLiteral("waiting for rag-db:5432 ...")}},
                {QStringLiteral("timed out waiting for rag-db:5432")}};
    }
    return {2500,
            {{150,
              QStringLiteral(
                  "INFO rag_worker.main: starting rag-worker (concurrency=4, queue=ingest)")},
             {600, QStringLiteral("INFO rag_worker.db: connected to rag-db:5432/rag")},
             {650, QStringLiteral("INFO rag_worker.queue: subscribed to documents:pending")}},
            {QStringLiteral("ERROR rag_worker.main: fatal: could not connect to rag-db:5432"),
             QStringLiteral("Traceback (most recent call last):"),
             QStringLiteral("  File \"/app/rag_worker/main.py\", line 88, in run"),
             QStringLiteral("    conn = psycopg.connect(settings.database_url)"),
             QStringLiteral("ConnectionRefusedError: [Errno 111] Connection refused")}};
}

QString periodicLine(const QString &flavourName, const QString &podIP, quint32 h)
{
    const int kind = int(h % 10);
    const int port = 32768 + int((h >> 8) % 28000);
    const QString peer = QStringLiteral("10.244.%1.%2").arg((h >> 4) % 4).arg(2 + (h >> 12) % 250);
    if (flavourName == QLatin1String("fastapi")) {
        if (kind < 5)
            return QStringLiteral("INFO:     %1:%2 - \"POST /query HTTP/1.1\" 200 OK")
                .arg(peer)
                .arg(port);
        if (kind < 7)
            return QStringLiteral("INFO:     %1:%2 - \"GET /status HTTP/1.1\" 200 OK")
                .arg(podIP.section(QLatin1Char('.'), 0, 2) + QStringLiteral(".1"))
                .arg(port);
        if (kind == 7)
            return QStringLiteral("INFO:     %1:%2 - \"GET /metrics HTTP/1.1\" 200 OK")
                .arg(peer)
                .arg(port);
        if (kind == 8) {
            return QStringLiteral(
                       "INFO:     rag_api.query: query_id=%1 top_k=5 chunks=5 latency_ms=%2")
                .arg(h, 8, 16, QLatin1Char('0'))
                .arg(180 + (h >> 3) % 900);
        }
        return QStringLiteral("WARNING:  rag_api.llm: Gemini 429 RESOURCE_EXHAUSTED; retrying in "
                              "1.%1s (attempt 1/5)")
            .arg((h >> 5) % 10);
    }
    if (flavourName == QLatin1String("init"))
        return QStringLiteral("waiting for rag-db:5432 ...");
    if (kind < 6) {
        return QStringLiteral(
                   "INFO rag_worker.embed: embedded batch %1 (64 chunks, dim=384) in 0.%2s")
            .arg(1000 + (h >> 6) % 9000)
            .arg(20 + (h >> 3) % 79, 2, 10, QLatin1Char('0'));
    }
    if (kind < 8)
        return QStringLiteral("INFO rag_worker.queue: depth=%1 lag=%2ms")
            .arg((h >> 7) % 40)
            .arg(50 + (h >> 9) % 900);
    if (kind == 8)
        return QStringLiteral("INFO rag_worker.store: committed 64 embeddings for document doc-%1")
            .arg((h >> 4) % 100000, 5, 10, QLatin1Char('0'));
    return QStringLiteral("WARNING rag_worker.llm: Gemini 503 UNAVAILABLE; retrying in 2.0s");
}

} // namespace

QList<LogLine> KubeLogs::lines(const QString &flavourName,
                               const QString &podName,
                               const QString &podIP,
                               const ContainerRun &run,
                               qint64 fromMs,
                               qint64 toMs,
                               qint64 floodFromMs)
{
    QList<LogLine> out;
    if (run.startedMs <= 0)
        return out;
    const Flavour f = flavour(flavourName);
    const bool python = flavourName == QLatin1String("worker");
    auto text = [&](qint64 ms, const QString &line) {
        return python && !line.startsWith(QLatin1String("  "))
                       && !line.startsWith(QLatin1String("Traceback"))
                       && !line.startsWith(QLatin1String("Connection"))
                   ? pythonTime(ms) + QLatin1Char(' ') + line
                   : line;
    };
    const qint64 end = run.endedMs > 0 ? run.endedMs : toMs;
    toMs = std::min(toMs, end);
    fromMs = std::max(fromMs, run.startedMs);
    if (fromMs > toMs)
        return out;

    // A crashed run dies during startup: the first startup lines, then the traceback.
    for (const auto &[offset, line] : f.startup) {
        const qint64 ms = run.startedMs + offset;
        if (run.crashed && ms >= end - 200)
            break;
        if (ms >= fromMs && ms <= toMs)
            out.append({ms, text(ms, line)});
    }
    if (run.crashed) {
        for (qsizetype i = 0; i < f.crash.size(); ++i) {
            const qint64 ms = end - 100 + 20 * i;
            if (ms >= fromMs && ms <= toMs)
                out.append({ms, text(ms, f.crash.at(i))});
        }
        return out;
    }

    const quint32 seed = quint32(qHash(podName)) ^ quint32(run.startedMs);
    const qint64 base = run.startedMs + kFirstPeriodicMs;
    // Line i is written at base + i*period + jitter, with jitter below half a period.
    const qint64 first = std::max<qint64>(0, (fromMs - base - f.periodMs / 2) / f.periodMs);
    const qint64 last = (toMs - base) / f.periodMs;
    for (qint64 i = first; i <= last; ++i) {
        const quint32 h = mix(seed, i);
        const qint64 ms = base + i * f.periodMs + qint64(h % quint32(f.periodMs / 2));
        if (ms < fromMs || ms > toMs)
            continue;
        out.append({ms, text(ms, periodicLine(flavourName, podIP, h))});
    }
    if (floodFromMs > 0) {
        // Line n of the flood is written at floodFromMs + n / (lines per ms).
        constexpr int perMs = kFloodLinesPerSecond / 1000;
        for (qint64 ms = std::max(fromMs, floodFromMs); ms <= toMs; ++ms) {
            for (int i = 0; i < perMs; ++i) {
                const qint64 n = (ms - floodFromMs) * perMs + i;
                out.append({ms,
                            text(ms,
                                 QStringLiteral("INFO flood: request %1 from %2 answered in %3 ms")
                                     .arg(n)
                                     .arg(podIP)
                                     .arg(mix(seed, n) % 400))});
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const LogLine &a, const LogLine &b) {
        return a.ms < b.ms;
    });
    return out;
}

} // namespace ragdr::sandbox
