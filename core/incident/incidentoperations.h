#pragma once

#include "incidentactions.h"
#include "incidentview.h"

#include "core/ops/operationrunner.h"

#include <memory>

namespace ragdr::core {

class Workspace;

// The incident's actions as operations (off the caller's thread), for the console and the CLI.
// Not journalled as operations: each writes its own incident.* or note entry.
class IncidentOperations final
{
public:
    static Operation *open(Workspace &ws, const IncidentDraft &draft);
    static Operation *update(Workspace &ws, const IncidentChange &change);
    static Operation *close(Workspace &ws, const IncidentChange &closing);
    static Operation *note(Workspace &ws, const QString &text, bool decision);
    // Reads the journal into *out (verifying its chain when asked).
    static Operation *load(Workspace &ws, bool verifyChain, std::shared_ptr<IncidentView> out);
};

} // namespace ragdr::core
