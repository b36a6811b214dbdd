#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace ragdr::test {

// Measures how late the GUI thread's event loop serves a 10 ms timer: the longest gap between
// two ticks, minus the interval, is the longest the GUI was unresponsive.
class LagProbe final : public QObject
{
public:
    LagProbe()
    {
        m_timer.setInterval(10);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 gap = m_clock.restart();
            if (gap - m_timer.interval() > m_worst) {
                m_worst = gap - m_timer.interval();
                m_worstAt = m_since.elapsed();
            }
            ++m_ticks;
        });
    }

    void start()
    {
        m_worst = 0;
        m_ticks = 0;
        m_clock.start();
        m_since.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    qint64 worstLagMs() const { return m_worst; }
    int ticks() const { return m_ticks; }
    // When the worst lag ended, in ms since start().
    qint64 worstAtMs() const { return m_worstAt; }
    qint64 sinceStartMs() const { return m_since.elapsed(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    QElapsedTimer m_since;
    qint64 m_worst = 0;
    qint64 m_worstAt = 0;
    int m_ticks = 0;
};

} // namespace ragdr::test
