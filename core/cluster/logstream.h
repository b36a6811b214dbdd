#pragma once

#include "logfollower.h"

#include <QMutex>
#include <QObject>
#include <QTimer>

#include <memory>

namespace ragdr::core {

class KubeConnection;

// A pod's log for the console: LogFollower on a worker thread, its lines handed to this (GUI)
// thread in batches every 100 ms, with the stream's state for a reconnect indicator. Stopping (or
// destroying it) cancels the reader, which ends on its own soon after; nothing waits for it here.
class LogStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogStream)

public:
    explicit LogStream(QObject *parent = nullptr);
    ~LogStream() override;

    void start(std::shared_ptr<KubeConnection> connection,
               const QString &pod,
               const LogOptions &options);
    void stop();

Q_SIGNALS:
    void lines(const QList<ragdr::core::LogLine> &lines);
    void stateChanged(ragdr::core::LogFollower::State state, const QString &detail);
    void failed(const QString &message);

private:
    struct Shared;
    void drain();

    std::shared_ptr<Shared> m_shared;
    QTimer m_drain;
};

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::LogLine)
