#pragma once

#include "kubetable.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace ragdr::sandbox {

// What a request path names: /api/v1/namespaces/NS/pods/NAME/log, /apis/apps/v1/deployments ...
struct KubeResourcePath
{
    struct Info
    {
        KubeResource resource = KubeResource::Pods;
        QString group;
        QString version;
        QString plural;
        QString kind;
        bool namespaced = true;

        QString qualified() const;  // "deployments.apps", "pods": how errors name the resource
        QString apiVersion() const; // "apps/v1", "v1"
    };

    Info info;
    QString ns;
    QString name;
    QString subresource;

    // "pods" or "deployments/scale", as RBAC names it.
    QString resource() const
    {
        return subresource.isEmpty() ? info.plural : info.plural + QLatin1Char('/') + subresource;
    }

    // The path's segments; nullopt for a resource the drill does not serve.
    static std::optional<KubeResourcePath> parse(const QStringList &segments);
};

} // namespace ragdr::sandbox
