#pragma once

#include "geminifailure.h"

#include "core/profile/profile.h"

#include <functional>
#include <optional>

namespace ragdr::core {

// When to try a Gemini request again, as google-genai does it (exponential backoff from an
// initial delay, base 2, jitter up to the initial delay, on 408/429/5xx), but honouring a 429's
// RetryInfo.retryDelay, never retrying auth or config errors, and with all waits of one request
// capped together (Portkey's 60 s).
class RetryPolicy final
{
public:
    RetryPolicy() = default;
    RetryPolicy(const LlmSettings &settings, int attempts);

    int attempts() const { return m_attempts; }

    // The wait before try number `triesDone + 1` after `failure`, or nothing when the request should
    // stop here (not retryable, out of attempts, or the wait would pass the total cap).
    // random01 in [0, 1) picks the jitter.
    std::optional<qint64> nextDelayMs(int triesDone,
                                      const GeminiFailure &failure,
                                      qint64 waitedMs,
                                      double random01) const;

private:
    int m_attempts = 5;
    qint64 m_initialMs = 1000;
    qint64 m_maxMs = 60000;
    qint64 m_maxTotalMs = 60000;
};

} // namespace ragdr::core
