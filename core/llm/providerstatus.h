#pragma once

#include "core/base/canceltoken.h"
#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace ragdr::core {

// The provider's public status feed (llm.status_feed), read for its current incidents. Two shapes
// are understood: Google Cloud's incidents.json (a list; an incident without "end" is current)
// and Atlassian Statuspage's incidents JSON ({"incidents": [...]}; unresolved is current).
class ProviderStatus final
{
public:
    struct Incident
    {
        QString title;
        QString status; // "SERVICE_DISRUPTION", "investigating"
        QString update; // the newest update's text
        QDateTime began;
    };

    static Result<QList<Incident>> parse(const QByteArray &json);
    static Result<QList<Incident>> fetch(const Profile &profile, const CancelToken &cancel);
    static QJsonObject toJson(const Incident &incident);
};

} // namespace ragdr::core
