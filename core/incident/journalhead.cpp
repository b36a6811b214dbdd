#include "journalhead.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace ragdr::core {

QString JournalHead::text() const
{
    return QStringLiteral("journal head: entry %1, sha256 %2").arg(seq).arg(hash);
}

QJsonObject JournalHead::toJson() const
{
    return {{QStringLiteral("seq"), seq},
            {QStringLiteral("hash"), hash},
            {QStringLiteral("at"), at.toString(Qt::ISODateWithMs)}};
}

JournalHead JournalHead::fromJson(const QJsonObject &json)
{
    JournalHead h;
    h.seq = json.value(QLatin1String("seq")).toInteger();
    h.hash = json.value(QLatin1String("hash")).toString();
    h.at = QDateTime::fromString(json.value(QLatin1String("at")).toString(), Qt::ISODateWithMs);
    return h;
}

std::optional<JournalHead> JournalHead::findIn(const QByteArray &exportText)
{
    const QJsonDocument doc = QJsonDocument::fromJson(exportText);
    if (doc.isObject()) {
        const JournalHead h = fromJson(doc.object().value(QLatin1String("journal_head")).toObject());
        if (!h.isNull())
            return h;
    }
    static const QRegularExpression pattern(
        QStringLiteral("journal head: entry (\\d+), sha256 ([0-9a-f]{64})"));
    const auto m = pattern.match(QString::fromUtf8(exportText));
    if (!m.hasMatch())
        return std::nullopt;
    JournalHead h;
    h.seq = m.captured(1).toLongLong();
    h.hash = m.captured(2);
    return h;
}

} // namespace ragdr::core
