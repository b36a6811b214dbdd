#pragma once

#include "core/ops/progress.h"
#include "core/profile/profile.h"

#include <QJsonObject>
#include <QStringList>

namespace ragdr::core {

class KubeConnections;
struct Incident;

// What a check gets to run with: the profile, the regions to look at (each of the profile's
// unless one was chosen), the shared Kubernetes connections, its progress and cancel, and the
// evidence of its own previous run, so that it can say what changed; the open incident, if any.
struct CheckContext
{
    const Profile &profile;
    KubeConnections &kube;
    QStringList regions;
    Progress progress;
    QJsonObject previous;
    const Incident *incident = nullptr;
};

} // namespace ragdr::core
