#pragma once

#include "restorejob.h"
#include "restoreplan.h"
#include "restoreserver.h"
#include "restorestate.h"

#include "core/ops/operationrunner.h"

#include <memory>

namespace ragdr::core {

class Workspace;

// What `ragdr restores` and the Restore panel show: every recorded restore and rollback (with
// whether an unfinished one was interrupted), and the databases kept for a rollback.
struct RestoreListing
{
    struct Entry
    {
        RestoreState state;
        bool interrupted = false;
        bool alive = false;
    };
    QList<Entry> restores;    // newest first
    QList<KeptDatabase> kept; // of the region's live database
    QString keptProblem;      // why the kept databases could not be listed
    QJsonObject toJson(const Profile &profile) const;
};

// The restore operations on a workspace's runner: the CLI, the console and the tests all start
// them here, so that titles, journal entries and messages are the same everywhere. The restore
// itself runs in the process that calls restore(): the console starts `ragdr restore` as a
// process of its own (RestoreProcess) and follows the state file.
class RestoreOperations final
{
public:
    static Operation *restore(Workspace &ws, const RestoreOptions &options);
    static Operation *rollback(Workspace &ws, const RestoreOptions &options);
    // The plan, without doing anything: evidence {"plan": ...}.
    static Operation *plan(Workspace &ws, const RestoreOptions &options, bool rollback);
    static Operation *list(Workspace &ws,
                           const QString &region,
                           std::shared_ptr<RestoreListing> out);
    // Finishes or undoes what an interrupted restore began: before the swap, drops the staging
    // database and scales the apps back; after it, brings the apps back to the restored database.
    static Operation *cleanup(Workspace &ws, const QString &restoreId);
    static Operation *discard(Workspace &ws,
                              const QString &region,
                              const QString &name,
                              const QString &confirmation);
};

} // namespace ragdr::core
