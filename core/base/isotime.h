#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

namespace ragdr::core {

// UTC times as the journal and the manifests write them (ISO 8601 with milliseconds), and read
// back from either that or plain ISO 8601; an invalid time is an empty string and back.
QString isoUtc(const QDateTime &time);
QDateTime fromIsoUtc(const QJsonValue &value);

} // namespace ragdr::core
