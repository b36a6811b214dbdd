#pragma once

#include "kubetable.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QObject>

#include <deque>
#include <functional>

namespace ragdr::sandbox {

// One write to the store, as a watch reports it.
struct KubeChange
{
    qint64 resourceVersion = 0;
    KubeResource resource = KubeResource::Pods;
    QByteArray type; // ADDED, MODIFIED, DELETED
    QJsonObject object;
    QJsonObject previous; // MODIFIED: the object before, so a watch can tell it left its selector
};

// The simulated cluster's objects, like etcd behind kube-apiserver: one resourceVersion counter
// for everything, objects listed in key order, and a bounded history of changes so that a watch
// can resume after a resourceVersion or be told (410 Expired) that it is too old.
class KubeStore final : public QObject
{
    Q_OBJECT

public:
    using Clock = std::function<QDateTime()>;

    explicit KubeStore(Clock clock, QObject *parent = nullptr);

    qint64 resourceVersion() const { return m_resourceVersion; }
    QDateTime now() const { return m_clock(); }

    // Keyed "namespace/name" ("/name" for cluster-scoped objects), in key order.
    const QMap<QString, QJsonObject> &objects(KubeResource resource) const;
    QJsonObject get(KubeResource resource, const QString &ns, const QString &name) const;
    QJsonObject get(KubeResource resource, const QString &key) const;
    bool contains(KubeResource resource, const QString &key) const;

    // Set uid, resourceVersion, creationTimestamp (when unset) and store; returns what was stored.
    QJsonObject create(KubeResource resource, QJsonObject object);
    // Replaces an existing object with a new resourceVersion. An unchanged object is not written.
    QJsonObject update(KubeResource resource, QJsonObject object);
    void remove(KubeResource resource, const QString &key);

    // Whether the history still holds every change after resourceVersion.
    bool canReplayFrom(qint64 resourceVersion) const;
    // The changes with a resourceVersion greater than the one given, oldest first.
    QList<KubeChange> changesAfter(qint64 resourceVersion) const;
    // Forgets the history (the watch-expire fault): every resume must relist.
    void dropHistory();
    void setHistoryLimit(qsizetype limit) { m_historyLimit = limit; }

    static QString keyOf(const QJsonObject &object);
    static QString key(const QString &ns, const QString &name)
    {
        return ns + QLatin1Char('/') + name;
    }

Q_SIGNALS:
    void changed(const KubeChange &change);
    void historyDropped();

private:
    void record(KubeChange change);

    Clock m_clock;
    qint64 m_resourceVersion = 1000;
    QHash<KubeResource, QMap<QString, QJsonObject>> m_objects;
    std::deque<KubeChange> m_history;
    qint64 m_historyFloor = 0; // every change after this resourceVersion is in m_history
    qsizetype m_historyLimit = 20000;
};

} // namespace ragdr::sandbox
