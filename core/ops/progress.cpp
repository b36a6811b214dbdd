#include "progress.h"

#include <algorithm>

namespace ragdr::core {

void ProgressState::set(double fraction, const QString &step)
{
    QMutexLocker locker(&m_mutex);
    m_state.fraction = fraction;
    m_state.step = step;
    ++m_state.version;
}

void ProgressState::setStep(const QString &step)
{
    QMutexLocker locker(&m_mutex);
    m_state.step = step;
    ++m_state.version;
}

ProgressState::Snapshot ProgressState::snapshot() const
{
    QMutexLocker locker(&m_mutex);
    return m_state;
}

Progress::Progress(std::shared_ptr<ProgressState> state, CancelToken cancel)
    : m_state(std::move(state))
    , m_cancel(std::move(cancel))
{}

void Progress::set(double fraction, const QString &step) const
{
    if (m_state)
        m_state->set(m_from + std::clamp(fraction, 0.0, 1.0) * (m_to - m_from), step);
}

void Progress::setFraction(double fraction) const
{
    if (m_state)
        set(fraction, m_state->snapshot().step);
}

void Progress::setStep(const QString &step) const
{
    if (m_state)
        m_state->setStep(step);
}

Progress Progress::sub(double from, double to) const
{
    Progress p = *this;
    p.m_from = m_from + from * (m_to - m_from);
    p.m_to = m_from + to * (m_to - m_from);
    return p;
}

} // namespace ragdr::core
