#include "updatecadence.h"

#include "core/base/duration.h"

namespace ragdr::core {

UpdateReminder UpdateReminder::check(const Profile &profile,
                                     const Incident &incident,
                                     const std::optional<QDateTime> &lastSent,
                                     const QDateTime &now)
{
    UpdateReminder r;
    const Severity *severity = profile.incident.severity(incident.severity);
    if (!incident.isOpen() || !severity)
        return r;
    r.cadenceSecs = severity->updateEverySecs;
    r.lastSent = lastSent.value_or(QDateTime());
    const QDateTime from = lastSent ? *lastSent : incident.declaredAt;
    r.silentSecs = std::max<qint64>(0, from.secsTo(now));
    r.due = r.silentSecs >= r.cadenceSecs;
    if (r.due) {
        r.text = lastSent
                     ? QStringLiteral("No stakeholder update for %1; %2 asks for one every %3.")
                           .arg(formatDuration(r.silentSecs),
                                severity->name,
                                formatDuration(r.cadenceSecs))
                     : QStringLiteral("No stakeholder update yet, %1 after the incident was "
                                      "declared; %2 asks for one every %3.")
                           .arg(formatDuration(r.silentSecs),
                                severity->name,
                                formatDuration(r.cadenceSecs));
    }
    return r;
}

} // namespace ragdr::core
