#pragma once

#include "incident.h"

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <optional>

namespace ragdr::core {

class Journal;

struct IncidentDraft
{
    QString title;
    QString severity;
    QString commander; // empty: the journal's actor
    QString summary;
    QDateTime disruptionStart; // invalid: now
    QDateTime detectedAt;      // invalid: the disruption start
    QStringList regions;       // empty: every region of the profile
};

// What changes an incident: each one journal entry, written only if the journal's state allows
// it at that moment (one incident open at a time; updates only to an open one), so that the
// console and the CLI cannot open two at once. Blocking file I/O: call from an operation.
class IncidentActions final
{
public:
    static Result<QString> open(Journal &journal,
                                const Profile &profile,
                                const IncidentDraft &draft);
    static Status update(Journal &journal, const Profile &profile, const IncidentChange &change);
    // Closing needs the root cause (runbook §5: document the root cause).
    static Status close(Journal &journal, const Profile &profile, const IncidentChange &closing);
    static Status addNote(Journal &journal, const QString &text, bool decision);

    // For the restore: what it brought back, so that the RPO can be measured (disruption start
    // minus snapshotAt), and when its own post-checks passed. Both are journalled into the open
    // incident; with none open they are journalled on their own.
    static Status recordRestore(Journal &journal, const RestoredBackup &restored);
    // A rollback put back the database from before the restore: the restored backup is no longer
    // what is live, and the incident's RPO no longer measures it.
    static Status recordRollback(Journal &journal, const QString &region, const QString &database);
    static Status recordPostChecksPassed(Journal &journal,
                                         const QDateTime &at,
                                         const QString &summary);
    // The open incident's disruption start; nullopt when no incident is open.
    static Result<std::optional<QDateTime>> disruptionStart(const Journal &journal);

    // Severity known to the profile, regions known, times in order and not in the future.
    static Status validate(const Profile &profile, const IncidentChange &change);
};

} // namespace ragdr::core
