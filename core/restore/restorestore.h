#pragma once

#include "restorestate.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace ragdr::core {

struct DatabaseConfig;

// Where restores keep their state: <data dir>/restores/<id>.json, each beside a lock file
// (<id>.lock) its process holds for its life, and one lock per database
// (locks/<host>_<port>_<db>.lock) that makes a second restore of it wait its turn.
class RestoreStore final
{
public:
    explicit RestoreStore(QString dataDir);

    QString directory() const { return m_dir; }
    QString statePath(const QString &id) const;
    QString processLockPath(const QString &id) const;
    QString databaseLockPath(const DatabaseConfig &db) const;
    // A file whose existence lets a waiting restore go on: into a step, "all" of them, or past
    // "apps-stopped".
    QString goPath(const QString &id, const QString &token) const;
    void removeGoFiles(const QString &id) const;

    Status write(RestoreState &state) const; // sets updatedAt
    Result<RestoreState> read(const QString &id) const;
    // Every recorded restore and rollback, newest first; unreadable files are skipped.
    QList<RestoreState> list() const;
    // The newest state of a restore that is running or was interrupted, if any.
    std::optional<RestoreState> current() const;

    // A restore recorded as running whose process no longer holds its lock: it was killed.
    bool isInterrupted(const RestoreState &state) const;
    bool isProcessAlive(const RestoreState &state) const;

    static QString newId(const QString &kind);

private:
    QString m_dir;
};

} // namespace ragdr::core
