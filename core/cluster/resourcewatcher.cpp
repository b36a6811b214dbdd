#include "resourcewatcher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>

#ifdef __GLIBC__
#include <malloc.h>
#endif

Q_LOGGING_CATEGORY(lcWatch, "ragdr.cluster.watch", QtWarningMsg)

namespace ragdr::core {

namespace {

constexpr int kFlushMs = 100;
constexpr int kPageSize = 500;
constexpr qint64 kHeardSignalMs = 1000;
// client-go's reflector: a watch that ends within a second having sent nothing is a failure
// ("very short watch"), not a normal end to renew at once.
constexpr qint64 kShortWatchMs = 1000;

QString seconds(std::chrono::milliseconds ms)
{
    return QString::number(ms.count() / 1000.0, 'f', ms.count() % 1000 == 0 ? 0 : 1);
}

QString nameOf(const QJsonObject &o)
{
    return o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString();
}

QString resourceVersionOf(const QJsonObject &o)
{
    return o.value(QStringLiteral("metadata"))
        .toObject()
        .value(QStringLiteral("resourceVersion"))
        .toString();
}

} // namespace

void ResourceStore::apply(const WatchBatch &batch)
{
    if (batch.reset)
        m_objects.clear();
    for (const QString &name : batch.deletions)
        m_objects.remove(name);
    for (const QJsonObject &o : batch.upserts)
        m_objects.insert(nameOf(o), o);
}

ResourceWatcher::ResourceWatcher(std::shared_ptr<KubeConnection> connection,
                                 QString path,
                                 QUrlQuery selector,
                                 QObject *parent)
    : QObject(parent)
    , m_connection(std::move(connection))
    , m_path(std::move(path))
    , m_selector(std::move(selector))
{
    qRegisterMetaType<WatchBatch>();
    m_flushTimer.setInterval(kFlushMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &ResourceWatcher::flush);
    m_retryTimer.setSingleShot(true);
    m_silenceTimer.setSingleShot(true);
    connect(&m_silenceTimer, &QTimer::timeout, this, &ResourceWatcher::onSilence);
}

ResourceWatcher::~ResourceWatcher()
{
    // No signal from a destructor: whoever listens may be half gone already.
    blockSignals(true);
    stop();
}

void ResourceWatcher::start()
{
    if (m_running)
        return;
    if (!m_nam)
        m_nam = m_connection->networkAccess();
    m_running = true;
    m_flushTimer.start();
    relist(QString());
}

void ResourceWatcher::stop()
{
    m_running = false;
    m_flushTimer.stop();
    m_retryTimer.stop();
    m_retryTimer.disconnect(this);
    m_silenceTimer.stop();
    // Whoever else waits for the credential keeps the refresh going; if nobody does, it stops.
    m_credentialWait.reset();
    m_credentialInterest.reset();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    setState(State::Idle);
}

void ResourceWatcher::setState(State state, const QString &detail, int httpStatus)
{
    m_state = state;
    Q_EMIT stateChanged(state, detail, httpStatus);
}

void ResourceWatcher::noteHeard()
{
    if (m_sinceHeardSignal.isValid() && m_sinceHeardSignal.elapsed() < kHeardSignalMs)
        return;
    m_sinceHeardSignal.start();
    Q_EMIT heard(QDateTime::currentDateTimeUtc());
}

void ResourceWatcher::send(const KubeRequest &request,
                           After after,
                           const std::function<void(QNetworkReply *)> &sent)
{
    if (!m_connection->access().usesTls()) {
        sendWith(request, Credential(), after, sent);
        return;
    }
    PendingCredential pending = m_connection->credentials().request();
    if (pending.ready) {
        sendWith(request, *pending.ready, after, sent);
        return;
    }
    // An exec plugin runs for it: wait without blocking this thread (the other watchers of the
    // region, and the other regions, go on meanwhile).
    m_credentialInterest = std::move(pending.interest);
    m_credentialWait = std::make_unique<QFutureWatcher<Result<Credential>>>();
    QFutureWatcher<Result<Credential>> *wait = m_credentialWait.get();
    connect(wait, &QFutureWatcherBase::finished, this, [this, wait, request, after, sent] {
        const Result<Credential> credential
            = wait->future().resultCount() > 0
                  ? wait->result()
                  : Result<Credential>(
                      fail(Error::cancelled(QStringLiteral("the credential plugin was stopped"))));
        // Not deleted here, inside its own signal: released when the next wait replaces it.
        m_credentialInterest.reset();
        if (m_running)
            sendWith(request, credential, after, sent);
    });
    wait->setFuture(pending.refresh);
}

void ResourceWatcher::sendWith(const KubeRequest &request,
                               const Result<Credential> &credential,
                               After after,
                               const std::function<void(QNetworkReply *)> &sent)
{
    if (!credential) {
        failed(credential.error()
                   .prefixed(QStringLiteral("credentials for context %1")
                                 .arg(m_connection->access().context))
                   .message,
               0,
               after);
        return;
    }
    m_serial = credential->serial;
    sent(m_nam->sendCustomRequest(m_connection->prepare(request, *credential),
                                  request.verb,
                                  request.body));
}

void ResourceWatcher::relist(const QString &why)
{
    if (!why.isEmpty())
        qCInfo(lcWatch) << m_path << "relisting:" << why;
    ++m_relists;
    m_listed.clear();
    setState(State::Listing, why);
    list(QString());
}

void ResourceWatcher::list(const QString &continueToken)
{
    QUrlQuery query = m_selector;
    query.addQueryItem(QStringLiteral("limit"), QString::number(kPageSize));
    if (!continueToken.isEmpty())
        query.addQueryItem(QStringLiteral("continue"), continueToken);
    send(KubeRequest::get(m_path, query), After::Relist, [this](QNetworkReply *reply) {
        m_reply = reply;
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            if (!m_running)
                return;
            const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
            const QByteArray body = reply->readAll();
            if (!status.isValid()) {
                failed(QStringLiteral("cannot reach the API server: %1").arg(reply->errorString()),
                       0,
                       After::Relist);
                return;
            }
            noteHeard();
            if (status.toInt() == 401)
                m_connection->credentials().invalidate(m_serial);
            if (status.toInt() == 410) { // an expired continue token: start the list again
                relist(QStringLiteral("the list's continue token expired"));
                return;
            }
            if (status.toInt() != 200) {
                failed(KubeConnection::errorFrom(status.toInt(), body, QStringLiteral("listing"))
                           .message,
                       status.toInt(),
                       After::Relist);
                return;
            }
            const QJsonObject page = QJsonDocument::fromJson(body).object();
            for (const QJsonValue &v : page.value(QStringLiteral("items")).toArray()) {
                const QJsonObject o = v.toObject();
                m_listed.append({nameOf(o), pending(o)});
            }
            const QJsonObject meta = page.value(QStringLiteral("metadata")).toObject();
            const QString next = meta.value(QStringLiteral("continue")).toString();
            if (!next.isEmpty()) {
                list(next);
                return;
            }
            // The whole list replaces whatever was pending: it is the truth as of its version.
            m_resourceVersion = meta.value(QStringLiteral("resourceVersion")).toString();
            m_upserts.clear();
            m_order.clear();
            m_deleted.clear();
            for (auto &[name, item] : m_listed) {
                m_upserts.insert(name, std::move(item));
                m_order.append(name);
            }
            m_listed.clear();
            m_resetPending = true;
            flush();
            watch();
        });
    });
}

