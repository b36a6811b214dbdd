#include "incidentlog.h"

#include "journal.h"

#include "core/base/isotime.h"

namespace ragdr::core {

Result<IncidentLog> IncidentLog::read(const QString &journalPath)
{
    auto raw = Journal::readAll(journalPath);
    if (!raw)
        return fail(raw.error());
    return from(JournalEntry::fromAll(*raw));
}

IncidentLog IncidentLog::from(QList<JournalEntry> entries)
{
    IncidentLog log;
    log.m_entries = std::move(entries);
    for (const JournalEntry &e : std::as_const(log.m_entries)) {
        if (!e.type.startsWith(QLatin1String("incident.")) || e.incident.isEmpty())
            continue;
        if (e.type == QLatin1String("incident.opened")) {
            Incident i;
            i.id = e.incident;
            i.declaredAt = e.at;
            i.apply(e.raw);
            log.m_incidents.append(i);
            continue;
        }
        Incident *i = nullptr;
        for (Incident &candidate : log.m_incidents) {
            if (candidate.id == e.incident)
                i = &candidate;
        }
        if (!i)
            continue; // its opening line is not in this journal
        if (e.type == QLatin1String("incident.updated")) {
            i->apply(e.raw);
        } else if (e.type == QLatin1String("incident.closed")) {
            i->apply(e.raw);
            i->status = Incident::Status::Resolved;
            i->closedAt = e.at;
        } else if (e.type == QLatin1String("incident.restored")) {
            RestoredBackup r;
            r.backupId = e.raw.value(QLatin1String("backup")).toString();
            r.region = e.raw.value(QLatin1String("region")).toString();
            r.snapshotAt = fromIsoUtc(e.raw.value(QLatin1String("snapshot_at")));
            r.restoredAt = fromIsoUtc(e.raw.value(QLatin1String("restored_at")));
            if (!r.restoredAt.isValid())
                r.restoredAt = e.at;
            i->restored = r;
        } else if (e.type == QLatin1String("incident.rolledback")) {
            if (i->restored
                && i->restored->region == e.raw.value(QLatin1String("region")).toString())
                i->restored.reset();
        } else if (e.type == QLatin1String("incident.postchecks")) {
            i->postChecksPassedAt = fromIsoUtc(e.raw.value(QLatin1String("passed_at")));
            if (!i->postChecksPassedAt.isValid())
                i->postChecksPassedAt = e.at;
            i->postChecksSummary = e.text;
        }
    }
    return log;
}

const Incident *IncidentLog::open() const
{
    for (auto it = m_incidents.crbegin(); it != m_incidents.crend(); ++it) {
        if (it->isOpen())
            return &*it;
    }
    return nullptr;
}

const Incident *IncidentLog::latest() const
{
    if (const Incident *o = open())
        return o;
    return m_incidents.isEmpty() ? nullptr : &m_incidents.constLast();
}

const Incident *IncidentLog::find(const QString &id) const
{
    for (const Incident &i : m_incidents) {
        if (i.id == id)
            return &i;
    }
    return nullptr;
}

QList<JournalEntry> IncidentLog::entriesOf(const QString &incidentId) const
{
    QList<JournalEntry> out;
    for (const JournalEntry &e : m_entries) {
        if (e.incident == incidentId)
            out.append(e);
    }
    return out;
}

ChecklistState IncidentLog::checklist(const Profile &profile, const QString &incidentId) const
{
    return ChecklistState::project(profile, entriesOf(incidentId));
}

std::optional<QDateTime> IncidentLog::lastUpdateSent(const QString &incidentId) const
{
    std::optional<QDateTime> last;
    for (const JournalEntry &e : m_entries) {
        if (e.incident == incidentId && e.type == QLatin1String("notification.sent"))
            last = e.at;
    }
    return last;
}

} // namespace ragdr::core
