#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

namespace ragdr::core {

// One journal line as the timeline shows it. Entries written before the journal had text and
// source (and the operation runner's, which carry a title or a result) get both derived.
struct JournalEntry
{
    qint64 seq = 0;
    QDateTime at; // UTC
    QString actor;
    QString source; // user | operation | probe
    QString type;   // the entry's kind
    QString text;
    QString incident;
    QJsonObject evidence;
    QJsonObject raw; // the whole line

    static JournalEntry from(const QJsonObject &json);
    static QList<JournalEntry> fromAll(const QList<QJsonObject> &json);
};

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::JournalEntry)
