#pragma once

#include "httpconnection.h"
#include "kuberesourcepath.h"

#include <QStringList>

namespace ragdr::sandbox {

// The drill's RBAC: everything is allowed but what a fault denies, as rules
// "verb:resource[/subresource]" with "*" for any verb or resource.
class KubeRbac final
{
public:
    void setDenied(const QStringList &rules) { m_denied = rules; }
    QStringList denied() const { return m_denied; }

    bool denies(const QString &verb, const QString &resource) const;
    // 403 as kube-apiserver words it: pods "x" is forbidden: User "u" cannot get resource ...
    static void refuse(HttpConnection *connection,
                       const QString &verb,
                       const KubeResourcePath &target,
                       const QString &user);

private:
    QStringList m_denied;
};

} // namespace ragdr::sandbox
