#pragma once

#include <QString>

namespace ragdr::core::kubepaths {

// The REST paths of the namespaced resources ragdr reads and changes.
inline QString pods(const QString &ns)
{
    return QStringLiteral("/api/v1/namespaces/%1/pods").arg(ns);
}
inline QString pod(const QString &ns, const QString &name)
{
    return pods(ns) + QLatin1Char('/') + name;
}
inline QString events(const QString &ns)
{
    return QStringLiteral("/api/v1/namespaces/%1/events").arg(ns);
}
inline QString services(const QString &ns)
{
    return QStringLiteral("/api/v1/namespaces/%1/services").arg(ns);
}
inline QString configMaps(const QString &ns)
{
    return QStringLiteral("/api/v1/namespaces/%1/configmaps").arg(ns);
}
inline QString secrets(const QString &ns)
{
    return QStringLiteral("/api/v1/namespaces/%1/secrets").arg(ns);
}
inline QString deployments(const QString &ns)
{
    return QStringLiteral("/apis/apps/v1/namespaces/%1/deployments").arg(ns);
}
inline QString deployment(const QString &ns, const QString &name)
{
    return deployments(ns) + QLatin1Char('/') + name;
}
inline QString scale(const QString &ns, const QString &name)
{
    return deployment(ns, name) + QStringLiteral("/scale");
}
inline QString selfSubjectAccessReviews()
{
    return QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
}

} // namespace ragdr::core::kubepaths
