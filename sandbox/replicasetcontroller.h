#pragma once

#include "kubeeventrecorder.h"
#include "kubestore.h"
#include "simclock.h"

#include <QHash>
#include <QObject>
#include <QSet>

namespace ragdr::sandbox {

// kube-controller-manager's ReplicaSet controller for one simulated cluster: creates and deletes
// pods towards each ReplicaSet's replicas (in bursts, so that 5,000 take seconds; deletions by
// ActivePodsWithRanks), writes its status, and deletes the pods of a ReplicaSet that went
// (background propagation). Its counts follow every pod write incrementally instead of being
// recounted over thousands of pods each tick.
class ReplicaSetController final : public QObject
{
    Q_OBJECT

public:
    struct Counts
    {
        int replicas = 0;
        int ready = 0;
        int available = 0;
    };

    ReplicaSetController(KubeStore &store,
                         const SimClock &clock,
                         KubeEventRecorder &events,
                         QObject *parent = nullptr);

    void sync(const QString &key);
    void writeStatus(const QString &key);
    void collectGarbage();
    // While the cluster is seeded: every pod at once, not in bursts.
    void setBulk(bool bulk) { m_bulk = bulk; }

    Counts counts(const QString &replicaSetKey) const { return m_counts.value(replicaSetKey); }
    // Pods of it still exist (terminating ones too).
    bool hasPods(const QString &replicaSetKey) const
    {
        return !m_podsByReplicaSet.value(replicaSetKey).isEmpty();
    }

private:
    // What a pod adds to its ReplicaSet's counts, kept per pod.
    struct PodFlags
    {
        QString replicaSet;
        bool counted = false; // neither deleting nor finished
        bool ready = false;
    };

    void onChanged(const KubeChange &change);
    QJsonObject newPodFor(const QJsonObject &replicaSet);

    KubeStore &m_store;
    const SimClock &m_clock;
    KubeEventRecorder &m_events;
    bool m_bulk = false;
    QHash<QString, QSet<QString>> m_podsByReplicaSet;
    QHash<QString, PodFlags> m_podFlags;
    QHash<QString, Counts> m_counts;
    QSet<QString> m_orphanedPods;
};

} // namespace ragdr::sandbox
