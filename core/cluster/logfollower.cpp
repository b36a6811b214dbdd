#include "logfollower.h"

#include "kubepaths.h"
#include "kubetime.h"

#include <QElapsedTimer>
#include <QJsonArray>

namespace ragdr::core {

namespace {
// A stream that delivered lines for this long was healthy: its end (a restart, a dropped
// connection) starts the reconnect waits from the beginning again.
constexpr qint64 kHealthyStreamMs = 1000;
} // namespace

LogFollower::LogFollower(KubeApi &api, Backoff::Policy reconnect)
    : m_api(api)
    , m_reconnect(reconnect)
{}

LogLine LogFollower::parse(const QByteArray &line)
{
    const qsizetype space = line.indexOf(' ');
    if (space > 0) {
        const QDateTime at = kubetime::parse(QString::fromLatin1(line.left(space)));
        if (at.isValid())
            return {at, QString::fromUtf8(line.mid(space + 1))};
    }
    return {QDateTime(), QString::fromUtf8(line)};
}

Status LogFollower::run(const QString &pod,
                        const LogOptions &options,
                        const CancelToken &cancel,
                        const LineSink &onLine,
                        const StateSink &onState)
{
    const QString ns = m_api.connection().ns();
    QString container = options.container;
    if (container.isEmpty()) {
        auto object = m_api.json(KubeRequest::get(kubepaths::pod(ns, pod)),
                                 cancel,
                                 QStringLiteral("reading pod %1").arg(pod));
        if (!object)
            return fail(object.error());
        container = object->value(QLatin1String("spec"))
                        .toObject()
                        .value(QLatin1String("containers"))
                        .toArray()
                        .first()
                        .toObject()
                        .value(QLatin1String("name"))
                        .toString();
    }
    QDateTime lastSeen;
    int linesAtLastSeen = 0; // lines sharing lastSeen's timestamp, to skip exactly those
    Backoff backoff(m_reconnect);
    bool reconnecting = false;
    bool stopped = false;
    for (;;) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("container"), container);
        query.addQueryItem(QStringLiteral("timestamps"), QStringLiteral("true"));
        if (options.previous)
            query.addQueryItem(QStringLiteral("previous"), QStringLiteral("true"));
        if (options.follow)
            query.addQueryItem(QStringLiteral("follow"), QStringLiteral("true"));
        if (lastSeen.isValid())
            query.addQueryItem(QStringLiteral("sinceTime"), kubetime::format(lastSeen));
        else if (options.tailLines >= 0)
            query.addQueryItem(QStringLiteral("tailLines"), QString::number(options.tailLines));
        KubeRequest request = KubeRequest::get(kubepaths::pod(ns, pod) + QStringLiteral("/log"),
                                               query);
        request.accept = "text/plain, */*";
        request.timeoutMs = 0;
        const QDateTime resumeFrom = lastSeen;
        int skip = resumeFrom.isValid() ? linesAtLastSeen : 0;
        QByteArray errorBody;
        if (onState)
            onState(State::Streaming, reconnecting ? QStringLiteral("reconnected") : QString());
        QElapsedTimer streamed;
        streamed.start();
        int delivered = 0;
        auto status = m_api.stream(
            request,
            cancel,
            [&](const QByteArray &raw) {
                const LogLine line = parse(raw);
                // sinceTime has one-second resolution: the lines of that second come again; skip as
                // many of them as were already shown.
                if (skip > 0 && line.at.isValid()
                    && line.at.toSecsSinceEpoch() == resumeFrom.toSecsSinceEpoch()) {
                    --skip;
                    return true;
                }
                if (line.at.isValid()) {
                    linesAtLastSeen = line.at.toSecsSinceEpoch() == lastSeen.toSecsSinceEpoch()
                                          ? linesAtLastSeen + 1
                                          : 1;
                    lastSeen = line.at;
                }
                ++delivered;
                if (!onLine(line)) {
                    stopped = true;
                    return false;
                }
                return true;
            },
            &errorBody);
        if (stopped || cancel.isCancelled())
            return cancel.isCancelled() ? Status(fail(Error::cancelled())) : Status();
        if (status && (*status < 200 || *status > 299)) {
            const Error e
                = KubeConnection::errorFrom(*status,
                                            errorBody,
                                            QStringLiteral("logs of %1/%2").arg(pod, container));
            if (!options.follow || *status == 404)
                return fail(e);
            if (onState)
                onState(State::Reconnecting, e.message);
        } else if (!options.follow) {
            return {};
        } else if (delivered > 0 && streamed.elapsed() >= kHealthyStreamMs) {
            backoff.reset();
        }
        // The stream ended (a container restart, a dropped connection): go on while the pod lives.
        auto object = m_api.call(KubeRequest::get(kubepaths::pod(ns, pod)), cancel);
        if (cancel.isCancelled())
            return fail(Error::cancelled());
        if (object && object->status == 404) {
            if (onState)
                onState(State::Ended, QStringLiteral("pod %1 was deleted").arg(pod));
            return {};
        }
        const std::chrono::milliseconds delay = backoff.next();
        if (onState && status && *status >= 200 && *status <= 299) {
            onState(State::Reconnecting,
                    QStringLiteral("the log stream ended; reconnecting in %1 s")
                        .arg(delay.count() / 1000.0, 0, 'f', 1));
        }
        if (!Backoff::sleep(delay, cancel))
            return fail(Error::cancelled());
        reconnecting = true;
    }
}

} // namespace ragdr::core
