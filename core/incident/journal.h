#pragma once

#include "journalhead.h"

#include "core/base/error.h"

#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <functional>

namespace ragdr::core {

// What a caller adds to the journal: the entry's kind, who or what produced it, one line a person
// reads, and the evidence behind it.
struct JournalRecord
{
    QString type;   // the entry's kind: "note", "decision", "checklist.item", "operation.started"
    QString source; // "user", "operation" or "probe"; empty: "operation" for operation.*, else "user"
    QString text;   // what a person reads, one line
    QJsonObject evidence;
    QJsonObject fields; // anything else, at the top level of the entry
    // Only incident.opened names its incident; every later entry inherits it from the entry
    // before, up to and including incident.closed.
    QString incident;
};

// The incident journal: an append-only JSON-lines file. Every line carries a sequence number, a
// UTC time, who (actor), from where (source), its kind (type), a line of text, evidence, the
// incident it belongs to, and a hash that chains it to the line before, so that an edited or
// removed line shows. The chain's head (the last entry's number and hash) is also kept outside
// the journal, in a head file beside it and in every export, so that lines cut off the end show
// too. Safe to append from several threads and several processes (GUI and CLI). Nothing secret
// is ever written here: callers pass names and facts, never passwords, keys or webhook URLs.
class Journal final
{
public:
    explicit Journal(QString path);

    QString path() const { return m_path; }

    // The operation runner's entries (operation.started, operation.finished): source "operation".
    Status append(const QString &type, const QJsonObject &fields);
    Status append(const JournalRecord &record);
    // Appends only if guard, given the last entry (empty when there is none), returns success;
    // no other writer comes in between.
    using Guard = std::function<Status(const QJsonObject &last)>;
    Status append(const JournalRecord &record, const Guard &guard);

    // The incident open at the end of a journal whose last entry is `last`; empty when none.
    static QString openIncident(const QJsonObject &last);
    Result<QString> openIncident() const;

    struct Check
    {
        qint64 entries = 0;
        bool intact = true;
        qint64 firstBadLine = 0;  // 1-based; 0 when intact
        qint64 firstBadEntry = 0; // the sequence number expected there; 0 when intact
        QString problem;
        JournalHead head;       // the last good entry
        bool headKnown = false; // a head file (or an export's head) was there to compare with
    };
    // Re-computes the chain from the first line and compares its end with the head file (and
    // with `expected`, a head from an export, when given).
    static Result<Check> verify(const QString &path);
    static Result<Check> verify(const QString &path, const JournalHead &expected);

    static Result<QList<QJsonObject>> readAll(const QString &path);

    // The head file: PATH.head, rewritten atomically after every append.
    static QString headPath(const QString &journalPath);
    static Result<JournalHead> readHead(const QString &journalPath);

    static QString actor(); // "user@host"

private:
    QString m_path;
    QMutex m_mutex;
};

} // namespace ragdr::core