void ResourceWatcher::watch()
{
    QUrlQuery query = m_selector;
    query.addQueryItem(QStringLiteral("watch"), QStringLiteral("1"));
    query.addQueryItem(QStringLiteral("resourceVersion"), m_resourceVersion);
    query.addQueryItem(QStringLiteral("allowWatchBookmarks"), QStringLiteral("true"));
    // client-go spreads its watches between 5 and 10 minutes so that they do not all end at once.
    query.addQueryItem(QStringLiteral("timeoutSeconds"),
                       QString::number(300 + QRandomGenerator::global()->bounded(300)));
    KubeRequest request = KubeRequest::get(m_path, query);
    request.timeoutMs = 0;
    send(request, After::Rewatch, [this](QNetworkReply *reply) {
        m_reply = reply;
        m_pending.clear();
        m_ending = Ending::None;
        m_eventsThisWatch = 0;
        m_watchAge.start();
        m_silenceTimer.start(m_inactivity);
        connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] {
            // Watching once the server has accepted the watch, not when it was asked for.
            // (Headers are not news: a stalled proxy sends them and nothing after.)
            if (reply == m_reply && m_state != State::Watching
                && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200) {
                setState(State::Watching);
            }
        });
        connect(reply, &QNetworkReply::readyRead, this, &ResourceWatcher::onWatchData);
        connect(reply, &QNetworkReply::finished, this, &ResourceWatcher::onWatchFinished);
    });
}

