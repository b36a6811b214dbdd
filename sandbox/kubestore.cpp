#include "kubestore.h"

#include "core/cluster/kubetime.h"

#include <QUuid>

#include <algorithm>

namespace ragdr::sandbox {

namespace {

QJsonObject withMetadata(QJsonObject object, const QJsonObject &metadata)
{
    object.insert(QStringLiteral("metadata"), metadata);
    return object;
}

} // namespace

KubeStore::KubeStore(Clock clock, QObject *parent)
    : QObject(parent)
    , m_clock(std::move(clock))
{}

QString KubeStore::keyOf(const QJsonObject &object)
{
    const QJsonObject meta = object.value(QLatin1String("metadata")).toObject();
    return key(meta.value(QLatin1String("namespace")).toString(),
               meta.value(QLatin1String("name")).toString());
}

const QMap<QString, QJsonObject> &KubeStore::objects(KubeResource resource) const
{
    static const QMap<QString, QJsonObject> empty;
    const auto it = m_objects.constFind(resource);
    return it == m_objects.cend() ? empty : it.value();
}

QJsonObject KubeStore::get(KubeResource resource, const QString &ns, const QString &name) const
{
    return get(resource, key(ns, name));
}

QJsonObject KubeStore::get(KubeResource resource, const QString &k) const
{
    return objects(resource).value(k);
}

bool KubeStore::contains(KubeResource resource, const QString &k) const
{
    return objects(resource).contains(k);
}

QJsonObject KubeStore::create(KubeResource resource, QJsonObject object)
{
    QJsonObject meta = object.value(QLatin1String("metadata")).toObject();
    meta.insert(QStringLiteral("uid"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    meta.insert(QStringLiteral("resourceVersion"), QString::number(++m_resourceVersion));
    if (meta.value(QLatin1String("creationTimestamp")).toString().isEmpty())
        meta.insert(QStringLiteral("creationTimestamp"), core::kubetime::format(m_clock()));
    object = withMetadata(object, meta);
    m_objects[resource].insert(keyOf(object), object);
    record({m_resourceVersion, resource, "ADDED", object, {}});
    return object;
}

QJsonObject KubeStore::update(KubeResource resource, QJsonObject object)
{
    const QString k = keyOf(object);
    auto &map = m_objects[resource];
    const auto it = map.find(k);
    if (it == map.end())
        return create(resource, object);
    const QJsonObject previous = it.value();
    QJsonObject meta = object.value(QLatin1String("metadata")).toObject();
    meta.insert(QStringLiteral("resourceVersion"),
                previous.value(QLatin1String("metadata"))
                    .toObject()
                    .value(QLatin1String("resourceVersion")));
    object = withMetadata(object, meta);
    if (object == previous)
        return previous;
    meta.insert(QStringLiteral("resourceVersion"), QString::number(++m_resourceVersion));
    object = withMetadata(object, meta);
    it.value() = object;
    record({m_resourceVersion, resource, "MODIFIED", object, previous});
    return object;
}

void KubeStore::remove(KubeResource resource, const QString &k)
{
    auto &map = m_objects[resource];
    const auto it = map.find(k);
    if (it == map.end())
        return;
    QJsonObject object = it.value();
    map.erase(it);
    // A DELETED event carries the object at the resourceVersion of its deletion.
    QJsonObject meta = object.value(QLatin1String("metadata")).toObject();
    meta.insert(QStringLiteral("resourceVersion"), QString::number(++m_resourceVersion));
    object = withMetadata(object, meta);
    record({m_resourceVersion, resource, "DELETED", object, {}});
}

void KubeStore::record(KubeChange change)
{
    m_history.push_back(change);
    while (qsizetype(m_history.size()) > m_historyLimit) {
        m_historyFloor = m_history.front().resourceVersion;
        m_history.pop_front();
    }
    Q_EMIT changed(change);
}

bool KubeStore::canReplayFrom(qint64 resourceVersion) const
{
    return resourceVersion >= m_historyFloor;
}

QList<KubeChange> KubeStore::changesAfter(qint64 resourceVersion) const
{
    const auto first = std::upper_bound(m_history.begin(),
                                        m_history.end(),
                                        resourceVersion,
                                        [](qint64 rv, const KubeChange &c) {
                                            return rv < c.resourceVersion;
                                        });
    return QList<KubeChange>(first, m_history.end());
}

void KubeStore::dropHistory()
{
    m_history.clear();
    m_historyFloor = m_resourceVersion;
    Q_EMIT historyDropped();
}

} // namespace ragdr::sandbox
