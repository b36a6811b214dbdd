#pragma once

#include "core/ops/operationrunner.h"

#include <QStringList>

namespace ragdr::core {

class Workspace;

// The checklist's operations on a workspace's runner, for the console and the CLI alike. Each
// result is a checklist.item entry in the journal (source "probe" for a check, "user" for a step
// marked done or skipped), in the open incident if there is one; the journal is where the
// Checklist panel reads the states from.
class ChecklistOperations final
{
public:
    // Runs the automatic items named (all of them when ids is empty) against region (every
    // region when empty). Fails, with each item's evidence, when any item does not pass.
    static Operation *run(Workspace &ws, const QStringList &ids, const QString &region);
    // A manual item is done. An item with a gate needs confirmation equal to its id.
    static Operation *markDone(Workspace &ws,
                               const QString &id,
                               const QString &confirmation,
                               const QString &note);
    static Operation *skip(Workspace &ws, const QString &id, const QString &reason);
};

} // namespace ragdr::core
