#include "retrypolicy.h"

#include <algorithm>
#include <cmath>

namespace ragdr::core {

RetryPolicy::RetryPolicy(const LlmSettings &settings, int attempts)
    : m_attempts(std::max(1, attempts))
    , m_initialMs(settings.initialDelayMs)
    , m_maxMs(settings.maxDelayMs)
    , m_maxTotalMs(settings.maxTotalWaitMs)
{}

std::optional<qint64> RetryPolicy::nextDelayMs(int triesDone,
                                               const GeminiFailure &failure,
                                               qint64 waitedMs,
                                               double random01) const
{
    if (!failure.isRetryable() || triesDone >= m_attempts)
        return std::nullopt;
    qint64 delay = 0;
    if (failure.cls == GeminiFailure::Class::QuotaPerMinute && failure.retryDelayMs >= 0) {
        // Google says when the quota refills: sooner is refused again, later wastes time.
        delay = failure.retryDelayMs;
    } else {
        const double base = double(m_initialMs) * std::pow(2.0, triesDone - 1);
        delay = qint64(std::min(double(m_maxMs), base + random01 * double(m_initialMs)));
    }
    if (waitedMs + delay > m_maxTotalMs)
        return std::nullopt;
    return delay;
}

} // namespace ragdr::core
