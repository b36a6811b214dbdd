#include "logstream.h"

#include "kubeapi.h"

#include <QtConcurrent>

namespace ragdr::core {

namespace {
constexpr int kDrainMs = 100;
constexpr int kMaxPending = 20000; // a flood while the GUI is busy keeps its newest lines

// A follow lasts as long as the user watches. On the global pool (one thread per core) two of
// them would leave no thread for the short tasks a backup or a verification waits on. Never
// destroyed: a static pool would wait at exit for a follower that was cancelled a moment before
// the application object went, and can no longer see it (its wait needs events).
QThreadPool &followers()
{
    static QThreadPool *const pool = [] {
        auto *p = new QThreadPool;
        p->setMaxThreadCount(64);
        return p;
    }();
    return *pool;
}
} // namespace

struct LogStream::Shared
{
    QMutex mutex;
    QList<LogLine> pending;
    bool stateChanged = false;
    LogFollower::State state = LogFollower::State::Streaming;
    QString detail;
    QString error;
    bool finished = false;
    CancelToken cancel;
};

LogStream::LogStream(QObject *parent)
    : QObject(parent)
{
    m_drain.setInterval(kDrainMs);
    connect(&m_drain, &QTimer::timeout, this, &LogStream::drain);
}

LogStream::~LogStream()
{
    stop();
}

void LogStream::start(std::shared_ptr<KubeConnection> connection,
                      const QString &pod,
                      const LogOptions &options)
{
    stop();
    auto shared = std::make_shared<Shared>();
    m_shared = shared;
    m_drain.start();
    (void) QtConcurrent::run(&followers(), [shared, connection, pod, options] {
        KubeApi api(connection);
        auto done = LogFollower(api).run(
            pod,
            options,
            shared->cancel,
            [&](const LogLine &line) {
                QMutexLocker lock(&shared->mutex);
                shared->pending.append(line);
                if (shared->pending.size() > kMaxPending)
                    shared->pending.remove(0, shared->pending.size() - kMaxPending);
                return true;
            },
            [&](LogFollower::State state, const QString &detail) {
                QMutexLocker lock(&shared->mutex);
                shared->stateChanged = true;
                shared->state = state;
                shared->detail = detail;
            });
        QMutexLocker lock(&shared->mutex);
        if (!done && done.error().kind != Error::Kind::Cancelled)
            shared->error = done.error().message;
        shared->finished = true;
    });
}

void LogStream::stop()
{
    if (m_shared)
        m_shared->cancel.cancel();
    m_shared.reset();
    m_drain.stop();
}

void LogStream::drain()
{
    if (!m_shared)
        return;
    QList<LogLine> batch;
    bool changed = false;
    LogFollower::State state;
    QString detail, error;
    bool finished = false;
    {
        QMutexLocker lock(&m_shared->mutex);
        batch.swap(m_shared->pending);
        changed = std::exchange(m_shared->stateChanged, false);
        state = m_shared->state;
        detail = m_shared->detail;
        error = m_shared->error;
        finished = m_shared->finished;
    }
    if (!batch.isEmpty())
        Q_EMIT lines(batch);
    if (changed)
        Q_EMIT stateChanged(state, detail);
    if (finished) {
        m_drain.stop();
        if (!error.isEmpty())
            Q_EMIT failed(error);
        else if (!changed || state != LogFollower::State::Ended)
            Q_EMIT stateChanged(LogFollower::State::Ended, QString());
    }
}

} // namespace ragdr::core
