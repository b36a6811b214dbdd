#include "humanduration.h"

#include "kubetime.h"

namespace ragdr::core {

namespace {

using std::chrono::milliseconds;

// Go's int(d.Seconds()) truncates towards zero, so -1.9 s counts as -1 s ("0s"), not -2 s.
qint64 wholeSeconds(milliseconds d)
{
    return d.count() / 1000;
}

} // namespace

QString shortHumanDuration(milliseconds d)
{
    // Up to two seconds in the future is tolerated as clock skew between machines.
    const qint64 seconds = wholeSeconds(d);
    if (seconds < -1)
        return QStringLiteral("<invalid>");
    if (seconds < 0)
        return QStringLiteral("0s");
    if (seconds < 60)
        return QStringLiteral("%1s").arg(seconds);
    if (const qint64 minutes = seconds / 60; minutes < 60)
        return QStringLiteral("%1m").arg(minutes);
    const qint64 hours = seconds / 3600;
    if (hours < 24)
        return QStringLiteral("%1h").arg(hours);
    if (hours < 24 * 365)
        return QStringLiteral("%1d").arg(hours / 24);
    return QStringLiteral("%1y").arg(hours / 24 / 365);
}

QString humanDuration(milliseconds d)
{
    const qint64 seconds = wholeSeconds(d);
    if (seconds < -1)
        return QStringLiteral("<invalid>");
    if (seconds < 0)
        return QStringLiteral("0s");
    if (seconds < 60 * 2)
        return QStringLiteral("%1s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 10) {
        const qint64 s = seconds % 60;
        if (s == 0)
            return QStringLiteral("%1m").arg(minutes);
        return QStringLiteral("%1m%2s").arg(minutes).arg(s);
    }
    if (minutes < 60 * 3)
        return QStringLiteral("%1m").arg(minutes);
    const qint64 hours = seconds / 3600;
    if (hours < 8) {
        const qint64 m = minutes % 60;
        if (m == 0)
            return QStringLiteral("%1h").arg(hours);
        return QStringLiteral("%1h%2m").arg(hours).arg(m);
    }
    if (hours < 48)
        return QStringLiteral("%1h").arg(hours);
    if (hours < 24 * 8) {
        const qint64 h = hours % 24;
        if (h == 0)
            return QStringLiteral("%1d").arg(hours / 24);
        return QStringLiteral("%1d%2h").arg(hours / 24).arg(h);
    }
    if (hours < 24 * 365 * 2)
        return QStringLiteral("%1d").arg(hours / 24);
    if (hours < 24 * 365 * 8) {
        const qint64 dy = (hours / 24) % 365;
        if (dy == 0)
            return QStringLiteral("%1y").arg(hours / 24 / 365);
        return QStringLiteral("%1y%2d").arg(hours / 24 / 365).arg(dy);
    }
    return QStringLiteral("%1y").arg(hours / 24 / 365);
}

QString translateTimestampSince(const QString &timestamp, const QDateTime &now)
{
    const QDateTime when = kubetime::parse(timestamp);
    if (!when.isValid())
        return QStringLiteral("<unknown>");
    return humanDuration(milliseconds(when.msecsTo(now)));
}

} // namespace ragdr::core
