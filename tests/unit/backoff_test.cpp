// The one backoff rule of every retry loop: doubling within jitter, capped, and back to the start
// after a healthy period. A fake clock stands for time, so nothing here sleeps.
#include "core/base/backoff.h"

#include <QElapsedTimer>
#include <QSet>
#include <QtConcurrent>

#include <gtest/gtest.h>

using namespace ragdr::core;
using namespace std::chrono_literals;

namespace {

struct FakeClock
{
    std::chrono::steady_clock::time_point now{};
    Backoff::Clock clock()
    {
        return [this] { return now; };
    }
};

const Backoff::Policy kPolicy{100ms, 1600ms, 10s};

// The step a failure's wait is drawn from: initial doubled per earlier failure, capped.
std::chrono::milliseconds stepOf(int failure)
{
    return std::min<std::chrono::milliseconds>(kPolicy.cap, kPolicy.initial * (1 << (failure - 1)));
}

} // namespace

TEST(Backoff, DoublesWithinTheUpperHalfOfEachStepUpToTheCap)
{
    FakeClock time;
    Backoff backoff(kPolicy, time.clock());
    for (int failure = 1; failure <= 9; ++failure) {
        time.now += 1ms; // failures in quick succession
        const auto wait = backoff.next();
        EXPECT_GE(wait, stepOf(failure) / 2) << "failure " << failure;
        EXPECT_LE(wait, stepOf(failure)) << "failure " << failure;
        EXPECT_EQ(backoff.failures(), failure);
    }
    EXPECT_EQ(stepOf(9), kPolicy.cap);
}

TEST(Backoff, WaitsAreJitteredSoThatClientsDoNotComeBackTogether)
{
    QSet<qint64> seen;
    for (int i = 0; i < 50; ++i) {
        FakeClock time;
        Backoff backoff(kPolicy, time.clock());
        backoff.next();
        seen.insert(backoff.next().count());
    }
    EXPECT_GT(seen.size(), 5) << "fifty clients failing together would come back together";
}

TEST(Backoff, AHealthyPeriodStartsAgainFromTheFirstStep)
{
    FakeClock time;
    Backoff backoff(kPolicy, time.clock());
    for (int i = 0; i < 5; ++i) {
        time.now += 10ms;
        backoff.next();
    }
    // Shorter than resetAfter since the last failure: still backing off.
    time.now += kPolicy.resetAfter - 1ms;
    EXPECT_GE(backoff.next(), stepOf(6) / 2);
    // As long as resetAfter without a failure: healthy, so the next wait is the first step's.
    time.now += kPolicy.resetAfter;
    const auto wait = backoff.next();
    EXPECT_LE(wait, kPolicy.initial);
    EXPECT_EQ(backoff.failures(), 1);

    backoff.next();
    backoff.reset();
    EXPECT_LE(backoff.next(), kPolicy.initial);
}

TEST(Backoff, SleepEndsEarlyOnCancel)
{
    CancelToken cancel;
    QElapsedTimer clock;
    clock.start();
    EXPECT_TRUE(Backoff::sleep(30ms, cancel));
    EXPECT_GE(clock.elapsed(), 30);

    auto stopper = QtConcurrent::run([cancel] {
        QThread::msleep(100);
        cancel.cancel();
    });
    clock.restart();
    EXPECT_FALSE(Backoff::sleep(60s, cancel));
    EXPECT_LT(clock.elapsed(), 5000);
    stopper.waitForFinished();
}
