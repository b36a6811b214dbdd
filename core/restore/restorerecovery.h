#pragma once

#include "restorestate.h"

#include "core/ops/operationresult.h"
#include "core/ops/progress.h"
#include "core/profile/profile.h"

namespace ragdr::core {

class Journal;
class KubeConnections;
class RestoreStore;

// What a killed restore left, judged from its state file and from what the server shows now, and
// the cleanup that puts it right: before the swap, the staging database is dropped and the apps
// scaled back to the replicas recorded before they were stopped; after the swap (the state says it
// began and the server shows the new names), the apps are brought back to the restored database.
class RestoreRecovery final
{
public:
    RestoreRecovery(Profile profile,
                    const RestoreStore &store,
                    Journal *journal,
                    KubeConnections *kube);

    OperationResult cleanup(const QString &restoreId, const Progress &progress);

private:
    Profile m_profile;
    const RestoreStore &m_store;
    Journal *m_journal;
    KubeConnections *m_kube;
};

} // namespace ragdr::core
