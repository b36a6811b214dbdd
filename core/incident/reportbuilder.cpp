#include "reportbuilder.h"

#include "journal.h"

#include "core/base/duration.h"

#include <QJsonArray>

namespace ragdr::core {

namespace {

QString utc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
                       : QStringLiteral("-");
}

QString bullets(const QStringList &lines)
{
    QStringList out;
    for (const QString &l : lines)
        out.append(QStringLiteral("- ") + l);
    return out.join(QLatin1Char('\n'));
}

// What a person reads of the actions an entry records; empty for entries an update leaves out.
QString actionOf(const JournalEntry &e)
{
    if (e.type == QLatin1String("operation.finished") || e.type == QLatin1String("decision")
        || e.type == QLatin1String("note") || e.type == QLatin1String("incident.restored")
        || e.type == QLatin1String("incident.postchecks")
        || e.type == QLatin1String("incident.rolledback")
        || e.type == QLatin1String("incident.updated"))
        return QStringLiteral("%1 %2").arg(e.at.toUTC().toString(QStringLiteral("HH:mm")), e.text);
    return {};
}

QStringList failingItems(const ChecklistState &checklist)
{
    QStringList out;
    for (const ChecklistItemState &s : checklist.items) {
        if (s.state == ChecklistItemState::State::Failed
            || s.state == ChecklistItemState::State::CouldNotCheck)
            out.append(QStringLiteral("%1: %2").arg(s.item.title, s.summary));
    }
    return out;
}

QStringList openItemsByOwner(const ChecklistState &checklist, bool requiredOnly)
{
    QStringList out;
    for (const ChecklistItemState &s : checklist.items) {
        if (s.isDone() || (requiredOnly && !s.item.required))
            continue;
        out.append(QStringLiteral("%1 (%2): %3")
                       .arg(s.item.owner.isEmpty() ? QStringLiteral("unassigned") : s.item.owner,
                            ChecklistItemState::stateName(s.state),
                            s.item.title));
    }
    return out;
}

QList<QStringList> timelineTable(const QList<JournalEntry> &entries)
{
    QList<QStringList> rows{{QStringLiteral("Time (UTC)"),
                             QStringLiteral("Source"),
                             QStringLiteral("Who"),
                             QStringLiteral("Kind"),
                             QStringLiteral("What")}};
    for (const JournalEntry &e : entries) {
        // An operation's start adds nothing its end does not say.
        if (e.type == QLatin1String("operation.started"))
            continue;
        rows.append({e.at.toUTC().toString(QStringLiteral("MM-dd HH:mm:ss")),
                     e.source,
                     e.actor.section(QLatin1Char('@'), 0, 0),
                     e.type,
                     e.text});
    }
    return rows;
}

QList<QStringList> checklistTable(const ChecklistState &checklist)
{
    QList<QStringList> rows{{QStringLiteral("Item"),
                             QStringLiteral("Owner"),
                             QStringLiteral("State"),
                             QStringLiteral("At (UTC)"),
                             QStringLiteral("Evidence")}};
    for (const ChecklistItemState &s : checklist.items) {
        rows.append({s.item.title + (s.item.required ? QString() : QStringLiteral(" (optional)")),
                     s.item.owner,
                     ChecklistItemState::stateName(s.state),
                     s.finishedAt.isValid()
                         ? s.finishedAt.toUTC().toString(QStringLiteral("MM-dd HH:mm"))
                         : QString(),
                     s.state == ChecklistItemState::State::Skipped ? s.reason : s.summary});
    }
    return rows;
}

QString durationText(const Incident &i, const QDateTime &now)
{
    const QDateTime start = i.disruptionStart.isValid() ? i.disruptionStart : i.declaredAt;
    return formatDuration(start.secsTo(i.closedAt.isValid() ? i.closedAt : now));
}

} // namespace

