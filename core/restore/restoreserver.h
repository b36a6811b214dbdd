#pragma once

#include "core/base/canceltoken.h"
#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QDateTime>
#include <QList>
#include <QStringList>

#include <memory>

namespace ragdr::core {

class PgSession;

// A session on the server that can end or not: who it is, and whether the restore role may end it.
struct ServerSession
{
    int pid = 0;
    QString user;
    QString application;
    QString client;
    bool canEnd = false;
    QString describe() const; // "pid 123, role rag_api, application rag-api, from 10.0.0.4"
};

struct DatabaseInfo
{
    QString name;
    quint32 oid = 0; // the same database under any name: a rename keeps it
    QString owner;
    QString encoding;
    QString collate;
    QString ctype;
    qint64 bytes = -1;
    QStringList grants;     // GRANT statements that give the database's privileges (datacl)
    bool defaultAcl = true; // datacl is NULL: the defaults of a new database
    QStringList settings;   // "name=value" of ALTER DATABASE ... SET
};

// A database kept by a restore (the live one renamed before the swap, or a restored one rolled
// back) until someone discards it.
struct KeptDatabase
{
    QString name;
    QString kind; // "pre-restore" | "rolled-back"
    QDateTime at; // from the name's timestamp
    qint64 bytes = -1;
};

// The server side of a restore, through one session on the maintenance database (renames cannot
// run from inside the databases they rename): locks, privileges, sessions, create, drop, and the
// rename swap in one transaction.
class RestoreServer final
{
public:
    static Result<std::unique_ptr<RestoreServer>> connect(const DatabaseConfig &restoreDb,
                                                          const QByteArray &password,
                                                          const QString &maintenanceDatabase);
    ~RestoreServer();

    PgSession &session() { return *m_session; }
    QString role() const { return m_role; }

    // Held by this session until it closes (a killed process's session closes with it). Refused,
    // naming the holder (role, application, client, since), when another session has it.
    // waitSecs: how long to wait for a holder to go (a killed process's session ends soon after).
    Status lockDatabase(const QString &database, const QString &holderName, int waitSecs = 0);

    Result<bool> exists(const QString &database);
    Result<DatabaseInfo> info(const QString &database);

    // What the role lacks for the plan, each said as what to grant; empty when nothing is missing.
    // ownerRoles: the roles the archive's objects belong to (pg_restore sets them as owners).
    Result<QStringList> missingPrivileges(const QString &live,
                                          bool liveExists,
                                          const QStringList &ownerRoles);

    Result<QList<ServerSession>> sessionsOn(const QString &database);
    // Waits up to graceSecs for the sessions to end by themselves, then ends those it may; fails
    // naming those that remain.
    Status endSessions(const QString &database, qint64 graceSecs, const CancelToken &cancel);

    // CREATE DATABASE from template0 with the live database's owner, encoding and locale, then its
    // privileges and settings.
    Status createLike(const QString &name, const std::optional<DatabaseInfo> &like);
    Status drop(const QString &name);

    // Renames in one transaction: every pair, or none. Pairs run in order (old -> new).
    Status renameAll(const QList<QPair<QString, QString>> &renames);

    Result<QList<KeptDatabase>> keptDatabases(const QString &live);
    static QString stagingName(const QString &live, const QDateTime &at);
    static QString preRestoreName(const QString &live, const QDateTime &at);
    static QString rolledBackName(const QString &live, const QDateTime &at);

private:
    RestoreServer() = default;
    std::unique_ptr<PgSession> m_session;
    QString m_role;
};

} // namespace ragdr::core
