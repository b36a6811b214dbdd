#include "scratchdatabase.h"

#include "core/db/pgsession.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QThread>

namespace ragdr::core {

namespace {

constexpr int kDropAttempts = 4;
constexpr int kDropBackoffMs = 500;

// The advisory lock of one scratch database: (a constant, a hash of its name).
const QString kLockArgs = QStringLiteral("hashtext('ragdr_verify'), hashtext($1)");

// Sessions on the database that ragdr cannot end: those of other roles. (Another role's row
// shows no backend type to this one; an autovacuum worker's shows no role, and DROP DATABASE
// ends it.)
Result<QStringList> foreignSessions(PgSession &admin, const QString &database)
{
    auto rows = admin.query(QStringLiteral(
                                "SELECT pid, usename, application_name FROM pg_stat_activity "
                                "WHERE datname = $1 AND pid <> pg_backend_pid() "
                                "AND usename IS NOT NULL AND usename <> current_user"),
                            {database});
    if (!rows)
        return fail(rows.error());
    QStringList sessions;
    for (const PgRow &r : std::as_const(*rows)) {
        sessions.append(QStringLiteral("pid %1 of role %2%3")
                            .arg(r.value(0).toString(),
                                 r.value(1).toString(),
                                 r.value(2).toString().isEmpty()
                                     ? QString()
                                     : QStringLiteral(" (%1)").arg(r.value(2).toString())));
    }
    return sessions;
}

Status dropDatabase(PgSession &admin, const QString &database)
{
    QString why;
    for (int attempt = 1; attempt <= kDropAttempts; ++attempt) {
        if (attempt > 1)
            QThread::msleep(kDropBackoffMs * (attempt - 1));
        // What ragdr itself left there (a pg_restore that was killed) this role may end.
        (void) admin.execute(QStringLiteral(
                                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = $1 AND pid <> pg_backend_pid() "
                                 "AND backend_type = 'client backend' AND usename = current_user"),
                             {database});
        auto others = foreignSessions(admin, database);
        if (others && !others->isEmpty()) {
            why = QStringLiteral("it is in use by %1").arg(others->join(QStringLiteral(", ")));
            continue;
        }
        // Not WITH (FORCE): that fails on an autovacuum worker, which a plain DROP ends itself.
        auto dropped = admin.execute(
            QStringLiteral("DROP DATABASE IF EXISTS %1").arg(PgSession::quoteIdentifier(database)));
        if (dropped)
            return {};
        why = dropped.error().message;
    }
    return fail(Error::failed(why));
}

} // namespace

ScratchDatabase::ScratchDatabase(std::unique_ptr<PgSession> admin,
                                 QString name,
                                 DatabaseConfig server)
    : m_admin(std::move(admin))
    , m_name(std::move(name))
    , m_server(std::move(server))
{}

ScratchDatabase::~ScratchDatabase()
{
    if (!m_dropped)
        (void) drop();
}

QString ScratchDatabase::describe() const
{
    return QStringLiteral("%1 on %2:%3").arg(m_name, m_server.host).arg(m_server.port);
}

Result<std::unique_ptr<ScratchDatabase>> ScratchDatabase::create(std::unique_ptr<PgSession> admin,
                                                                 const DatabaseConfig &server)
{
    const QString name
        = QLatin1String(kPrefix)
          + QStringLiteral("%1_%2")
                .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmss")))
                .arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QLatin1Char('0'));
    // The lock first: from its creation on, no sweep can take the database for a leftover.
    if (auto locked = admin->execute(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(kLockArgs),
                                     {name});
        !locked) {
        return fail(locked.error());
    }
    if (auto created = admin->execute(QStringLiteral("CREATE DATABASE %1 TEMPLATE template0")
                                          .arg(PgSession::quoteIdentifier(name)));
        !created) {
        Error e = created.error();
        if (e.message.contains(QLatin1String("permission denied")))
            e.message += QStringLiteral(
                             " (deep verification restores into a scratch database: grant %1 "
                             "CREATEDB, or name another server as verify_database in the profile)")
                             .arg(server.user);
        return fail(e);
    }
    return std::unique_ptr<ScratchDatabase>(new ScratchDatabase(std::move(admin), name, server));
}

Status ScratchDatabase::drop()
{
    m_dropped = true;
    auto dropped = dropDatabase(*m_admin, m_name);
    if (!dropped) {
        return fail(
            Error::failed(QStringLiteral("the scratch database %1 could not be dropped: %2; "
                                         "the next deep verification drops it")
                              .arg(describe(), dropped.error().message)));
    }
    (void) m_admin->execute(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kLockArgs),
                            {m_name});
    return {};
}

QStringList ScratchDatabase::dropLeftovers(PgSession &admin, QStringList *problems)
{
    auto rows
        = admin.query(QStringLiteral(
                          "SELECT datname FROM pg_database WHERE datname LIKE $1 "
                          "AND datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
                          "ORDER BY 1"),
                      {QString::fromLatin1(kPrefix).replace(QLatin1Char('_'), QStringLiteral("\\_"))
                       + QLatin1Char('%')});
    if (!rows) {
        if (problems)
            problems->append(
                rows.error().prefixed(QStringLiteral("listing scratch databases")).message);
        return {};
    }
    QStringList dropped;
    for (const PgRow &row : std::as_const(*rows)) {
        const QString name = row.value(0).toString();
        auto mine = admin.scalar(QStringLiteral("SELECT pg_try_advisory_lock(%1)").arg(kLockArgs),
                                 {name});
        if (!mine || mine->toString() != QLatin1String("t"))
            continue; // another ragdr is verifying into it right now
        if (auto gone = dropDatabase(admin, name); gone) {
            dropped.append(name);
        } else if (problems) {
            problems->append(QStringLiteral("the leftover scratch database %1 could not be "
                                            "dropped: %2")
                                 .arg(name, gone.error().message));
        }
        (void) admin.execute(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kLockArgs), {name});
    }
    return dropped;
}

} // namespace ragdr::core
