#include "simclock.h"

namespace ragdr::sandbox {

qint64 SimClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch() + m_offsetMs;
}

QDateTime SimClock::now() const
{
    return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
}

} // namespace ragdr::sandbox
