#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QTimer>

class QSocketNotifier;
class QWidget;

namespace ragdr::ui {

// What `./run bench` sees of the console and does to it; made only when RAGDR_CONSOLE_PROBE names
// a file (see tests/bench/run-benchmarks). It writes to that file, as lines:
//   paint EPOCH_MS            the first paint of the window (cold start ends here)
//   lag EPOCH_MS LATE_US      each tick of a 1 ms timer on the GUI thread and how late it fired
//   clicked EPOCH_MS NAME     a button it clicked, or "no-button EPOCH_MS NAME"
//   selected EPOCH_MS NAME ROW a row it selected, or "no-row EPOCH_MS NAME ROW"
// and, when RAGDR_CONSOLE_CONTROL names a FIFO, reads "click OBJECTNAME" and "select VIEWNAME ROW"
// lines from it, so that the bench can start a backup or follow a pod's log as a person would. Lines are buffered and written
// every 250 ms: the probe must not be what makes the GUI thread late.
class ConsoleProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleProbe)

public:
    // Null when the environment does not ask for a probe.
    static ConsoleProbe *fromEnvironment(QWidget *window);
    ~ConsoleProbe() override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    ConsoleProbe(const QString &path, const QString &control, QWidget *window);
    void tick();
    void readControl();
    void flush();
    template<typename Widget>
    static Widget *find(const QByteArray &objectName);

    QFile m_out;
    QByteArray m_buffer;
    QTimer m_tick;
    QTimer m_flush;
    QElapsedTimer m_clock;
    qint64 m_lastTickNs = 0;
    bool m_painted = false;
    int m_control = -1;
    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_pending;
};

} // namespace ragdr::ui
