#include "kubetime.h"

#include <QRegularExpression>

namespace ragdr::core::kubetime {

QDateTime parse(const QString &text)
{
    // QDateTime's ISO parser stops at three fraction digits; the API sends up to nine.
    static const QRegularExpression re(
        QStringLiteral("^(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?"
                       "([Zz]|[+-]\\d{2}:\\d{2})$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return {};
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    const QString fraction = m.captured(7);
    const int ms = fraction.isEmpty() ? 0
                                      : QString(fraction + QStringLiteral("00")).left(3).toInt();
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt(), ms);
    if (!date.isValid() || !time.isValid())
        return {};
    const QString zone = m.captured(8);
    int offsetSecs = 0;
    if (zone != QLatin1String("Z") && zone != QLatin1String("z")) {
        offsetSecs = zone.mid(1, 2).toInt() * 3600 + zone.mid(4, 2).toInt() * 60;
        if (zone.startsWith(QLatin1Char('-')))
            offsetSecs = -offsetSecs;
    }
    QDateTime when(date, time, Qt::OffsetFromUTC, offsetSecs);
    // Go's zero time (0001-01-01T00:00:00Z) is how an unset metav1.Time can appear.
    if (date.year() <= 1)
        return {};
    return when.toUTC();
}

QString format(const QDateTime &when)
{
    return when.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QLatin1Char('Z');
}

QString formatMicro(const QDateTime &when)
{
    const QDateTime utc = when.toUTC();
    return utc.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) + QStringLiteral("000Z");
}

QString formatNano(const QDateTime &when)
{
    const QDateTime utc = when.toUTC();
    QString fraction = utc.toString(QStringLiteral("zzz"));
    while (fraction.endsWith(QLatin1Char('0')))
        fraction.chop(1);
    QString text = utc.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    if (!fraction.isEmpty())
        text += QLatin1Char('.') + fraction;
    return text + QLatin1Char('Z');
}

} // namespace ragdr::core::kubetime
