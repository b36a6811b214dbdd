#pragma once

#include "httpconnection.h"
#include "kuberbac.h"

namespace ragdr::sandbox {

// SelfSubjectAccessReview ("may I?"), as the console asks before it scales and as `kubectl auth
// can-i` asks in protobuf: allowed unless the drill's RBAC fault denies it.
class KubeAccessReview final
{
public:
    static void answer(HttpConnection *connection,
                       const HttpRequest &request,
                       const KubeRbac &rbac,
                       const QString &user);
};

} // namespace ragdr::sandbox
