#include "operation.h"

namespace ragdr::core {

namespace {
constexpr int kProgressIntervalMs = 50;
}

Operation::Operation(QString id, OperationSpec spec, QObject *parent)
    : QObject(parent)
    , m_id(std::move(id))
    , m_spec(std::move(spec))
    , m_startedAt(QDateTime::currentDateTimeUtc())
    , m_progress(std::make_shared<ProgressState>())
{
    m_progressTimer.setInterval(kProgressIntervalMs);
    connect(&m_progressTimer, &QTimer::timeout, this, &Operation::pollProgress);
    m_progressTimer.start();
}

void Operation::cancel()
{
    if (!m_finished)
        m_cancel.cancel();
}

void Operation::pollProgress()
{
    const ProgressState::Snapshot s = m_progress->snapshot();
    if (s.version == m_seenVersion)
        return;
    m_seenVersion = s.version;
    Q_EMIT progressChanged(s.fraction, s.step);
}

void Operation::complete(const OperationResult &result)
{
    m_progressTimer.stop();
    pollProgress();
    m_finished = true;
    m_result = result;
    Q_EMIT finished(m_result);
}

} // namespace ragdr::core
