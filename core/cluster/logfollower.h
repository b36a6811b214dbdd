#pragma once

#include "kubeapi.h"

#include <QDateTime>
#include <QString>

#include <functional>

namespace ragdr::core {

struct LogOptions
{
    QString container; // empty: the pod's first container
    bool follow = false;
    bool previous = false; // the last terminated instance of a restarted container
    int tailLines = 200;   // on the first request; -1: all
};

struct LogLine
{
    QDateTime at; // from the kubelet's timestamp
    QString text;
};

// Reads a pod's log as kubectl logs does, on an operation's (blocking) thread. With follow, a
// stream that ends while the pod lives is opened again from the last line's time, lines already
// seen are skipped, and onState says so; it ends when the pod is gone, on cancel, or when onLine
// returns false.
class LogFollower final
{
public:
    enum class State { Streaming, Reconnecting, Ended };
    using LineSink = std::function<bool(const LogLine &line)>;
    using StateSink = std::function<void(State state, const QString &detail)>;

    explicit LogFollower(KubeApi &api);

    Status run(const QString &pod,
               const LogOptions &options,
               const CancelToken &cancel,
               const LineSink &onLine,
               const StateSink &onState = {});

    // "2026-11-24T21:07:44.123456789Z text" -> {time, text}
    static LogLine parse(const QByteArray &line);

private:
    KubeApi &m_api;
};

} // namespace ragdr::core
