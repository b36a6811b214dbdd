#pragma once

#include "incidentview.h"
#include "report.h"

#include "core/base/error.h"
#include "core/profile/profile.h"

namespace ragdr::core {

// Fills a report from the journal's view of an incident: the tactical update (conditions,
// actions since the last update, needs), the executive update (status, overview, next steps,
// earlier updates) and the post-incident report (summary, impact, recovery against the targets,
// timeline, checklist, root cause and contributing factors, follow-ups with owners). Everything
// comes from the journal, which holds no secret.
class ReportBuilder final
{
public:
    // incidentId: empty for the current incident (the open one, else the last closed).
    static Result<Report> build(Report::Kind kind,
                                const Profile &profile,
                                const IncidentView &view,
                                const QString &incidentId = {},
                                const QDateTime &now = QDateTime::currentDateTimeUtc());
};

} // namespace ragdr::core
