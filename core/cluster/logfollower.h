#pragma once

#include "kubeapi.h"

#include "core/base/backoff.h"

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
// stream that ends while the pod lives is opened again from the last line's time (after a
// backoff that starts over after a healthy stream: one that delivered lines for a second), lines
// already seen are skipped, and onState says so; it ends when the pod is gone, on cancel, or when
// onLine returns false.
class LogFollower final
{
public:
    enum class State { Streaming, Reconnecting, Ended };
    using LineSink = std::function<bool(const LogLine &line)>;
    using StateSink = std::function<void(State state, const QString &detail)>;

    // k9s's reconnect waits (0.5 s growing to its cap); healthy again after half a minute.
    static constexpr Backoff::Policy kReconnectPolicy{std::chrono::milliseconds(500),
                                                      std::chrono::seconds(10),
                                                      std::chrono::seconds(30)};

    explicit LogFollower(KubeApi &api, Backoff::Policy reconnect = kReconnectPolicy);

    Status run(const QString &pod,
               const LogOptions &options,
               const CancelToken &cancel,
               const LineSink &onLine,
               const StateSink &onState = {});

    // "2026-11-24T21:07:44.123456789Z text" -> {time, text}
    static LogLine parse(const QByteArray &line);

private:
    KubeApi &m_api;
    Backoff::Policy m_reconnect;
};

} // namespace ragdr::core
