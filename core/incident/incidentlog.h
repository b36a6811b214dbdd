#pragma once

#include "checkliststate.h"
#include "incident.h"
#include "journalentry.h"

#include "core/base/error.h"

#include <optional>

namespace ragdr::core {

// The incidents as the journal tells them: every incident.* entry replayed in order, and each
// entry assigned to the incident it was written in. The journal is the one record; this is a
// view of it, rebuilt whenever it is read (by the console and the CLI alike).
class IncidentLog final
{
public:
    static Result<IncidentLog> read(const QString &journalPath);
    static IncidentLog from(QList<JournalEntry> entries);

    const QList<JournalEntry> &entries() const { return m_entries; }
    const QList<Incident> &incidents() const { return m_incidents; }
    const Incident *open() const;
    const Incident *latest() const; // the open one, else the one closed last
    const Incident *find(const QString &id) const;

    // The entries written while the incident was open, oldest first; "" for those outside any.
    QList<JournalEntry> entriesOf(const QString &incidentId) const;
    ChecklistState checklist(const Profile &profile, const QString &incidentId) const;
    // The last stakeholder update sent for the incident (a notification.sent entry).
    std::optional<QDateTime> lastUpdateSent(const QString &incidentId) const;

private:
    QList<JournalEntry> m_entries;
    QList<Incident> m_incidents;
};

} // namespace ragdr::core
