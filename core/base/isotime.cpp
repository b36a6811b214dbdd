#include "isotime.h"

namespace ragdr::core {

QString isoUtc(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime fromIsoUtc(const QJsonValue &value)
{
    QDateTime t = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(value.toString(), Qt::ISODate);
    return t.toUTC();
}

} // namespace ragdr::core
