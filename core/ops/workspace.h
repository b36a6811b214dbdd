#pragma once

#include "operationrunner.h"

#include "core/base/error.h"
#include "core/cluster/kubeconnections.h"
#include "core/incident/journal.h"
#include "core/profile/profile.h"

#include <memory>

namespace ragdr::core {

// A loaded profile and what runs against it: the journal in its data directory and the one
// operation runner. The console and the CLI each open one.
class Workspace final
{
public:
    static Result<std::unique_ptr<Workspace>> open(const QString &profilePath);
    static std::unique_ptr<Workspace> forProfile(Profile profile);

    const Profile &profile() const { return m_profile; }
    OperationRunner &runner() { return *m_runner; }
    Journal &journal() { return *m_journal; }
    KubeConnections &kube() { return *m_kube; }
    QString dataDir() const { return m_dataDir; }

    // The profile's data_dir, else $RAGDR_DATA_DIR, else the user's data directory.
    static QString dataDirFor(const Profile &profile);

private:
    Workspace() = default;
    Profile m_profile;
    QString m_dataDir;
    std::shared_ptr<Journal> m_journal;
    std::unique_ptr<KubeConnections> m_kube;
    std::unique_ptr<OperationRunner> m_runner;
};

} // namespace ragdr::core
