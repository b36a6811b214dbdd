#pragma once

#include <QElapsedTimer>
#include <QTest>

#include <chrono>

namespace ragdr::test {

// The one way a test waits: until cond holds, serving the event loop meanwhile (queued results,
// timers, sockets), at most timeout. Returns whether cond held. Never sleep for a fixed time in a
// test: wait for the condition the sleep stood for. A costly condition (one that runs kubectl)
// is asked at most every `every`; the event loop is served in between.
template<typename Cond>
[[nodiscard]] bool waitUntil(Cond cond,
                             std::chrono::milliseconds timeout,
                             std::chrono::milliseconds every = std::chrono::milliseconds(0))
{
    if (every.count() <= 0)
        return QTest::qWaitFor(cond, int(timeout.count()));
    QElapsedTimer sinceAsked;
    bool asked = false;
    const bool held = QTest::qWaitFor(
        [&] {
            if (asked && sinceAsked.elapsed() < every.count())
                return false;
            asked = true;
            sinceAsked.start();
            return bool(cond());
        },
        int(timeout.count()));
    return held || cond();
}

} // namespace ragdr::test
