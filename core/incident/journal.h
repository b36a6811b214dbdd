#pragma once

#include "core/base/error.h"

#include <QJsonObject>
#include <QMutex>
#include <QString>

namespace ragdr::core {

// The incident journal: an append-only JSON-lines file. Every line carries a sequence number, a
// UTC time, who and where, and a hash that chains it to the line before, so that an edited or
// removed line shows. Safe to append from several threads and several processes (GUI and CLI).
// Nothing secret is ever written here: callers pass names and facts, never passwords or keys.
class Journal final
{
public:
    explicit Journal(QString path);

    QString path() const { return m_path; }

    Status append(const QString &type, const QJsonObject &fields);

    struct Check
    {
        qint64 entries = 0;
        bool intact = true;
        qint64 firstBadLine = 0; // 1-based; 0 when intact
        QString problem;
    };
    // Re-computes the chain from the first line.
    static Result<Check> verify(const QString &path);

    static Result<QList<QJsonObject>> readAll(const QString &path);

    static QString actor(); // "user@host"

private:
    QString m_path;
    QMutex m_mutex;
};

} // namespace ragdr::core
