#pragma once

#include "kubeconnection.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QVariant>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace ragdr::core {

// Changes to a watched collection since the last batch. After a (re)list, reset is set and
// upserts hold every object there is.
struct WatchBatch
{
    bool reset = false;
    QList<QJsonObject> upserts; // the objects added or changed; empty when a transform is set
    QList<QVariant> derived;    // with a transform: transform(object) of each, instead
    QStringList names;          // with a transform: their metadata.name, in the same order
    QStringList deletions;      // metadata.name of objects that went away
    QString resourceVersion;
    QString source; // the watcher's path and selector: batches of several watchers stay apart
};

// The objects of one collection as the API server has them, kept by applying batches.
class ResourceStore final
{
public:
    void apply(const WatchBatch &batch);
    const QHash<QString, QJsonObject> &objects() const { return m_objects; }

private:
    QHash<QString, QJsonObject> m_objects;
};

// Lists a namespaced collection (paged) and then watches it from the list's resourceVersion,
// with bookmarks; relists on 410 Expired/Gone, reconnects with jittered exponential backoff after
// a dropped stream or a 5xx, and re-reads credentials after a 401, as client-go's reflector does.
// Lives on a worker thread; changes leave in batches at most every 100 ms, so that a storm of
// events costs the receiving (GUI) thread one update per batch.
class ResourceWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceWatcher)

public:
    enum class State { Idle, Listing, Watching, Reconnecting };
    Q_ENUM(State)

    using Transform = std::function<QVariant(const QJsonObject &)>;

    // path: e.g. /api/v1/namespaces/rag-prod/pods; selector: labelSelector/fieldSelector items.
    ResourceWatcher(std::shared_ptr<KubeConnection> connection,
                    QString path,
                    QUrlQuery selector,
                    QObject *parent = nullptr);
    ~ResourceWatcher() override;

    // Work done on this thread for each upserted object (e.g. deriving a table row), so that the
    // receiver does not have to.
    void setTransform(Transform transform) { m_transform = std::move(transform); }
    // Last work on each batch before it leaves, on this thread: e.g. keeping only what the
    // receiver will show of a relist of tens of thousands of objects.
    using BatchFilter = std::function<void(WatchBatch &)>;
    void setBatchFilter(BatchFilter filter) { m_filter = std::move(filter); }

    // Call on the watcher's thread (QMetaObject::invokeMethod).
    void start();
    void stop();

    State state() const { return m_state; }
    int relists() const { return m_relists; }

Q_SIGNALS:
    void batch(const ragdr::core::WatchBatch &batch);
    // detail: why it reconnects, or the error; empty when all is well.
    void stateChanged(ragdr::core::ResourceWatcher::State state, const QString &detail);

private:
    void list(const QString &continueToken);
    void watch();
    void onWatchData();
    void onWatchFinished();
    void handleEvent(const QByteArray &line);
    void relist(const QString &why);
    void retryLater(const QString &why, bool relistAfter);
    void setState(State state, const QString &detail = {});
    void flush();
    QNetworkReply *send(const KubeRequest &request, QString *error);

    std::shared_ptr<KubeConnection> m_connection;
    QString m_path;
    QUrlQuery m_selector;
    Transform m_transform;
    BatchFilter m_filter;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_pending;
    QString m_resourceVersion;
    QList<QJsonObject> m_listed;
    // Pending changes, last one per name wins.
    QHash<QString, QJsonObject> m_upserts;
    QStringList m_order;
    QSet<QString> m_deleted;
    bool m_resetPending = false;
    bool m_relistRequested = false;
    bool m_running = false;
    int m_failures = 0;
    int m_relists = 0;
    quint64 m_serial = 0;
    State m_state = State::Idle;
    QTimer m_flushTimer;
    QTimer m_retryTimer;
};

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::WatchBatch)
