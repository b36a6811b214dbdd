#include "kubewatch.h"

#include <QJsonDocument>

namespace ragdr::sandbox {

namespace {

// kube-apiserver ends a watch after --min-request-timeout (30 min, randomised); clients renew.
constexpr int kDefaultTimeoutSeconds = 1800;
// kube-apiserver sends one about every minute; the drill, whose clock runs fast, every second.
constexpr int kBookmarkIntervalMs = 1000;
// A client that stops reading gets dropped instead of growing the server's memory.
constexpr qint64 kMaxPendingBytes = 64LL * 1024 * 1024;

QJsonObject labelsOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("labels"))
        .toObject();
}

} // namespace

KubeWatch::KubeWatch(KubeStore &store,
                     HttpConnection *connection,
                     KubeWatchOptions options,
                     QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_connection(connection)
    , m_options(std::move(options))
{
    connect(connection, &HttpConnection::closed, this, &KubeWatch::finish);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (m_connection)
            m_connection->endStream();
        finish();
    });
    connect(&m_bookmarkTimer, &QTimer::timeout, this, [this] { sendBookmark(false); });
}

QJsonObject KubeWatch::expiredStatus(const QString &message)
{
    return {{QStringLiteral("kind"), QStringLiteral("Status")},
            {QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("metadata"), QJsonObject()},
            {QStringLiteral("status"), QStringLiteral("Failure")},
            {QStringLiteral("message"), message},
            {QStringLiteral("reason"), QStringLiteral("Expired")},
            {QStringLiteral("code"), 410}};
}

void KubeWatch::stall()
{
    m_stalled = true;
    m_timeout.stop();
    m_bookmarkTimer.stop();
    disconnect(&m_store, nullptr, this, nullptr);
}

void KubeWatch::start(std::optional<qint64> afterResourceVersion)
{
    m_connection->beginStream(200, "application/json");
    if (m_options.stalled) {
        stall();
        return;
    }
    if (!afterResourceVersion) {
        for (const QJsonObject &object : m_store.objects(m_options.resource)) {
            if (selects(object))
                send("ADDED", object);
        }
        if (m_options.initialEventsEnd)
            sendBookmark(true);
    } else {
        for (const KubeChange &change : m_store.changesAfter(*afterResourceVersion))
            onChanged(change);
    }
    connect(&m_store, &KubeStore::changed, this, &KubeWatch::onChanged);
    connect(&m_store, &KubeStore::historyDropped, this, &KubeWatch::expire);
    m_timeout.start(
        (m_options.timeoutSeconds > 0 ? m_options.timeoutSeconds : kDefaultTimeoutSeconds) * 1000);
    if (m_options.bookmarks && !m_options.table)
        m_bookmarkTimer.start(kBookmarkIntervalMs);
}

bool KubeWatch::selects(const QJsonObject &object) const
{
    if (!m_options.ns.isEmpty()
        && object.value(QLatin1String("metadata"))
                   .toObject()
                   .value(QLatin1String("namespace"))
                   .toString()
               != m_options.ns) {
        return false;
    }
    return m_options.labels.matches(labelsOf(object)) && m_options.fields.matches(object);
}

void KubeWatch::onChanged(const KubeChange &change)
{
    if (m_finished || change.resource != m_options.resource)
        return;
    const bool now = selects(change.object);
    if (change.type == "MODIFIED") {
        const bool before = selects(change.previous);
        if (now && before) {
            send("MODIFIED", change.object);
        } else if (now) {
            send("ADDED", change.object);
        } else if (before) {
            // It left the selector: for this watch it is gone, as the watch cache reports it.
            QJsonObject gone = change.previous;
            QJsonObject meta = gone.value(QLatin1String("metadata")).toObject();
            meta.insert(QStringLiteral("resourceVersion"), QString::number(change.resourceVersion));
            gone.insert(QStringLiteral("metadata"), meta);
            send("DELETED", gone);
        }
        return;
    }
    if (now)
        send(change.type, change.object);
}

void KubeWatch::send(const QByteArray &type, const QJsonObject &object)
{
    if (!m_connection || m_finished)
        return;
    if (m_connection->pendingBytes() > kMaxPendingBytes) {
        m_connection->abort();
        finish();
        return;
    }
    QJsonObject payload = object;
    if (m_options.table) {
        KubeTableOptions options = m_options.tableOptions;
        // Only the first event carries the columns; kubectl reuses them.
        options.includeColumns = !m_columnsSent;
        options.resourceVersion = object.value(QLatin1String("metadata"))
                                      .toObject()
                                      .value(QLatin1String("resourceVersion"))
                                      .toString();
        payload = KubeTable::build(m_options.resource, {object}, m_store.now(), options);
        m_columnsSent = true;
    }
    const QJsonObject event{{QStringLiteral("type"), QString::fromLatin1(type)},
                            {QStringLiteral("object"), payload}};
    m_connection->writeChunk(QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n');
}

void KubeWatch::sendBookmark(bool initialEventsEnd)
{
    if (!m_connection || m_finished || (!m_options.bookmarks && !initialEventsEnd))
        return;
    QJsonObject meta{
        {QStringLiteral("resourceVersion"), QString::number(m_store.resourceVersion())}};
    if (initialEventsEnd)
        meta.insert(QStringLiteral("annotations"),
                    QJsonObject{
                        {QStringLiteral("k8s.io/initial-events-end"), QStringLiteral("true")}});
    const QJsonObject object{{QStringLiteral("kind"), m_options.kind},
                             {QStringLiteral("apiVersion"), m_options.apiVersion},
                             {QStringLiteral("metadata"), meta}};
    const QJsonObject event{{QStringLiteral("type"), QStringLiteral("BOOKMARK")},
                            {QStringLiteral("object"), object}};
    m_connection->writeChunk(QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n');
}

void KubeWatch::expire()
{
    if (!m_connection || m_finished)
        return;
    const QJsonObject event{{QStringLiteral("type"), QStringLiteral("ERROR")},
                            {QStringLiteral("object"),
                             expiredStatus(QStringLiteral(
                                 "The resourceVersion for the provided watch is too old."))}};
    m_connection->writeChunk(QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n');
    m_connection->endStream();
    finish();
}

void KubeWatch::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    m_bookmarkTimer.stop();
    disconnect(&m_store, nullptr, this, nullptr);
    deleteLater();
}

} // namespace ragdr::sandbox
