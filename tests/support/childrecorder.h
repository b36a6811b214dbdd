#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>

#include <atomic>
#include <thread>

namespace ragdr::test {

// Records the command line and environment of every process descended from this one while it
// lives, by reading /proc every few milliseconds on a thread of its own: what a test checks for
// secrets that must never be in a child's argv or environment.
class ChildRecorder final
{
public:
    struct Seen
    {
        qint64 pid = 0;
        qint64 parent = 0;  // when first seen; this process for its own children
        QByteArray cmdline; // arguments separated by NUL
        QByteArray environ; // NAME=value entries separated by NUL
    };

    ChildRecorder();
    ~ChildRecorder();
    ChildRecorder(const ChildRecorder &) = delete;
    ChildRecorder &operator=(const ChildRecorder &) = delete;

    void stop();
    QList<Seen> seen() const;
    // Records pid now, beside the scans: for a child the test started and knows has exec'd.
    void look(qint64 pid);

private:
    void scan();
    void record(qint64 pid, qint64 parent);

    std::atomic_bool m_stop{false};
    QHash<qint64, qint64> m_parents; // pid -> parent, as first read (the scan thread's own)
    mutable QMutex m_mutex;
    QList<Seen> m_seen;
    std::thread m_thread;
};

} // namespace ragdr::test
