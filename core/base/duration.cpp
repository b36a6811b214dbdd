#include "duration.h"

#include <QRegularExpression>

namespace ragdr::core {

std::optional<qint64> parseDuration(const QString &text)
{
    static const QRegularExpression whole(QStringLiteral("^(\\d+[smhdw])+$"));
    static const QRegularExpression part(QStringLiteral("(\\d+)([smhdw])"));
    const QString t = text.trimmed();
    if (!whole.match(t).hasMatch())
        return std::nullopt;
    qint64 total = 0;
    for (auto it = part.globalMatch(t); it.hasNext();) {
        const auto m = it.next();
        bool ok = false;
        const qint64 n = m.captured(1).toLongLong(&ok);
        if (!ok)
            return std::nullopt;
        switch (m.captured(2).at(0).toLatin1()) {
        case 's':
            total += n;
            break;
        case 'm':
            total += n * 60;
            break;
        case 'h':
            total += n * 3600;
            break;
        case 'd':
            total += n * 86400;
            break;
        case 'w':
            total += n * 7 * 86400;
            break;
        }
    }
    return total;
}

QString formatDuration(qint64 seconds)
{
    if (seconds < 0)
        seconds = 0;
    const qint64 d = seconds / 86400;
    const qint64 h = (seconds % 86400) / 3600;
    const qint64 m = (seconds % 3600) / 60;
    const qint64 s = seconds % 60;
    if (d > 0)
        return h > 0 ? QStringLiteral("%1d %2h").arg(d).arg(h) : QStringLiteral("%1d").arg(d);
    if (h > 0)
        return m > 0 ? QStringLiteral("%1h %2m").arg(h).arg(m) : QStringLiteral("%1h").arg(h);
    if (m > 0)
        return s > 0 && m < 10 ? QStringLiteral("%1m %2s").arg(m).arg(s)
                               : QStringLiteral("%1m").arg(m);
    return QStringLiteral("%1s").arg(s);
}

QString formatAge(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return QStringLiteral("?");
    const qint64 secs = when.secsTo(now);
    if (secs < -60)
        return QStringLiteral("in the future");
    return formatDuration(secs);
}

} // namespace ragdr::core
