#pragma once

#include "fieldselector.h"
#include "httpconnection.h"
#include "kubestore.h"
#include "labelselector.h"

#include "kubetable.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

namespace ragdr::sandbox {

struct KubeWatchOptions
{
    KubeResource resource = KubeResource::Pods;
    QString kind;       // "Pod": the kind a BOOKMARK names
    QString apiVersion; // "v1"
    QString ns;         // empty: every namespace
    LabelSelector labels;
    FieldSelector fields;
    bool table = false; // events carry one-row Tables, as `kubectl get -w` asks
    KubeTableOptions tableOptions;
    bool bookmarks = false;
    bool initialEventsEnd = false; // sendInitialEvents=true: a BOOKMARK marks the end of the state
    int timeoutSeconds = 0;        // 0: the server's own limit
    bool stalled = false;          // the watch-stall fault: the stream opens and nothing follows
};

// One `?watch=true` response: a chunked stream of {"type":...,"object":...} lines, one per
// change, that starts with the current objects (resourceVersion "" or "0") or with the history
// after a resourceVersion, and ends on timeout, on a dropped history (ERROR 410 Expired, so
// that the client relists) or when the client goes away.
class KubeWatch final : public QObject
{
    Q_OBJECT

public:
    KubeWatch(KubeStore &store,
              HttpConnection *connection,
              KubeWatchOptions options,
              QObject *parent = nullptr);

    // nullopt: send the current state as ADDED first. Otherwise replay what followed it; the
    // caller has checked that the store can.
    void start(std::optional<qint64> afterResourceVersion);

    static QJsonObject expiredStatus(const QString &message);

    // The watch-stall fault: from now on the connection stays open and nothing is sent on it (no
    // event, no bookmark, no end), as behind a proxy or load balancer that lost its upstream.
    void stall();

private:
    bool selects(const QJsonObject &object) const;
    void onChanged(const KubeChange &change);
    void send(const QByteArray &type, const QJsonObject &object);
    void sendBookmark(bool initialEventsEnd);
    void expire();
    void finish();

    KubeStore &m_store;
    QPointer<HttpConnection> m_connection;
    KubeWatchOptions m_options;
    QTimer m_timeout;
    QTimer m_bookmarkTimer;
    bool m_columnsSent = false;
    bool m_finished = false;
    bool m_stalled = false;
};

} // namespace ragdr::sandbox
