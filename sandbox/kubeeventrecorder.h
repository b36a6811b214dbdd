#pragma once

#include "kubestore.h"
#include "simclock.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace ragdr::sandbox {

// core/v1 Events as the drill's scheduler, kubelets and controllers write them, with the event
// correlator's rule (the same event again raises the count of the one recorded) and a limit in
// place of kube-apiserver's --event-ttl.
class KubeEventRecorder final : public QObject
{
    Q_OBJECT

public:
    KubeEventRecorder(KubeStore &store, const SimClock &clock, QObject *parent = nullptr);

    void record(const QJsonObject &involved,
                const QString &fieldPath,
                const QString &type,
                const QString &reason,
                const QString &message,
                const QString &component,
                const QString &host = {});

private:
    void onChanged(const KubeChange &change);

    KubeStore &m_store;
    const SimClock &m_clock;
    QHash<QString, QString> m_keys; // dedup key -> event key
    QList<QString> m_order;
};

} // namespace ragdr::sandbox
