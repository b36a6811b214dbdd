#include "kubeeventrecorder.h"

#include "kubeobject.h"

#include "core/cluster/kubetime.h"

#include <QRandomGenerator>

namespace ragdr::sandbox {

namespace kubetime = core::kubetime;
using kubeobject::meta;

namespace {
constexpr int kMaxEvents = 20000; // kept like events' TTL would keep them
} // namespace

KubeEventRecorder::KubeEventRecorder(KubeStore &store, const SimClock &clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
{
    connect(&m_store, &KubeStore::changed, this, &KubeEventRecorder::onChanged);
}

void KubeEventRecorder::onChanged(const KubeChange &change)
{
    if (change.resource == KubeResource::Events && change.type == "DELETED")
        m_order.removeOne(KubeStore::keyOf(change.object));
}

void KubeEventRecorder::record(const QJsonObject &involved,
                               const QString &fieldPath,
                               const QString &type,
                               const QString &reason,
                               const QString &message,
                               const QString &component,
                               const QString &host)
{
    const QJsonObject m = meta(involved);
    const QString uid = m.value(QLatin1String("uid")).toString();
    const QString dedup = uid + QLatin1Char('\n') + fieldPath + QLatin1Char('\n') + reason
                          + QLatin1Char('\n') + message;
    const QString nowText = kubetime::format(m_clock.now());
    // The event correlator: the same event again raises the count of the one recorded.
    if (const QString existing = m_keys.value(dedup); !existing.isEmpty()) {
        QJsonObject event = m_store.get(KubeResource::Events, existing);
        if (!event.isEmpty()) {
            event.insert(QStringLiteral("count"), event.value(QLatin1String("count")).toInt(1) + 1);
            event.insert(QStringLiteral("lastTimestamp"), nowText);
            m_store.update(KubeResource::Events, event);
            return;
        }
    }
    QString kind = involved.value(QLatin1String("kind")).toString();
    QString apiVersion = involved.value(QLatin1String("apiVersion")).toString();
    QJsonObject involvedObject{{QStringLiteral("kind"), kind},
                               {QStringLiteral("namespace"), m.value(QLatin1String("namespace"))},
                               {QStringLiteral("name"), m.value(QLatin1String("name"))},
                               {QStringLiteral("uid"), uid},
                               {QStringLiteral("apiVersion"), apiVersion},
                               {QStringLiteral("resourceVersion"),
                                m.value(QLatin1String("resourceVersion"))}};
    if (!fieldPath.isEmpty())
        involvedObject.insert(QStringLiteral("fieldPath"), fieldPath);
    QJsonObject source{{QStringLiteral("component"), component}};
    if (!host.isEmpty())
        source.insert(QStringLiteral("host"), host);
    const QString name
        = QStringLiteral("%1.%2")
              .arg(m.value(QLatin1String("name")).toString())
              .arg(m_clock.nowMs() * 1000 + QRandomGenerator::global()->bounded(1000), 0, 16);
    const QJsonObject event{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                            {QStringLiteral("kind"), QStringLiteral("Event")},
                            {QStringLiteral("metadata"),
                             QJsonObject{{QStringLiteral("name"), name},
                                         {QStringLiteral("namespace"),
                                          m.value(QLatin1String("namespace"))},
                                         {QStringLiteral("creationTimestamp"), nowText}}},
                            {QStringLiteral("involvedObject"), involvedObject},
                            {QStringLiteral("reason"), reason},
                            {QStringLiteral("message"), message},
                            {QStringLiteral("source"), source},
                            {QStringLiteral("firstTimestamp"), nowText},
                            {QStringLiteral("lastTimestamp"), nowText},
                            {QStringLiteral("count"), 1},
                            {QStringLiteral("type"), type},
                            {QStringLiteral("eventTime"), QJsonValue::Null},
                            {QStringLiteral("reportingComponent"), component},
                            {QStringLiteral("reportingInstance"), host}};
    const QString key = KubeStore::keyOf(m_store.create(KubeResource::Events, event));
    m_keys.insert(dedup, key);
    m_order.append(key);
    // Old events expire (kube-apiserver's --event-ttl); here the oldest go past a count.
    while (m_order.size() > kMaxEvents) {
        const QString oldest = m_order.takeFirst();
        m_store.remove(KubeResource::Events, oldest);
    }
    if (m_keys.size() > kMaxEvents * 2) {
        for (auto it = m_keys.begin(); it != m_keys.end();) {
            if (!m_store.contains(KubeResource::Events, it.value()))
                it = m_keys.erase(it);
            else
                ++it;
        }
    }
}

} // namespace ragdr::sandbox
