#include "kubeconnections.h"

namespace ragdr::core {

KubeConnections::KubeConnections(Profile profile)
    : m_profile(std::move(profile))
{}

Result<std::shared_ptr<KubeConnection>> KubeConnections::forRegion(const QString &region)
{
    const Region *r = region.isEmpty() ? &m_profile.regions.constFirst() : m_profile.region(region);
    if (!r) {
        return fail(
            Error::badInput(QStringLiteral("the profile has no region \"%1\" (it has: %2)")
                                .arg(region, m_profile.regionNames().join(QStringLiteral(", ")))));
    }
    QMutexLocker locker(&m_mutex);
    if (auto it = m_connections.constFind(r->name); it != m_connections.cend())
        return *it;
    auto opened = KubeConnection::open(r->kube);
    if (!opened)
        return fail(opened.error().prefixed(QStringLiteral("region %1").arg(r->name)));
    m_connections.insert(r->name, *opened);
    return *opened;
}

} // namespace ragdr::core
