#include "childrecorder.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QSet>

#include <chrono>
#include <unistd.h>

namespace ragdr::test {

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 parentOf(qint64 pid)
{
    // /proc/PID/stat: "pid (comm) state ppid ...", comm may hold spaces and parentheses.
    const QByteArray stat = readAll(QStringLiteral("/proc/%1/stat").arg(pid));
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return 0;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() : 0;
}

} // namespace

ChildRecorder::ChildRecorder()
    : m_thread([this] {
        while (!m_stop) {
            scan();
            std::this_thread::sleep_for(std::chrono::milliseconds(3));
        }
    })
{}

ChildRecorder::~ChildRecorder()
{
    stop();
}

void ChildRecorder::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

QList<ChildRecorder::Seen> ChildRecorder::seen() const
{
    const QMutexLocker lock(&m_mutex);
    return m_seen;
}

void ChildRecorder::scan()
{
    const qint64 self = ::getpid();
    // Only a process not seen before has its stat read: a scan then costs little more than
    // listing /proc, and comes round often enough to see a child that lives 20 ms on a loaded
    // machine (reading every process's stat each time made the recorder miss such children).
    QHash<qint64, qint64> parents;
    const QStringList entries
        = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        const auto known = m_parents.constFind(pid);
        parents.insert(pid, known != m_parents.cend() ? *known : parentOf(pid));
    }
    m_parents = parents;
    for (auto it = parents.cbegin(); it != parents.cend(); ++it) {
        qint64 p = it.value();
        bool descendant = false;
        for (int depth = 0; p > 1 && depth < 64 && !descendant; ++depth) {
            descendant = p == self;
            p = parents.value(p);
        }
        if (!descendant)
            continue;
        record(it.key(), it.value());
    }
}

void ChildRecorder::look(qint64 pid)
{
    record(pid, parentOf(pid));
}

void ChildRecorder::record(qint64 pid, qint64 parent)
{
    Seen s{pid,
           parent,
           readAll(QStringLiteral("/proc/%1/cmdline").arg(pid)),
           readAll(QStringLiteral("/proc/%1/environ").arg(pid))};
    const QMutexLocker lock(&m_mutex);
    // A process is recorded again when it has exec'd something else since.
    bool known = false;
    for (const Seen &k : std::as_const(m_seen))
        known = known || (k.pid == s.pid && k.cmdline == s.cmdline);
    if (!known)
        m_seen.append(s);
}

} // namespace ragdr::test
