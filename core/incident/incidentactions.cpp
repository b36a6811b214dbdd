#include "incidentactions.h"

#include "incidentlog.h"
#include "journal.h"

#include <QJsonArray>

namespace ragdr::core {

namespace {

constexpr qint64 kClockSkewSecs = 120;

Status requireOpen(const QJsonObject &last)
{
    if (Journal::openIncident(last).isEmpty())
        return fail(
            Error::refused(QStringLiteral("no incident is open (ragdr incident open starts one)"),
                           QStringLiteral("the journal")));
    return {};
}

QString utc(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

} // namespace

Status IncidentActions::validate(const Profile &profile, const IncidentChange &change)
{
    const QString untouched = QStringLiteral("the incident (nothing was written)");
    if (change.title && change.title->trimmed().isEmpty())
        return fail(Error::badInput(QStringLiteral("the title is empty"), untouched));
    if (change.severity && !profile.incident.severity(*change.severity)) {
        QStringList names;
        for (const Severity &s : profile.incident.severities)
            names.append(s.name);
        return fail(
            Error::badInput(QStringLiteral("no severity is called \"%1\" (the profile has: %2)")
                                .arg(*change.severity, names.join(QStringLiteral(", "))),
                            untouched));
    }
    if (change.regions) {
        for (const QString &r : *change.regions) {
            if (!profile.region(r))
                return fail(
                    Error::badInput(QStringLiteral("no region is called \"%1\" (the profile "
                                                   "has: %2)")
                                        .arg(r, profile.regionNames().join(QStringLiteral(", "))),
                                    untouched));
        }
    }
    const QDateTime latest = QDateTime::currentDateTimeUtc().addSecs(kClockSkewSecs);
    if (change.disruptionStart && change.disruptionStart->isValid()
        && *change.disruptionStart > latest)
        return fail(Error::badInput(QStringLiteral("the disruption cannot start in the future (%1)")
                                        .arg(utc(*change.disruptionStart)),
                                    untouched));
    if (change.detectedAt && change.detectedAt->isValid() && *change.detectedAt > latest)
        return fail(Error::badInput(QStringLiteral("the detection time %1 is in the future")
                                        .arg(utc(*change.detectedAt)),
                                    untouched));
    if (change.disruptionStart && change.detectedAt && change.disruptionStart->isValid()
        && change.detectedAt->isValid() && *change.detectedAt < *change.disruptionStart)
        return fail(
            Error::badInput(QStringLiteral("detected at %1, before the disruption started at %2")
                                .arg(utc(*change.detectedAt), utc(*change.disruptionStart)),
                            untouched));
    return {};
}

Result<QString> IncidentActions::open(Journal &journal,
                                      const Profile &profile,
                                      const IncidentDraft &draft)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    IncidentChange fields;
    fields.title = draft.title.trimmed();
    fields.severity = draft.severity;
    fields.commander = draft.commander.trimmed().isEmpty() ? Journal::actor()
                                                           : draft.commander.trimmed();
    fields.summary = draft.summary;
    fields.regions = draft.regions.isEmpty() ? profile.regionNames() : draft.regions;
    fields.status = Incident::Status::Investigating;
    fields.disruptionStart = draft.disruptionStart.isValid() ? draft.disruptionStart.toUTC() : now;
    fields.detectedAt = draft.detectedAt.isValid() ? draft.detectedAt.toUTC()
                                                   : *fields.disruptionStart;
    if (Status valid = validate(profile, fields); !valid)
        return fail(valid.error());
    if (const Severity *s = profile.incident.severity(*fields.severity))
        fields.severity = s->name; // as the profile spells it

