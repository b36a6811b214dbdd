#pragma once

#include "restorestate.h"
#include "restorestore.h"

#include <QElapsedTimer>
#include <QMutex>

#include <functional>

namespace ragdr::core {

// The one writer of a running restore's state file. The job changes what it did (steps, intents)
// from its worker thread, and the operation's progress arrives from the thread that runs it: both
// go through here, under one mutex, and every intent is on disk before update() returns.
class RestoreRecorder final
{
public:
    RestoreRecorder(RestoreStore store, RestoreState initial);

    // Applies fn to the state and writes it at once (intents must be durable before acting).
    Status update(const std::function<void(RestoreState &)> &fn);
    // The running step's fraction and line; written at most every 200 ms.
    void progress(double fraction, const QString &detail);
    RestoreState snapshot() const;
    const RestoreStore &store() const { return m_store; }

private:
    static constexpr int kThrottleMs = 200;

    RestoreStore m_store;
    mutable QMutex m_mutex;
    RestoreState m_state;
    QElapsedTimer m_lastWrite;
};

} // namespace ragdr::core
