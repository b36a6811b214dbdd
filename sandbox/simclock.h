#pragma once

#include <QDateTime>

namespace ragdr::sandbox {

// A simulated cluster's clock: the wall clock, shifted while the cluster is seeded so that what
// it made then looks as old as it would be (AGE 60m) from the first request.
class SimClock final
{
public:
    qint64 nowMs() const;
    QDateTime now() const;
    void setOffsetMs(qint64 offset) { m_offsetMs = offset; }
    qint64 offsetMs() const { return m_offsetMs; }

private:
    qint64 m_offsetMs = 0;
};

} // namespace ragdr::sandbox
