#include "resourcewatcher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcWatch, "ragdr.cluster.watch", QtWarningMsg)

namespace ragdr::core {

namespace {

constexpr int kFlushMs = 100;
constexpr int kPageSize = 500;
constexpr int kMaxBackoffMs = 30000;

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
    if (!m_nam) {
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_nam->setAutoDeleteReplies(false);
    }
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
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    setState(State::Idle);
}

void ResourceWatcher::setState(State state, const QString &detail)
{
    m_state = state;
    Q_EMIT stateChanged(state, detail);
}

QNetworkReply *ResourceWatcher::send(const KubeRequest &request, QString *error)
{
    auto prepared = m_connection->prepare(request, CancelToken(), &m_serial);
    if (!prepared) {
        *error = prepared.error().message;
        return nullptr;
    }
    return m_nam->sendCustomRequest(*prepared, request.verb, request.body);
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
    QString error;
    QNetworkReply *reply = send(KubeRequest::get(m_path, query), &error);
    if (!reply) {
        retryLater(error, true);
        return;
    }
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (!m_running)
            return;
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        const QByteArray body = reply->readAll();
        if (!status.isValid()) {
            retryLater(reply->errorString(), true);
            return;
        }
        if (status.toInt() == 401)
            m_connection->credentials().invalidate(m_serial);
        if (status.toInt() == 410) { // an expired continue token: start the list again
            relist(QStringLiteral("the list's continue token expired"));
            return;
        }
        if (status.toInt() != 200) {
            retryLater(KubeConnection::errorFrom(status.toInt(), body, QStringLiteral("listing"))
                           .message,
                       true);
            return;
        }
        const QJsonObject page = QJsonDocument::fromJson(body).object();
        for (const QJsonValue &v : page.value(QStringLiteral("items")).toArray())
            m_listed.append(v.toObject());
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
        for (const QJsonObject &o : std::as_const(m_listed)) {
            const QString name = nameOf(o);
            m_upserts.insert(name, o);
            m_order.append(name);
        }
        m_listed.clear();
        m_resetPending = true;
        m_failures = 0;
        flush();
        watch();
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
    QString error;
    QNetworkReply *reply = send(request, &error);
    if (!reply) {
        retryLater(error, false);
        return;
    }
    m_reply = reply;
    m_pending.clear();
    m_relistRequested = false;
    connect(reply, &QNetworkReply::readyRead, this, &ResourceWatcher::onWatchData);
    connect(reply, &QNetworkReply::finished, this, &ResourceWatcher::onWatchFinished);
    setState(State::Watching);
}

void ResourceWatcher::onWatchData()
{
    if (!m_reply || m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
        return;
    m_pending += m_reply->readAll();
    qsizetype start = 0;
    for (qsizetype nl; !m_relistRequested && (nl = m_pending.indexOf('\n', start)) >= 0;
         start = nl + 1)
        handleEvent(m_pending.mid(start, nl - start));
    m_pending.remove(0, start);
    if (m_relistRequested && m_reply)
        m_reply->abort(); // onWatchFinished relists
}

void ResourceWatcher::handleEvent(const QByteArray &line)
{
    if (line.trimmed().isEmpty())
        return;
    const QJsonObject event = QJsonDocument::fromJson(line).object();
    const QString type = event.value(QStringLiteral("type")).toString();
    const QJsonObject object = event.value(QStringLiteral("object")).toObject();
    if (type == QLatin1String("ERROR")) {
        const int code = object.value(QStringLiteral("code")).toInt();
        const QString reason = object.value(QStringLiteral("reason")).toString();
        // client-go treats Expired and Gone alike (reflector.go isExpiredError).
        if (code == 410 || reason == QLatin1String("Expired") || reason == QLatin1String("Gone")) {
            m_relistRequested = true;
            return;
        }
        qCWarning(lcWatch) << m_path
                           << "watch error:" << object.value(QStringLiteral("message")).toString();
        return;
    }
    const QString rv = resourceVersionOf(object);
    if (!rv.isEmpty())
        m_resourceVersion = rv;
    if (type == QLatin1String("BOOKMARK"))
        return;
    const QString name = nameOf(object);
    if (type == QLatin1String("DELETED")) {
        m_upserts.remove(name);
        m_order.removeOne(name);
        m_deleted.insert(name);
    } else if (type == QLatin1String("ADDED") || type == QLatin1String("MODIFIED")) {
        m_deleted.remove(name);
        if (!m_upserts.contains(name))
            m_order.append(name);
        m_upserts.insert(name, object);
    }
    m_failures = 0;
}

void ResourceWatcher::onWatchFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply || !m_running)
        return;
    reply->deleteLater();
    m_reply = nullptr;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (m_relistRequested) {
        relist(QStringLiteral("the watch's resourceVersion expired (410)"));
        return;
    }
    if (status.toInt() == 410) {
        relist(QStringLiteral("the watch's resourceVersion expired (410)"));
        return;
    }
    if (status.toInt() == 401)
        m_connection->credentials().invalidate(m_serial);
    if (status.toInt() == 200 && reply->error() == QNetworkReply::NoError) {
        watch(); // the server ended the watch (its timeout): carry on from where it stopped
        return;
    }
    const QString why
        = status.isValid()
              ? KubeConnection::errorFrom(status.toInt(),
                                          reply->readAll(),
                                          QStringLiteral("watching"))
                    .message
              : QStringLiteral("the watch connection dropped: %1").arg(reply->errorString());
    retryLater(why, false);
}

void ResourceWatcher::retryLater(const QString &why, bool relistAfter)
{
    ++m_failures;
    const int base = std::min(kMaxBackoffMs, 500 << std::min(m_failures - 1, 6));
    const int delay = base / 2 + int(QRandomGenerator::global()->bounded(base / 2 + 1));
    setState(State::Reconnecting,
             QStringLiteral("%1; retrying in %2 s").arg(why).arg(delay / 1000.0, 0, 'f', 1));
    m_retryTimer.disconnect(this);
    connect(&m_retryTimer, &QTimer::timeout, this, [this, relistAfter] {
        if (!m_running)
            return;
        if (relistAfter || m_resourceVersion.isEmpty())
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
    b.upserts.reserve(m_order.size());
    for (const QString &name : std::as_const(m_order))
        b.upserts.append(m_upserts.value(name));
    if (m_transform) {
        b.derived.reserve(b.upserts.size());
        b.names.reserve(b.upserts.size());
        for (const QJsonObject &o : std::as_const(b.upserts)) {
            b.derived.append(m_transform(o));
            b.names.append(nameOf(o));
        }
        // The receiver gets what it asked for, not the objects as well: freeing thousands of JSON
        // trees is work its (GUI) thread need not do.
        b.upserts.clear();
    }
    b.deletions = QStringList(m_deleted.cbegin(), m_deleted.cend());
    m_upserts.clear();
    m_order.clear();
    m_deleted.clear();
    if (m_filter)
        m_filter(b);
    Q_EMIT batch(b);
}

} // namespace ragdr::core
