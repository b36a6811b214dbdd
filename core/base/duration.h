#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

namespace ragdr::core {

// "90s", "15m", "24h", "7d", "1h30m" -> seconds. Nothing else is accepted.
std::optional<qint64> parseDuration(const QString &text);

// 3725 -> "1h 2m"; 90000 -> "1d 1h". For ages and targets shown to a person.
QString formatDuration(qint64 seconds);

// Age of a moment relative to now, e.g. "3h 12m"; "in the future" when clocks disagree.
QString formatAge(const QDateTime &when, const QDateTime &now = QDateTime::currentDateTimeUtc());

} // namespace ragdr::core
