#pragma once

#include <QTest>

#include <chrono>

namespace ragdr::test {

// The one way a test waits: until cond holds, serving the event loop meanwhile (queued results,
// timers, sockets), at most timeout. Returns whether cond held. Never sleep for a fixed time in a
// test: wait for the condition the sleep stood for.
template<typename Cond>
[[nodiscard]] bool waitUntil(Cond cond, std::chrono::milliseconds timeout)
{
    return QTest::qWaitFor(cond, int(timeout.count()));
}

} // namespace ragdr::test