void ResourceWatcher::onWatchData()
{
    if (!m_reply || m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
        return;
    m_silenceTimer.start(m_inactivity);
    m_pending += m_reply->readAll();
    qsizetype start = 0;
    for (qsizetype nl; m_ending == Ending::None && (nl = m_pending.indexOf('\n', start)) >= 0;
         start = nl + 1)
        handleEvent(m_pending.mid(start, nl - start));
    m_pending.remove(0, start);
    if (m_ending != Ending::None && m_reply)
        m_reply->abort(); // onWatchFinished goes on from there
}

void ResourceWatcher::onSilence()
{
    if (!m_reply || m_ending != Ending::None)
        return;
    m_ending = Ending::Silent;
    m_endingDetail = QStringLiteral("the watch stayed open but silent for %1 s (no event, no "
                                    "bookmark)")
                         .arg(seconds(m_inactivity));
    m_reply->abort();
}

void ResourceWatcher::handleEvent(const QByteArray &line)
{
    if (line.trimmed().isEmpty())
        return;
    ++m_eventsThisWatch;
    noteHeard();
    const QJsonObject event = QJsonDocument::fromJson(line).object();
    const QString type = event.value(QStringLiteral("type")).toString();
    const QJsonObject object = event.value(QStringLiteral("object")).toObject();
    if (type == QLatin1String("ERROR")) {
        const int code = object.value(QStringLiteral("code")).toInt();
        const QString reason = object.value(QStringLiteral("reason")).toString();
        // client-go treats Expired and Gone alike (reflector.go isExpiredError).
        if (code == 410 || reason == QLatin1String("Expired") || reason == QLatin1String("Gone")) {
            m_ending = Ending::Expired;
            return;
        }
        // Any other error ends the watch as a failure; what was received may not be whole.
        m_ending = Ending::ErrorEvent;
        m_endingStatus = code;
        m_endingDetail = QStringLiteral("the watch sent an error: %1 (%2)")
                             .arg(object.value(QStringLiteral("message")).toString(),
                                  reason.isEmpty() ? QString::number(code) : reason);
        qCWarning(lcWatch) << m_path << m_endingDetail;
        return;
    }
    const QString rv = resourceVersionOf(object);
    if (!rv.isEmpty())
        m_resourceVersion = rv;
    if (type == QLatin1String("BOOKMARK"))
        return;
    const QString name = nameOf(object);
    if (type == QLatin1String("DELETED")) {
        // Left in m_order (removing it there is linear, and a storm deletes thousands): the
        // flush skips names with nothing pending.
        m_upserts.remove(name);
        m_deleted.insert(name);
    } else if (type == QLatin1String("ADDED") || type == QLatin1String("MODIFIED")) {
        m_deleted.remove(name);
        if (!m_upserts.contains(name))
            m_order.append(name);
        m_upserts.insert(name, pending(object));
    }
}

QVariant ResourceWatcher::pending(const QJsonObject &object) const
{
    return m_transform ? m_transform(object) : QVariant(object);
}

void ResourceWatcher::onWatchFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply || !m_running)
        return;
    reply->deleteLater();
    m_reply = nullptr;
    m_silenceTimer.stop();
    const Ending ending = std::exchange(m_ending, Ending::None);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool endedAtOnce = m_watchAge.elapsed() < kShortWatchMs && m_eventsThisWatch == 0;
    switch (ending) {
    case Ending::Silent:
        failed(m_endingDetail, 0, After::Rewatch);
        return;
    case Ending::ErrorEvent:
        failed(m_endingDetail, m_endingStatus, After::Relist);
        return;
    case Ending::Expired:
        relist(QStringLiteral("the watch's resourceVersion expired (410)"));
        return;
    case Ending::None:
        break;
    }
    if (status == 410) {
        relist(QStringLiteral("the watch's resourceVersion expired (410)"));
        return;
    }
    if (status == 401)
        m_connection->credentials().invalidate(m_serial);
    if (status == 200 && reply->error() == QNetworkReply::NoError) {
        if (endedAtOnce) {
            failed(QStringLiteral("the watch ended at once with nothing in it"), 0, After::Rewatch);
            return;
        }
        watch(); // the server ended the watch (its timeout): carry on from where it stopped
        return;
    }
    const QString why
        = status > 0
              ? KubeConnection::errorFrom(status, reply->readAll(), QStringLiteral("watching")).message
              : QStringLiteral("the watch connection dropped: %1").arg(reply->errorString());
    failed(why, status, After::Rewatch);
}

