#include "journalentry.h"

namespace ragdr::core {

JournalEntry JournalEntry::from(const QJsonObject &json)
{
    JournalEntry e;
    e.raw = json;
    e.seq = json.value(QLatin1String("seq")).toInteger();
    e.at = QDateTime::fromString(json.value(QLatin1String("at")).toString(), Qt::ISODateWithMs);
    e.at.setTimeSpec(Qt::UTC);
    e.actor = json.value(QLatin1String("actor")).toString();
    e.type = json.value(QLatin1String("type")).toString();
    e.source = json.value(QLatin1String("source")).toString();
    if (e.source.isEmpty())
        e.source = e.type.startsWith(QLatin1String("operation.")) ? QStringLiteral("operation")
                                                                  : QStringLiteral("user");
    e.incident = json.value(QLatin1String("incident")).toString();
    e.evidence = json.value(QLatin1String("evidence")).toObject();
    e.text = json.value(QLatin1String("text")).toString();
    if (e.text.isEmpty()) {
        if (e.type == QLatin1String("operation.started")) {
            e.text
                = QStringLiteral("started: %1").arg(json.value(QLatin1String("title")).toString());
        } else if (e.type == QLatin1String("operation.finished")) {
            e.text = QStringLiteral("%1 (%2): %3")
                         .arg(json.value(QLatin1String("status")).toString(),
                              json.value(QLatin1String("kind")).toString(),
                              json.value(QLatin1String("message")).toString());
            if (e.evidence.isEmpty())
                e.evidence = json.value(QLatin1String("evidence")).toObject();
        }
    }
    return e;
}

QList<JournalEntry> JournalEntry::fromAll(const QList<QJsonObject> &json)
{
    QList<JournalEntry> entries;
    entries.reserve(json.size());
    for (const QJsonObject &j : json)
        entries.append(from(j));
    return entries;
}

} // namespace ragdr::core
