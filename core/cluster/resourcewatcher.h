#pragma once

#include "kubeconnection.h"

#include "core/base/backoff.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QVariant>

#include <chrono>
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
// with bookmarks, as client-go's reflector does: relists on 410 Expired/Gone, re-reads credentials
// after a 401, and after any failure tries again with the reflector's backoff (Backoff: 0.8 s
// doubling to 30 s, reset after two healthy minutes). Failures include what a server in trouble
// does without saying so: a watch that stays open but silent (no event, no bookmark) for longer
// than the inactivity timeout, a watch that ends at once with nothing in it, an ERROR event.
//
// Lives on a worker thread and never blocks it: when a credential takes an exec plugin run, the
// request waits for the provider's refresh instead. Changes leave in batches at most every
// 100 ms, so that a storm of events costs the receiving (GUI) thread one update per batch.
class ResourceWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceWatcher)

public:
    enum class State { Idle, Listing, Watching, Reconnecting };
    Q_ENUM(State)

    // client-go's reflector (NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0)).
    static constexpr Backoff::Policy kRetryPolicy{std::chrono::milliseconds(800),
                                                  std::chrono::seconds(30),
                                                  std::chrono::minutes(2)};
    // kube-apiserver sends a bookmark about every minute to a watch that asked for them: a watch
    // silent for half as long again is not coming back.
    static constexpr std::chrono::milliseconds kInactivityTimeout{90000};

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
    // Before start(): how long a watch may stay silent.
    void setInactivityTimeout(std::chrono::milliseconds timeout) { m_inactivity = timeout; }

    // Call on the watcher's thread (QMetaObject::invokeMethod).
    void start();
    void stop();

    State state() const { return m_state; }
    int relists() const { return m_relists; }
    int failures() const { return m_backoff.failures(); }

Q_SIGNALS:
    void batch(const ragdr::core::WatchBatch &batch);
    // detail: why it reconnects, or the error; empty when all is well. httpStatus: the status
    // that made it reconnect (403: the feed is denied), 0 for anything else.
    void stateChanged(ragdr::core::ResourceWatcher::State state,
                      const QString &detail,
                      int httpStatus);
    // The server sent news (an event, a bookmark, a list page; not mere headers): at most once
    // a second.
    void heard(const QDateTime &at);

private:
    enum class After { Relist, Rewatch };
    // Why this side ended a watch it had open.
    enum class Ending { None, Expired, ErrorEvent, Silent };

    void list(const QString &continueToken);
    void watch();
    void onWatchData();
    void onWatchFinished();
    void onSilence();
    void handleEvent(const QByteArray &line);
    void relist(const QString &why);
    void failed(const QString &why, int httpStatus, After after);
    void setState(State state, const QString &detail = {}, int httpStatus = 0);
    void flush();
    void noteHeard();
    // Sends once a credential is at hand: at once when the provider has one, else when its
    // refresh ends. On a credential error it fails (and retries) with `after`.
    void send(const KubeRequest &request,
              After after,
              const std::function<void(QNetworkReply *)> &sent);
    void sendWith(const KubeRequest &request,
                  const Result<Credential> &credential,
                  After after,
                  const std::function<void(QNetworkReply *)> &sent);

    std::shared_ptr<KubeConnection> m_connection;
    QString m_path;
    QUrlQuery m_selector;
    Transform m_transform;
    BatchFilter m_filter;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<QFutureWatcher<Result<Credential>>> m_credentialWait;
    std::shared_ptr<void> m_credentialInterest;
    QByteArray m_pending;
    QString m_resourceVersion;
    // What arrives is derived (m_transform) as it arrives, and only that is held: a list of
    // thousands of pods never holds their JSON all at once. Without a transform, the object.
    QVariant pending(const QJsonObject &object) const;
    QList<std::pair<QString, QVariant>> m_listed;
    // Pending changes, last one per name wins; m_order may name one twice or one since deleted.
    QHash<QString, QVariant> m_upserts;
    QStringList m_order;
    QSet<QString> m_deleted;
    bool m_resetPending = false;
    bool m_running = false;
    Ending m_ending = Ending::None;
    QString m_endingDetail;
    int m_endingStatus = 0;
    int m_eventsThisWatch = 0;
    QElapsedTimer m_watchAge;
    QElapsedTimer m_sinceHeardSignal;
    std::chrono::milliseconds m_inactivity = kInactivityTimeout;
    Backoff m_backoff{kRetryPolicy};
    int m_relists = 0;
    quint64 m_serial = 0;
    State m_state = State::Idle;
    QTimer m_flushTimer;
    QTimer m_retryTimer;
    QTimer m_silenceTimer;
};

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::WatchBatch)
