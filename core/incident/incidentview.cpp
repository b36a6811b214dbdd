#include "incidentview.h"

namespace ragdr::core {

Result<IncidentView> IncidentView::load(const Profile &profile,
                                        const QString &journalPath,
                                        bool verifyChain)
{
    IncidentView view;
    auto log = IncidentLog::read(journalPath);
    if (!log)
        return fail(log.error());
    view.log = std::move(*log);
    if (const Incident *i = view.log.latest())
        view.incident = *i;
    const Incident *open = view.log.open();
    view.checklist = view.log.checklist(profile, open ? open->id : QString());
    if (view.incident) {
        const ChecklistState incidentChecklist = open ? view.checklist
                                                      : view.log.checklist(profile,
                                                                           view.incident->id);
        view.metrics = RecoveryMetrics::measure(profile, *view.incident, incidentChecklist);
        view.reminder = UpdateReminder::check(profile,
                                              *view.incident,
                                              view.log.lastUpdateSent(view.incident->id));
    }
    if (verifyChain) {
        auto check = Journal::verify(journalPath);
        if (!check)
            return fail(check.error());
        view.chain = *check;
        view.head = check->head;
    } else if (!view.log.entries().isEmpty()) {
        const JournalEntry &last = view.log.entries().constLast();
        view.head.seq = last.seq;
        view.head.hash = last.raw.value(QLatin1String("hash")).toString();
        view.head.at = last.at;
    }
    return view;
}

QList<JournalEntry> IncidentView::timeline() const
{
    if (!incident)
        return log.entries();
    return log.entriesOf(incident->id);
}

} // namespace ragdr::core
