#pragma once

#include "canceltoken.h"

#include <chrono>
#include <functional>

namespace ragdr::core {

// How long to wait before trying again after a failure, the one rule for every retry loop that
// talks to a server (the API client, the watches, the log follower, the rollout wait):
// exponential from `initial`, doubling up to `cap`, each wait drawn at random from the upper half
// of its step (so that clients that failed together do not come back together), and back to
// `initial` once `resetAfter` has passed without a failure, as client-go's backoff manager does
// for its reflectors (util/wait NewExponentialBackoffManager). Each loop picks its own numbers.
//
//   Backoff backoff(KubeApi::kRetryPolicy);
//   while (!done) { ...; if (failed && !Backoff::sleep(backoff.next(), cancel)) return cancelled; }
class Backoff final
{
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    struct Policy
    {
        std::chrono::milliseconds initial;
        std::chrono::milliseconds cap;
        // A failure this long after the previous one starts again from initial: what came between
        // was healthy.
        std::chrono::milliseconds resetAfter;
    };

    explicit Backoff(Policy policy, Clock clock = &std::chrono::steady_clock::now);

    // A failure: the wait before the next attempt.
    std::chrono::milliseconds next();
    // Forget the failures (e.g. after an attempt that is known to be healthy).
    void reset();
    // Failures counted since the last reset.
    int failures() const { return m_failures; }
    const Policy &policy() const { return m_policy; }

    // Waits on this (worker) thread, cut short by cancel; false when cancelled.
    static bool sleep(std::chrono::milliseconds delay, const CancelToken &cancel);

private:
    Policy m_policy;
    Clock m_clock;
    int m_failures = 0;
    std::chrono::steady_clock::time_point m_lastFailure;
};

} // namespace ragdr::core
