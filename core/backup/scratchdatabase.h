#pragma once

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QStringList>

#include <memory>

namespace ragdr::core {

class PgSession;

// The database a deep verification restores into, on the verify server; it is always dropped
// again. While it exists, ragdr's session on the server holds an advisory lock named after it,
// so that another ragdr can tell a scratch database in use from one a crash left behind.
class ScratchDatabase final
{
public:
    static constexpr auto kPrefix = "ragdr_verify_";

    // Takes the lock, then creates the database from template0, on admin (a session on server's
    // own database, which the object keeps).
    static Result<std::unique_ptr<ScratchDatabase>> create(std::unique_ptr<PgSession> admin,
                                                           const DatabaseConfig &server);
    // Drops the database if drop() was not called (an early return, an exception).
    ~ScratchDatabase();
    ScratchDatabase(const ScratchDatabase &) = delete;
    ScratchDatabase &operator=(const ScratchDatabase &) = delete;

    QString name() const { return m_name; }
    QString describe() const; // "ragdr_verify_… on host:port"

    // Ends ragdr's own sessions on it (a cancelled pg_restore's) and drops it with a plain
    // DROP DATABASE, which ends autovacuum workers itself (a non-superuser cannot end them, so
    // WITH (FORCE) fails on them); retried a few times. A session of another role keeps it: the
    // error names the session, and the next verification drops the database.
    Status drop();

    // Scratch databases of this role that no running ragdr holds, left by a crash or a failed
    // drop: dropped, and their names returned; what could not be dropped goes to problems. admin
    // is a session on the server's own database, as create() uses.
    static QStringList dropLeftovers(PgSession &admin, QStringList *problems);

private:
    ScratchDatabase(std::unique_ptr<PgSession> admin, QString name, DatabaseConfig server);
    std::unique_ptr<PgSession> m_admin;
    QString m_name;
    DatabaseConfig m_server;
    bool m_dropped = false;
};

} // namespace ragdr::core
