#pragma once

#include "incident.h"

#include "core/profile/profile.h"

#include <optional>

namespace ragdr::core {

// Whether stakeholders are owed an update: the severity's cadence (incident.severities in the
// profile) counted from the last update sent, or from when the incident was declared.
struct UpdateReminder
{
    bool due = false;
    qint64 cadenceSecs = 0;
    qint64 silentSecs = 0; // since the last update (or the declaration)
    QDateTime lastSent;    // invalid: none sent yet
    QString text;          // empty when nothing is due

    static UpdateReminder check(const Profile &profile,
                                const Incident &incident,
                                const std::optional<QDateTime> &lastSent,
                                const QDateTime &now = QDateTime::currentDateTimeUtc());
};

} // namespace ragdr::core
