#include "kubelogstream.h"

#include "core/cluster/kubetime.h"

namespace ragdr::sandbox {

namespace {

constexpr int kPollMs = 250;

} // namespace

KubeLogStream::KubeLogStream(KubeController &controller,
                             HttpConnection *connection,
                             Follow follow,
                             QObject *parent)
    : QObject(parent)
    , m_controller(controller)
    , m_connection(connection)
    , m_follow(std::move(follow))
{
    connect(connection, &HttpConnection::closed, this, [this] { finish(false); });
    connect(&m_timer, &QTimer::timeout, this, &KubeLogStream::poll);
    m_timer.start(kPollMs);
}

QByteArray KubeLogStream::format(const QList<LogLine> &lines, bool timestamps)
{
    QByteArray out;
    for (const LogLine &line : lines) {
        if (timestamps)
            out += core::kubetime::formatNano(QDateTime::fromMSecsSinceEpoch(line.ms, Qt::UTC))
                       .toUtf8()
                   + ' ';
        out += line.text.toUtf8() + '\n';
    }
    return out;
}

void KubeLogStream::poll()
{
    if (m_finished || !m_connection)
        return;
    const auto target = m_controller.logTarget(m_follow.podKey, m_follow.container);
    // The pod is gone: the kubelet closes the stream.
    if (!target) {
        finish(true);
        return;
    }
    ContainerRun run = m_follow.run;
    if (target->current.startedMs == run.startedMs)
        run = target->current;
    else if (target->previous && target->previous->startedMs == run.startedMs)
        run = *target->previous;
    // The followed run stopped, or the container restarted into a new one.
    bool ended = run.endedMs > 0 || target->current.startedMs != run.startedMs;
    const qint64 to = run.endedMs > 0 ? run.endedMs : m_controller.nowMs();
    const QList<LogLine> lines = KubeLogs::lines(target->flavour,
                                                 m_follow.podName,
                                                 target->podIP,
                                                 run,
                                                 m_follow.sentMs + 1,
                                                 to,
                                                 target->floodFromMs);
    QByteArray data = format(lines, m_follow.timestamps);
    if (m_follow.limitBytes > 0 && m_written + data.size() > m_follow.limitBytes) {
        data.truncate(m_follow.limitBytes - m_written);
        ended = true;
    }
    if (!data.isEmpty()) {
        m_connection->writeChunk(data);
        m_written += data.size();
    }
    m_follow.sentMs = std::max(m_follow.sentMs, to);
    if (ended)
        finish(true);
}

void KubeLogStream::finish(bool endStream)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    if (endStream && m_connection)
        m_connection->endStream();
    deleteLater();
}

} // namespace ragdr::sandbox