    const QString id = QStringLiteral("INC-%1").arg(
        now.toString(QStringLiteral("yyyyMMdd-HHmmss")));
    JournalRecord record;
    record.type = QStringLiteral("incident.opened");
    record.incident = id;
    record.fields = fields.fields();
    record.text = QStringLiteral("%1 opened: %2 (%3), commander %4; disruption since %5")
                      .arg(id,
                           *fields.title,
                           *fields.severity,
                           *fields.commander,
                           utc(*fields.disruptionStart));
    Status written = journal.append(record, [](const QJsonObject &last) -> Status {
        if (const QString open = Journal::openIncident(last); !open.isEmpty())
            return fail(Error::refused(QStringLiteral(
                                           "incident %1 is open; close it before opening another")
                                           .arg(open),
                                       QStringLiteral("the open incident")));
        return {};
    });
    if (!written)
        return fail(written.error());
    return id;
}

Status IncidentActions::update(Journal &journal,
                               const Profile &profile,
                               const IncidentChange &change)
{
    if (change.isEmpty())
        return fail(Error::badInput(QStringLiteral("nothing to change")));
    if (Status valid = validate(profile, change); !valid)
        return valid;
    if (change.status == Incident::Status::Resolved)
        return fail(Error::badInput(QStringLiteral("an incident is resolved by closing it (ragdr "
                                                   "incident close --root-cause ...)")));
    JournalRecord record;
    record.type = QStringLiteral("incident.updated");
    record.fields = change.fields();
    record.text
        = QStringLiteral("incident updated: %1").arg(change.describe().join(QStringLiteral(", ")));
    return journal.append(record, requireOpen);
}

Status IncidentActions::close(Journal &journal,
                              const Profile &profile,
                              const IncidentChange &closing)
{
    if (!closing.rootCause || closing.rootCause->trimmed().isEmpty())
        return fail(Error::badInput(QStringLiteral("closing an incident needs its root cause "
                                                   "(runbook §5: document the root cause)"),
                                    QStringLiteral("the incident stays open")));
    if (Status valid = validate(profile, closing); !valid)
        return valid;
    IncidentChange change = closing;
    change.status = Incident::Status::Resolved;
    JournalRecord record;
    record.type = QStringLiteral("incident.closed");
    record.fields = change.fields();
    record.text
        = QStringLiteral("incident resolved and closed; root cause: %1").arg(*closing.rootCause);
    return journal.append(record, requireOpen);
}

Status IncidentActions::addNote(Journal &journal, const QString &text, bool decision)
{
    if (text.trimmed().isEmpty())
        return fail(Error::badInput(QStringLiteral("the note is empty")));
    JournalRecord record;
    record.type = decision ? QStringLiteral("decision") : QStringLiteral("note");
    record.text = text.trimmed();
    return journal.append(record);
}

Status IncidentActions::recordRestore(Journal &journal, const RestoredBackup &restored)
{
    if (restored.backupId.isEmpty() || !restored.snapshotAt.isValid())
        return fail(Error::badInput(QStringLiteral("a restore is recorded with its backup and the "
                                                   "backup's snapshot time")));
    const QDateTime at = restored.restoredAt.isValid() ? restored.restoredAt
                                                       : QDateTime::currentDateTimeUtc();
    JournalRecord record;
    record.type = QStringLiteral("incident.restored");
    record.source = QStringLiteral("operation");
    record.fields = {{QStringLiteral("backup"), restored.backupId},
                     {QStringLiteral("region"), restored.region},
                     {QStringLiteral("snapshot_at"),
                      restored.snapshotAt.toUTC().toString(Qt::ISODateWithMs)},
                     {QStringLiteral("restored_at"), at.toUTC().toString(Qt::ISODateWithMs)}};
    record.text = QStringLiteral("restored backup %1 in %2; its data is from %3")
                      .arg(restored.backupId, restored.region, utc(restored.snapshotAt));
    return journal.append(record);
}

Status IncidentActions::recordRollback(Journal &journal,
                                       const QString &region,
                                       const QString &database)
{
    JournalRecord record;
    record.type = QStringLiteral("incident.rolledback");
    record.source = QStringLiteral("operation");
    record.fields = {{QStringLiteral("region"), region}, {QStringLiteral("database"), database}};
    record.text = QStringLiteral("rolled %1 in %2 back to what it held before the restore: no "
                                 "restored backup is live")
                      .arg(database, region);
    return journal.append(record);
}

Status IncidentActions::recordPostChecksPassed(Journal &journal,
                                               const QDateTime &at,
                                               const QString &summary)
{
    JournalRecord record;
    record.type = QStringLiteral("incident.postchecks");
    record.source = QStringLiteral("operation");
    record.fields = {
        {QStringLiteral("passed_at"),
         (at.isValid() ? at : QDateTime::currentDateTimeUtc()).toUTC().toString(Qt::ISODateWithMs)}};
    record.text = summary.isEmpty() ? QStringLiteral("the restore's post-checks passed") : summary;
    return journal.append(record);
}

Result<std::optional<QDateTime>> IncidentActions::disruptionStart(const Journal &journal)
{
    auto log = IncidentLog::read(journal.path());
    if (!log)
        return fail(log.error());
    const Incident *open = log->open();
    if (!open)
        return std::optional<QDateTime>();
    return std::optional<QDateTime>(open->disruptionStart.isValid() ? open->disruptionStart
                                                                    : open->declaredAt);
}

} // namespace ragdr::core