Result<Report> ReportBuilder::build(Report::Kind kind,
                                    const Profile &profile,
                                    const IncidentView &view,
                                    const QString &incidentId,
                                    const QDateTime &now)
{
    const Incident *found = incidentId.isEmpty() ? view.log.latest() : view.log.find(incidentId);
    if (!found)
        return fail(Error::badInput(
            incidentId.isEmpty()
                ? QStringLiteral("no incident has been opened: there is nothing to report on")
                : QStringLiteral("the journal has no incident %1").arg(incidentId)));
    const Incident &incident = *found;
    const QList<JournalEntry> entries = view.log.entriesOf(incident.id);
    const ChecklistState checklist = ChecklistState::project(profile, entries);
    const RecoveryMetrics metrics = RecoveryMetrics::measure(profile, incident, checklist, now);
    const std::optional<QDateTime> lastUpdate = view.log.lastUpdateSent(incident.id);

    Report r;
    r.kind = kind;
    r.incidentId = incident.id;
    r.generatedAt = now;
    r.generatedBy = Journal::actor();
    r.head = view.head;
    r.title = QStringLiteral("%1: %2").arg(Report::kindTitle(kind), incident.title);
    r.subtitle = QStringLiteral("%1 · %2 · %3 · %4")
                     .arg(incident.id,
                          incident.severity,
                          incident.isOpen() ? Incident::statusName(incident.status)
                                            : QStringLiteral("resolved"),
                          profile.displayName());
    const QString regions = incident.regions.join(QStringLiteral(", "));
    const QString progress = QStringLiteral("%1 of %2 required post-recovery checks done")
                                 .arg(checklist.requiredDone())
                                 .arg(checklist.requiredCount());
    const QStringList failing = failingItems(checklist);

    switch (kind) {
    case Report::Kind::Tactical: {
        QStringList conditions{QStringLiteral("%1 since %2 (%3), regions %4; status %5.")
                                   .arg(incident.severity,
                                        utc(incident.disruptionStart),
                                        durationText(incident, now),
                                        regions,
                                        Incident::statusName(incident.status)),
                               progress + QLatin1Char('.'),
                               metrics.rtoText() + QLatin1Char('.')};
        for (const QString &f : failing)
            conditions.append(QStringLiteral("Failing: %1").arg(f));
        QStringList actions;
        for (const JournalEntry &e : entries) {
            if (lastUpdate && e.at <= *lastUpdate)
                continue;
            if (const QString a = actionOf(e); !a.isEmpty())
                actions.append(a);
        }
        if (actions.isEmpty())
            actions.append(QStringLiteral("No new actions since the last update."));
        QStringList needs = openItemsByOwner(checklist, true);
        if (needs.isEmpty())
            needs.append(QStringLiteral("Nothing: every required check is done."));
        r.sections
            = {{QStringLiteral("conditions"),
                QStringLiteral("Conditions"),
                bullets(conditions),
                {},
                {},
                true},
               {QStringLiteral("actions"),
                lastUpdate
                    ? QStringLiteral("Actions since the last update (%1)").arg(utc(*lastUpdate))
                    : QStringLiteral("Actions"),
                bullets(actions),
                {},
                {},
                true},
               {QStringLiteral("needs"), QStringLiteral("Needs"), bullets(needs), {}, {}, true}};
        break;
    }
    case Report::Kind::Executive: {
        const QString status
            = incident.isOpen()
                  ? QStringLiteral(
                        "%1, %2: the RAG document search is affected in %3 since %4 (%5). %6.")
                        .arg(incident.severity,
                             Incident::statusName(incident.status),
                             regions,
                             utc(incident.disruptionStart),
                             durationText(incident, now),
                             progress)
                  : QStringLiteral("Resolved at %1 after %2.")
                        .arg(utc(incident.closedAt), durationText(incident, now));
        QStringList overview{incident.summary.isEmpty() ? incident.title : incident.summary};
        if (!incident.impact.isEmpty())
            overview.append(QStringLiteral("Impact: %1").arg(incident.impact));
        overview.append(metrics.rtoText() + QLatin1Char('.'));
        overview.append(metrics.rpoText() + QLatin1Char('.'));
        QStringList next = openItemsByOwner(checklist, true);
        if (next.isEmpty())
            next.append(
                incident.isOpen()
                    ? QStringLiteral("Monitor, then close the incident with its root cause.")
                    : QStringLiteral("Follow-ups as listed in the post-incident report."));
        QStringList previous;
        for (const JournalEntry &e : entries) {
            if (e.type == QLatin1String("notification.sent"))
                previous.append(QStringLiteral("%1: %2").arg(utc(e.at), e.text));
        }
        r.sections = {{QStringLiteral("status"), QStringLiteral("Status"), status, {}, {}, true},
                      {QStringLiteral("overview"),
                       QStringLiteral("Overview"),
                       bullets(overview),
                       {},
                       {},
                       true},
                      {QStringLiteral("next_steps"),
                       QStringLiteral("Next steps"),
                       bullets(next),
                       {},
                       {},
                       true},
                      {QStringLiteral("previous"),
                       QStringLiteral("Earlier updates"),
                       previous.isEmpty() ? QStringLiteral("None yet.") : bullets(previous),
                       {},
                       {},
                       false}};
        break;
    }
    case Report::Kind::Postmortem: {
        ReportSection facts{QStringLiteral("facts"),
                            QStringLiteral("The incident"),
                            {},
                            {},
                            {},
                            false};
        facts.facts = {{QStringLiteral("Incident"), incident.id},
                       {QStringLiteral("Severity"), incident.severity},
                       {QStringLiteral("Commander"), incident.commander},
                       {QStringLiteral("Regions"), regions},
                       {QStringLiteral("Disruption started"), utc(incident.disruptionStart)},
                       {QStringLiteral("Detected"), utc(incident.detectedAt)},
                       {QStringLiteral("Declared"), utc(incident.declaredAt)},
                       {QStringLiteral("Resolved"),
                        incident.isOpen() ? QStringLiteral("still open") : utc(incident.closedAt)},
                       {QStringLiteral("Duration"), durationText(incident, now)}};
        ReportSection recovery{QStringLiteral("recovery"),
                               QStringLiteral("Recovery against the targets"),
                               {},
                               {},
                               {},
                               false};
        QStringList recoveryLines{metrics.rtoText(), metrics.rpoText()};
        if (incident.restored)
            recoveryLines.append(
                QStringLiteral("Restored backup %1 in %2 at %3; its data is from %4.")
                    .arg(incident.restored->backupId,
                         incident.restored->region,
                         utc(incident.restored->restoredAt),
                         utc(incident.restored->snapshotAt)));
        for (const QString &w : metrics.waived)
            recoveryLines.append(QStringLiteral("Waived: %1").arg(w));
        recovery.text = bullets(recoveryLines);
        ReportSection followUps{QStringLiteral("follow_ups"),
                                QStringLiteral("Follow-ups"),
                                {},
                                {},
                                {},
                                true,
                                {25, 75}};
        if (incident.followUps.isEmpty()) {
            followUps.text = QStringLiteral("None recorded.");
        } else {
            followUps.table.append({QStringLiteral("Owner"), QStringLiteral("Action")});
            for (const FollowUp &f : incident.followUps)
                followUps.table.append({f.owner, f.text});
        }
        r.sections = {
            {QStringLiteral("summary"),
             QStringLiteral("Summary"),
             incident.summary.isEmpty() ? QStringLiteral("%1 From %2, for %3, in %4.")
                                              .arg(incident.title + QLatin1Char('.'),
                                                   utc(incident.disruptionStart),
                                                   durationText(incident, now),
                                                   regions)
                                        : incident.summary,
             {},
             {},
             true},
            facts,
            {QStringLiteral("impact"),
             QStringLiteral("Impact"),
             incident.impact.isEmpty() ? QStringLiteral("Not written yet.") : incident.impact,
             {},
             {},
             true},
            recovery,
            {QStringLiteral("root_cause"),
             QStringLiteral("Root cause and contributing factors"),
             (incident.rootCause.isEmpty() ? QStringLiteral("Not documented yet.")
                                           : incident.rootCause)
                 + (incident.contributingFactors.isEmpty()
                        ? QString()
                        : QStringLiteral("\n\n") + bullets(incident.contributingFactors)),
             {},
             {},
             true},
            followUps,
            {QStringLiteral("checklist"),
             QStringLiteral("Post-recovery checklist"),
             progress + QLatin1Char('.'),
             {},
             checklistTable(checklist),
             false,
             {30, 15, 12, 12, 31}},
            {QStringLiteral("timeline"),
             QStringLiteral("Timeline"),
             QStringLiteral("Every entry of the incident journal while it was open (UTC)."),
             {},
             timelineTable(entries),
             false,
             {13, 9, 10, 15, 53}},
        };
        break;
    }
    }

    QJsonArray timeline;
    for (const JournalEntry &e : entries) {
        QJsonObject o{{QStringLiteral("seq"), e.seq},
                      {QStringLiteral("at"), e.at.toString(Qt::ISODateWithMs)},
                      {QStringLiteral("actor"), e.actor},
                      {QStringLiteral("source"), e.source},
                      {QStringLiteral("kind"), e.type},
                      {QStringLiteral("text"), e.text}};
        if (!e.evidence.isEmpty())
            o.insert(QStringLiteral("evidence"), e.evidence);
        timeline.append(o);
    }
    r.data = {{QStringLiteral("incident"), incident.toJson()},
              {QStringLiteral("checklist"), checklist.toJson()},
              {QStringLiteral("recovery"), metrics.toJson()},
              {QStringLiteral("timeline"), timeline}};
    return r;
}

} // namespace ragdr::core