void ResourceWatcher::failed(const QString &why, int httpStatus, After after)
{
    const std::chrono::milliseconds delay = m_backoff.next();
    setState(State::Reconnecting,
             QStringLiteral("%1; retrying in %2 s").arg(why, seconds(delay)),
             httpStatus);
    m_retryTimer.disconnect(this);
    connect(&m_retryTimer, &QTimer::timeout, this, [this, after] {
        if (!m_running)
            return;
        if (after == After::Relist || m_resourceVersion.isEmpty())
            relist(QStringLiteral("reconnecting"));
        else
            watch();
    });
    m_retryTimer.start(delay);
}

void ResourceWatcher::flush()
{
    if (!m_resetPending && m_upserts.isEmpty() && m_deleted.isEmpty())
        return;
    WatchBatch b;
    b.reset = std::exchange(m_resetPending, false);
    b.resourceVersion = m_resourceVersion;
    b.source = m_path + QLatin1Char('?') + m_selector.toString();
    // With a transform the receiver gets only what it asked for, never the JSON objects.
    if (m_transform) {
        b.derived.reserve(m_upserts.size());
        b.names.reserve(m_upserts.size());
    } else {
        b.upserts.reserve(m_upserts.size());
    }
    for (const QString &name : std::as_const(m_order)) {
        const auto it = m_upserts.find(name);
        if (it == m_upserts.end())
            continue; // deleted since, or already taken
        if (m_transform) {
            b.derived.append(std::move(*it));
            b.names.append(name);
        } else {
            b.upserts.append(it->toJsonObject());
        }
        m_upserts.erase(it);
    }
    b.deletions = QStringList(m_deleted.cbegin(), m_deleted.cend());
    m_upserts.clear();
    m_order.clear();
    m_deleted.clear();
    if (m_filter)
        m_filter(b);
    const bool relisted = b.reset;
    Q_EMIT batch(b);
#ifdef __GLIBC__
    // A relist of thousands of objects parsed and freed megabytes of small JSON nodes; glibc
    // keeps such memory in this thread's arena unless asked to give it back.
    if (relisted)
        ::malloc_trim(0);
#endif
}

} // namespace ragdr::core
