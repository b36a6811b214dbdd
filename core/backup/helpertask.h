#pragma once

#include "core/base/canceltoken.h"

#include <QEventLoop>
#include <QFutureWatcher>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent>

#include <functional>

namespace ragdr::core {

// One function run on a helper thread of its own while an operation does something else (the
// row counts while pg_dump runs, a full read while the file is hashed). Its own thread, not the
// global pool's: a helper never waits in a queue behind another operation's. The destructor
// stops the work (stop, when given) if it still runs, and waits: no helper outlives the step
// that started it, on any return path.
template<typename T>
class HelperTask final
{
public:
    explicit HelperTask(std::function<T()> work, std::function<void()> stop = {})
        : m_stop(std::move(stop))
    {
        m_thread.setMaxThreadCount(1);
        m_future = QtConcurrent::run(&m_thread, std::move(work));
    }
    ~HelperTask()
    {
        if (!m_future.isFinished())
            stopOnce();
        m_thread.waitForDone();
    }
    HelperTask(const HelperTask &) = delete;
    HelperTask &operator=(const HelperTask &) = delete;

    // Waits for the result, serving this thread's events. A cancel meanwhile stops the work once
    // and goes on waiting for it to end.
    T result(const CancelToken &cancel)
    {
        if (!m_future.isFinished()) {
            QEventLoop loop;
            QFutureWatcher<T> watcher;
            QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
            QTimer cancelCheck;
            QObject::connect(&cancelCheck, &QTimer::timeout, &loop, [&] {
                if (cancel.isCancelled())
                    stopOnce();
            });
            cancelCheck.start(kCancelCheckMs);
            watcher.setFuture(m_future);
            if (!m_future.isFinished())
                loop.exec();
        }
        return m_future.result();
    }

private:
    static constexpr int kCancelCheckMs = 100;

    void stopOnce()
    {
        if (m_stop && !m_stopped) {
            m_stopped = true;
            m_stop();
        }
    }

    std::function<void()> m_stop;
    bool m_stopped = false;
    QThreadPool m_thread;
    QFuture<T> m_future;
};

} // namespace ragdr::core
