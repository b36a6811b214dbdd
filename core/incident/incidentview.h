#pragma once

#include "checkliststate.h"
#include "incident.h"
#include "incidentlog.h"
#include "journal.h"
#include "recoverymetrics.h"
#include "updatecadence.h"

#include <optional>

namespace ragdr::core {

// Everything the Checklist and Timeline panels (and `ragdr incident status`) show, read from the
// journal in one go: the incidents, the current one (open, else the last closed), its checklist,
// its RTO/RPO, whether an update is due, and (when asked) whether the hash chain is intact.
struct IncidentView
{
    IncidentLog log;
    std::optional<Incident> incident;
    ChecklistState checklist; // of the open incident, or of the checks run outside one
    std::optional<RecoveryMetrics> metrics;
    UpdateReminder reminder;
    std::optional<Journal::Check> chain;
    JournalHead head;

    // The entries of the current incident; all entries when there is none.
    QList<JournalEntry> timeline() const;

    static Result<IncidentView> load(const Profile &profile,
                                     const QString &journalPath,
                                     bool verifyChain);
};

} // namespace ragdr::core
