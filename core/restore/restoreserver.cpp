#include "restoreserver.h"

#include "core/db/pgsession.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QThread>

namespace ragdr::core {

namespace {

constexpr int kPollMs = 200;
constexpr int kTerminateWaitMs = 5000;
const QString kTimestampFormat = QStringLiteral("yyyyMMddHHmmss");

QString q(const QString &identifier)
{
    return PgSession::quoteIdentifier(identifier);
}

QString literal(const QString &value)
{
    return PgSession::quoteLiteral(value);
}

bool isTrue(const QVariant &v)
{
    return v.toString() == QLatin1String("t");
}

// Database names are identifiers: at most 63 bytes, or PostgreSQL cuts them silently.
Result<QString> checkedName(const QString &name)
{
    if (name.toUtf8().size() > 63) {
        return fail(Error::badInput(
            QStringLiteral("the database name %1 would be longer than PostgreSQL's 63 bytes; "
                           "rename the live database to a shorter name first")
                .arg(name)));
    }
    return name;
}

} // namespace

QString ServerSession::describe() const
{
    QString text = QStringLiteral("pid %1, role %2").arg(pid).arg(user);
    if (!application.isEmpty())
        text += QStringLiteral(", application %1").arg(application);
    return text + QStringLiteral(", from %1").arg(client);
}

Result<std::unique_ptr<RestoreServer>> RestoreServer::connect(const DatabaseConfig &restoreDb,
                                                              const QByteArray &password,
                                                              const QString &maintenanceDatabase)
{
    auto session = PgSession::connect(restoreDb, password, maintenanceDatabase);
    if (!session)
        return fail(session.error());
    std::unique_ptr<RestoreServer> server(new RestoreServer);
    server->m_session = std::move(*session);
    server->m_role = restoreDb.user;
    // A killed restore's transaction must end at once, not when the server next writes to it.
    (void) server->m_session->execute(
        QStringLiteral("SET client_connection_check_interval = '1s'"));
    return server;
}

RestoreServer::~RestoreServer() = default;

Status RestoreServer::lockDatabase(const QString &database, const QString &holderName, int waitSecs)
{
    (void) m_session->execute(QStringLiteral("SELECT set_config('application_name', $1, false)"),
                              {holderName.left(63)});
    QDeadlineTimer deadline(std::chrono::seconds{waitSecs});
    for (;;) {
        auto got = m_session->scalar(
            QStringLiteral("SELECT pg_try_advisory_lock(hashtext('ragdr.restore'), hashtext($1))"),
            {database});
        if (!got)
            return fail(got.error().prefixed(QStringLiteral("taking the restore lock")));
        if (isTrue(*got))
            return {};
        if (deadline.hasExpired())
            break;
        QThread::msleep(kPollMs);
    }
    auto holder = m_session->query(
        QStringLiteral(
            "SELECT a.usename, a.application_name, coalesce(host(a.client_addr), 'local'), "
            "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), a.pid "
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 "
            "AND l.classid::int8 = (hashtext('ragdr.restore')::int8 & 4294967295) "
            "AND l.objid::int8 = (hashtext($1)::int8 & 4294967295)"),
        {database});
    QString who = QStringLiteral("another session");
    if (holder && !holder->isEmpty()) {
        const PgRow &r = holder->constFirst();
        who = QStringLiteral("%1 (role %2, from %3, server pid %4, since %5 UTC)")
                  .arg(r.value(1).toString(),
                       r.value(0).toString(),
                       r.value(2).toString(),
                       r.value(4).toString(),
                       r.value(3).toString());
    }
    return fail(Error::refused(QStringLiteral(
                                   "a restore of %1 is already running on the server: held by %2")
                                   .arg(database, who),
                               QStringLiteral("nothing: this restore did not start")));
}

Result<bool> RestoreServer::exists(const QString &database)
{
    auto n = m_session->scalar(QStringLiteral(
                                   "SELECT count(*) FROM pg_database WHERE datname = $1"),
                               {database});
    if (!n)
        return fail(n.error());
    return n->toString().toInt() > 0;
}

Result<DatabaseInfo> RestoreServer::info(const QString &database)
{
    auto rows
        = m_session->query(QStringLiteral(
                               "SELECT pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), "
                               "d.datcollate, d.datctype, "
                               "CASE WHEN has_database_privilege(d.oid, 'CONNECT') "
                               "THEN pg_database_size(d.oid) END, d.datacl IS NULL, d.oid "
                               "FROM pg_database d WHERE d.datname = $1"),
                           {database});
    if (!rows)
        return fail(rows.error());
    if (rows->isEmpty())
        return fail(Error::failed(QStringLiteral("the server has no database %1").arg(database)));
    const PgRow &r = rows->constFirst();
    DatabaseInfo info;
    info.name = database;
    info.owner = r.value(0).toString();
    info.encoding = r.value(1).toString();
    info.collate = r.value(2).toString();
    info.ctype = r.value(3).toString();
    info.bytes = r.value(4).isValid() ? r.value(4).toString().toLongLong() : -1;
    info.defaultAcl = isTrue(r.value(5));
    info.oid = r.value(6).toString().toUInt();
    auto grants
        = m_session->query(QStringLiteral(
                               "SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
                               "ELSE quote_ident(pg_get_userbyid(a.grantee)) END, a.is_grantable "
                               "FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = $1 "
                               "ORDER BY 2, 1"),
                           {database});
    if (!grants)
        return fail(grants.error());
    for (const PgRow &g : std::as_const(*grants)) {
        info.grants.append(
            QStringLiteral("GRANT %1 ON DATABASE %3 TO %2%4")
                .arg(g.value(0).toString(),
                     g.value(1).toString(),
                     QStringLiteral("%1"),
                     isTrue(g.value(2)) ? QStringLiteral(" WITH GRANT OPTION") : QString()));
    }
    auto settings = m_session->query(QStringLiteral(
                                         "SELECT unnest(s.setconfig) FROM pg_db_role_setting s "
                                         "JOIN pg_database d ON d.oid = s.setdatabase "
                                         "WHERE d.datname = $1 AND s.setrole = 0"),
                                     {database});
    if (!settings)
        return fail(settings.error());
    for (const PgRow &s : std::as_const(*settings))
        info.settings.append(s.value(0).toString());
    return info;
}

Result<QStringList> RestoreServer::missingPrivileges(const QString &live,
                                                     bool liveExists,
                                                     const QStringList &ownerRoles)
{
    QStringList missing;
    auto attrs = m_session->query(
        QStringLiteral("SELECT r.rolsuper, r.rolcreatedb FROM pg_roles r WHERE r.rolname = "
                       "current_user"));
    if (!attrs)
        return fail(attrs.error());
    const bool super = isTrue(attrs->value(0).value(0));
    const bool createdb = isTrue(attrs->value(0).value(1));
    if (super)
        return missing;
    if (!createdb) {
        missing.append(QStringLiteral("%1 may not create databases (the staging database): "
                                      "ALTER ROLE %1 CREATEDB")
                           .arg(m_role));
    }
    if (liveExists) {
        auto owner = m_session->query(
            QStringLiteral("SELECT pg_get_userbyid(datdba), pg_has_role(current_user, datdba, "
                           "'MEMBER') FROM pg_database WHERE datname = $1"),
            {live});
        if (!owner)
            return fail(owner.error());
        if (!owner->isEmpty() && !isTrue(owner->constFirst().value(1))) {
            missing.append(QStringLiteral("%1 does not own %2 (its owner is %3), so it may not "
                                          "rename it: GRANT %3 TO %1")
                               .arg(m_role, live, owner->constFirst().value(0).toString()));
        }
    }
    if (!ownerRoles.isEmpty()) {
        auto roles = m_session->query(
            QStringLiteral("SELECT o.name, r.oid IS NOT NULL, "
                           "r.oid IS NOT NULL AND pg_has_role(current_user, r.oid, 'MEMBER') "
                           "FROM unnest($1::text[]) AS o(name) LEFT JOIN pg_roles r ON r.rolname "
                           "= o.name"),
            {QStringLiteral("{%1}").arg(ownerRoles.join(QLatin1Char(',')))});
        if (!roles)
            return fail(roles.error());
        for (const PgRow &r : std::as_const(*roles)) {
            const QString name = r.value(0).toString();
            if (!isTrue(r.value(1))) {
                missing.append(QStringLiteral("role %1 owns objects in the backup but does not "
                                              "exist on the server: CREATE ROLE %1")
                                   .arg(name));
            } else if (!isTrue(r.value(2))) {
                missing.append(QStringLiteral("%1 may not give objects to %2, which owns objects "
                                              "in the backup: GRANT %2 TO %1")
                                   .arg(m_role, name));
            }
        }
    }
    return missing;
}

Result<QList<ServerSession>> RestoreServer::sessionsOn(const QString &database)
{
    auto rows = m_session->query(
        QStringLiteral(
            "SELECT a.pid, coalesce(a.usename, ''), a.application_name, "
            "coalesce(host(a.client_addr), 'local'), "
            "me.rolsuper OR (a.usesysid IS NOT NULL AND pg_has_role(current_user, a.usesysid, "
            "'MEMBER')) OR (pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') AND NOT "
            "coalesce((SELECT rolsuper FROM pg_roles WHERE oid = a.usesysid), false)) "
            "FROM pg_stat_activity a, (SELECT rolsuper FROM pg_roles WHERE rolname = "
            "current_user) me "
            "WHERE a.datname = $1 AND a.pid <> pg_backend_pid() AND a.usesysid IS NOT NULL "
            // Another role's backend_type reads NULL; the autovacuum (no role) ends by itself.
            "AND coalesce(a.backend_type, 'client backend') = 'client backend' ORDER BY a.pid"),
        {database});
    if (!rows)
        return fail(rows.error());
    QList<ServerSession> sessions;
    for (const PgRow &r : std::as_const(*rows)) {
        sessions.append({r.value(0).toString().toInt(),
                         r.value(1).toString(),
                         r.value(2).toString(),
                         r.value(3).toString(),
                         isTrue(r.value(4))});
    }
    return sessions;
}

Status RestoreServer::endSessions(const QString &database,
                                  qint64 graceSecs,
                                  const CancelToken &cancel)
{
    // The apps were stopped: their sessions go by themselves. Whatever is left is ended.
    QDeadlineTimer grace(std::chrono::seconds{graceSecs});
    QList<ServerSession> left;
    for (;;) {
        auto sessions = sessionsOn(database);
        if (!sessions)
            return fail(sessions.error());
        left = *sessions;
        if (left.isEmpty())
            return {};
        if (cancel.isCancelled())
            return fail(Error::cancelled());
        if (grace.hasExpired())
            break;
        QThread::msleep(kPollMs);
    }
    for (const ServerSession &s : std::as_const(left)) {
        if (s.canEnd)
            (void) m_session->execute(QStringLiteral("SELECT pg_terminate_backend($1::int)"),
                                      {QString::number(s.pid)});
    }
    QDeadlineTimer ended(kTerminateWaitMs);
    while (!ended.hasExpired()) {
        auto sessions = sessionsOn(database);
        if (!sessions)
            return fail(sessions.error());
        left = *sessions;
        if (left.isEmpty())
            return {};
        QThread::msleep(kPollMs);
    }
    QStringList cannot;
    QStringList would;
    for (const ServerSession &s : std::as_const(left))
        (s.canEnd ? would : cannot).append(s.describe());
    QString message
        = QStringLiteral("%1 session(s) on %2 did not end").arg(left.size()).arg(database);
    if (!cannot.isEmpty()) {
        message += QStringLiteral("; %1 may not end %2 (ending another role's session needs "
                                  "superuser, membership in that role, or pg_signal_backend for "
                                  "non-superuser sessions)")
                       .arg(m_role, cannot.join(QStringLiteral("; ")));
    }
    if (!would.isEmpty())
        message += QStringLiteral("; still there after pg_terminate_backend: %1")
                       .arg(would.join(QStringLiteral("; ")));
    return fail(Error::failed(message));
}

Status RestoreServer::createLike(const QString &name, const std::optional<DatabaseInfo> &like)
{
    auto checked = checkedName(name);
    if (!checked)
        return fail(checked.error());
    QString sql = QStringLiteral("CREATE DATABASE %1 TEMPLATE template0").arg(q(name));
    if (like) {
        sql += QStringLiteral(" OWNER %1 ENCODING %2 LC_COLLATE %3 LC_CTYPE %4")
                   .arg(q(like->owner),
                        literal(like->encoding),
                        literal(like->collate),
                        literal(like->ctype));
    }
    if (auto created = m_session->execute(sql); !created)
        return fail(created.error().prefixed(QStringLiteral("creating %1").arg(name)));
    if (!like)
        return {};
    // The privileges on the database itself (CONNECT, CREATE, TEMP) are not in a pg_dump archive.
    QStringList statements;
    if (!like->defaultAcl)
        statements.append(QStringLiteral("REVOKE ALL ON DATABASE %1 FROM PUBLIC").arg(q(name)));
    for (const QString &grant : like->grants)
        statements.append(grant.arg(q(name)));
    for (const QString &setting : like->settings) {
        const qsizetype eq = setting.indexOf(QLatin1Char('='));
        statements.append(QStringLiteral("ALTER DATABASE %1 SET %2 = %3")
                              .arg(q(name), q(setting.left(eq)), literal(setting.mid(eq + 1))));
    }
    for (const QString &statement : std::as_const(statements)) {
        if (auto done = m_session->execute(statement); !done) {
            return fail(done.error().prefixed(
                QStringLiteral("giving %1 the live database's privileges").arg(name)));
        }
    }
    return {};
}

Status RestoreServer::drop(const QString &name)
{
    // FORCE: a session left behind by a killed pg_restore must not keep it alive.
    return m_session->execute(
        QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(q(name)));
}

Status RestoreServer::renameAll(const QList<QPair<QString, QString>> &renames)
{
    for (const auto &r : renames) {
        if (auto checked = checkedName(r.second); !checked)
            return fail(checked.error());
    }
    if (auto begun = m_session->begin(PgSession::Isolation::ReadCommitted, false); !begun)
        return begun;
    for (const auto &r : renames) {
        auto renamed = m_session->execute(
            QStringLiteral("ALTER DATABASE %1 RENAME TO %2").arg(q(r.first), q(r.second)));
        if (!renamed) {
            m_session->rollback();
            return fail(renamed.error().prefixed(
                QStringLiteral("renaming %1 to %2").arg(r.first, r.second)));
        }
    }
    return m_session->commit();
}

Result<QList<KeptDatabase>> RestoreServer::keptDatabases(const QString &live)
{
    auto rows = m_session->query(
        QStringLiteral("SELECT datname, CASE WHEN has_database_privilege(oid, 'CONNECT') "
                       "THEN pg_database_size(oid) END FROM pg_database "
                       "WHERE left(datname, length($1) + 1) = $1 || '_' ORDER BY datname DESC"),
        {live});
    if (!rows)
        return fail(rows.error());
    static const QRegularExpression kept(QStringLiteral("^_(pre_restore|rolled_back)_(\\d{14})$"));
    QList<KeptDatabase> out;
    for (const PgRow &r : std::as_const(*rows)) {
        const QString name = r.value(0).toString();
        const auto m = kept.match(name.mid(live.size()));
        if (!m.hasMatch())
            continue;
        QDateTime at = QDateTime::fromString(m.captured(2), kTimestampFormat);
        at.setTimeSpec(Qt::UTC);
        out.append({name,
                    m.captured(1) == QLatin1String("pre_restore") ? QStringLiteral("pre-restore")
                                                                  : QStringLiteral("rolled-back"),
                    at,
                    r.value(1).isValid() ? r.value(1).toString().toLongLong() : -1});
    }
    return out;
}

QString RestoreServer::stagingName(const QString &live, const QDateTime &at)
{
    return QStringLiteral("%1_restore_%2").arg(live, at.toUTC().toString(kTimestampFormat));
}

QString RestoreServer::preRestoreName(const QString &live, const QDateTime &at)
{
    return QStringLiteral("%1_pre_restore_%2").arg(live, at.toUTC().toString(kTimestampFormat));
}

QString RestoreServer::rolledBackName(const QString &live, const QDateTime &at)
{
    return QStringLiteral("%1_rolled_back_%2").arg(live, at.toUTC().toString(kTimestampFormat));
}

} // namespace ragdr::core
