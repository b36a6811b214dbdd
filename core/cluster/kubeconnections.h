#pragma once

#include "kubeconnection.h"

#include "core/profile/profile.h"

#include <QHash>
#include <QMutex>

#include <memory>

namespace ragdr::core {

// The API server connection of each region of a profile, opened on first use and shared by
// every operation and watcher, so that an exec plugin's credential is obtained once per context.
// Thread-safe.
class KubeConnections final
{
public:
    explicit KubeConnections(Profile profile);

    // An empty region means the profile's first.
    Result<std::shared_ptr<KubeConnection>> forRegion(const QString &region);

private:
    Profile m_profile;
    QMutex m_mutex;
    QHash<QString, std::shared_ptr<KubeConnection>> m_connections;
};

} // namespace ragdr::core
