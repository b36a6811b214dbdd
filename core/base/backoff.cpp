#include "backoff.h"

#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QThread>

#include <algorithm>

namespace ragdr::core {

namespace {
constexpr qint64 kCancelPollMs = 50;
}

Backoff::Backoff(Policy policy, Clock clock)
    : m_policy(policy)
    , m_clock(std::move(clock))
{}

std::chrono::milliseconds Backoff::next()
{
    const auto now = m_clock();
    if (m_failures > 0 && now - m_lastFailure >= m_policy.resetAfter)
        m_failures = 0;
    m_lastFailure = now;
    // initial * 2^failures, capped; the shift is bounded so that it never overflows.
    const qint64 initial = std::max<qint64>(1, m_policy.initial.count());
    const qint64 cap = std::max<qint64>(initial, m_policy.cap.count());
    qint64 step = initial;
    for (int i = 0; i < m_failures && step < cap; ++i)
        step *= 2;
    step = std::min(step, cap);
    ++m_failures;
    const qint64 half = step / 2;
    return std::chrono::milliseconds(
        step - half + qint64(QRandomGenerator::global()->bounded(quint64(half) + 1)));
}

void Backoff::reset()
{
    m_failures = 0;
}

bool Backoff::sleep(std::chrono::milliseconds delay, const CancelToken &cancel)
{
    const QDeadlineTimer deadline(delay);
    while (!cancel.isCancelled()) {
        const qint64 left = deadline.remainingTime();
        if (left <= 0)
            return true;
        QThread::msleep(quint64(std::min(left, kCancelPollMs)));
    }
    return false;
}

} // namespace ragdr::core
