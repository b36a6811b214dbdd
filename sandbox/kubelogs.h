#pragma once

#include <QList>
#include <QString>

namespace ragdr::sandbox {

// One run of a container, from its start to its end (0 while it runs).
struct ContainerRun
{
    qint64 startedMs = 0;
    qint64 endedMs = 0;
    bool crashed = false;
};

struct LogLine
{
    qint64 ms = 0;
    QString text;
};

// The log lines the simulated containers write: a FastAPI/uvicorn API, a queue worker and an
// init container waiting for its database. Lines are a pure function of the run and the time,
// so that `kubectl logs`, `--tail`, `-f` and `--previous` need no stored logs even for 5,000
// pods: the n-th periodic line of a run is always the same line at the same moment.
class KubeLogs final
{
public:
    // The log-flood fault's lines, on top of the container's own from floodFromMs on.
    static constexpr int kFloodLinesPerSecond = 20'000;

    // The lines of one run written between fromMs and toMs (both inclusive), oldest first.
    static QList<LogLine> lines(const QString &flavour,
                                const QString &podName,
                                const QString &podIP,
                                const ContainerRun &run,
                                qint64 fromMs,
                                qint64 toMs,
                                qint64 floodFromMs = 0);
};

} // namespace ragdr::sandbox
