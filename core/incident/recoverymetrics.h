#pragma once

#include "checkliststate.h"
#include "incident.h"

#include "core/profile/profile.h"

#include <QJsonObject>

#include <optional>

namespace ragdr::core {

// The incident's measured recovery against the profile's targets.
//   RTO = disruption start -> every required checklist item done (the moment it last became so)
//   RPO = disruption start - the snapshot time of the backup the restore brought back
struct RecoveryMetrics
{
    enum class Verdict {
        Met,
        Missed,
        Pending, // not measured yet, still within the target
        Unknown, // cannot be measured: no disruption start, or no restore recorded
    };

    qint64 rtoTargetSecs = 0;
    qint64 rpoTargetSecs = 0;
    std::optional<qint64> rtoSecs;
    std::optional<qint64> rpoSecs;
    bool started = false;   // the incident has a disruption start (or a declaration) to count from
    qint64 elapsedSecs = 0; // since the disruption started, while the RTO is not measured
    QStringList waived;     // required items skipped: the RTO was measured without them
    QString restoredBackup;

    Verdict rto() const;
    Verdict rpo() const;
    QString rtoText() const; // "RTO 42m of 1h: met"
    QString rpoText() const;
    QJsonObject toJson() const;

    static QString verdictName(Verdict verdict);
    static RecoveryMetrics measure(const Profile &profile,
                                   const Incident &incident,
                                   const ChecklistState &checklist,
                                   const QDateTime &now = QDateTime::currentDateTimeUtc());
};

} // namespace ragdr::core
