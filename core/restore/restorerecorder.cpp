#include "restorerecorder.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRestoreState, "ragdr.restore.state", QtWarningMsg)

namespace ragdr::core {

RestoreRecorder::RestoreRecorder(RestoreStore store, RestoreState initial)
    : m_store(std::move(store))
    , m_state(std::move(initial))
{
    m_lastWrite.start();
}

Status RestoreRecorder::update(const std::function<void(RestoreState &)> &fn)
{
    QMutexLocker locker(&m_mutex);
    fn(m_state);
    m_lastWrite.restart();
    return m_store.write(m_state);
}

void RestoreRecorder::progress(double fraction, const QString &detail)
{
    QMutexLocker locker(&m_mutex);
    m_state.fraction = fraction;
    m_state.detail = detail;
    if (m_lastWrite.elapsed() < kThrottleMs)
        return;
    m_lastWrite.restart();
    if (auto written = m_store.write(m_state); !written)
        qCWarning(lcRestoreState) << written.error().message;
}

RestoreState RestoreRecorder::snapshot() const
{
    QMutexLocker locker(&m_mutex);
    return m_state;
}

} // namespace ragdr::core
