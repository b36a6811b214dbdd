#include "pgsession.h"

#include <pqxx/pqxx>

namespace ragdr::core {

struct PgSession::Private
{
    std::unique_ptr<pqxx::connection> conn;
    std::unique_ptr<pqxx::dbtransaction> tx;
};

namespace {

std::string conninfoValue(const QByteArray &value)
{
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '\'';
    return out;
}

QString firstLine(const char *what)
{
    QString text = QString::fromUtf8(what).trimmed();
    const qsizetype nl = text.indexOf(QLatin1Char('\n'));
    return nl < 0 ? text : text.left(nl);
}

Error sqlError(const std::exception &e, const QString &context)
{
    return Error::failed(QStringLiteral("%1: %2").arg(context, firstLine(e.what())));
}

template<typename Fn>
auto guarded(const QString &context, Fn fn) -> Result<decltype(fn())>
{
    try {
        if constexpr (std::is_void_v<decltype(fn())>) {
            fn();
            return {};
        } else {
            return fn();
        }
    } catch (const pqxx::broken_connection &e) {
        return fail(Error::failed(QStringLiteral("%1: the database connection was lost: %2")
                                      .arg(context, firstLine(e.what()))));
    } catch (const std::exception &e) {
        return fail(sqlError(e, context));
    }
}

QList<PgRow> toRows(const pqxx::result &r)
{
    QList<PgRow> rows;
    rows.reserve(int(r.size()));
    for (const auto &row : r) {
        PgRow out;
        out.reserve(int(row.size()));
        for (const auto &field : row)
            out.append(field.is_null() ? QVariant() : QVariant(QString::fromUtf8(field.c_str())));
        rows.append(std::move(out));
    }
    return rows;
}

} // namespace

std::string conninfoFor(const DatabaseConfig &db,
                        const QByteArray &password,
                        const QString &databaseOverride)
{
    std::string ci = "host=" + conninfoValue(db.host.toUtf8()) + " port=" + std::to_string(db.port)
                     + " dbname="
                     + conninfoValue(
                         (databaseOverride.isEmpty() ? db.name : databaseOverride).toUtf8())
                     + " user=" + conninfoValue(db.user.toUtf8()) + " connect_timeout="
                     + std::to_string(db.connectTimeoutSecs) + " application_name='ragdr'";
    if (!db.sslmode.isEmpty())
        ci += " sslmode=" + conninfoValue(db.sslmode.toUtf8());
    if (!password.isEmpty())
        ci += " password=" + conninfoValue(password);
    return ci;
}

Result<std::unique_ptr<PgSession>> PgSession::connect(const DatabaseConfig &db,
                                                      const QByteArray &password,
                                                      const QString &databaseOverride)
{
    std::unique_ptr<PgSession> session(new PgSession);
    session->m_config = db;
    session->m_database = databaseOverride.isEmpty() ? db.name : databaseOverride;
    DatabaseConfig shown = db;
    shown.name = session->m_database;
    auto opened = guarded(QStringLiteral("cannot connect to %1").arg(shown.describe()), [&] {
        session->d->conn = std::make_unique<pqxx::connection>(
            conninfoFor(db, password, databaseOverride));
    });
    if (!opened)
        return fail(opened.error());
    return session;
}

PgSession::PgSession()
    : d(std::make_unique<Private>())
{}

PgSession::~PgSession()
{
    try {
        d->tx.reset();
        d->conn.reset();
    } catch (...) {
        // Closing a connection must not throw out of a destructor.
    }
}

Status PgSession::begin(Isolation isolation, bool readOnly)
{
    return guarded(QStringLiteral("cannot begin a transaction"), [&] {
        using pqxx::isolation_level;
        using pqxx::readwrite_policy;
        if (isolation == Isolation::RepeatableRead) {
            if (readOnly)
                d->tx = std::make_unique<pqxx::transaction<isolation_level::repeatable_read,
                                                           readwrite_policy::read_only>>(*d->conn);
            else
                d->tx = std::make_unique<pqxx::transaction<isolation_level::repeatable_read>>(
                    *d->conn);
        } else {
            if (readOnly)
                d->tx = std::make_unique<
                    pqxx::transaction<isolation_level::read_committed, readwrite_policy::read_only>>(
                    *d->conn);
            else
                d->tx = std::make_unique<pqxx::transaction<isolation_level::read_committed>>(
                    *d->conn);
        }
    });
}

Status PgSession::commit()
{
    if (!d->tx)
        return {};
    auto done = guarded(QStringLiteral("cannot commit"), [&] { d->tx->commit(); });
    d->tx.reset();
    return done;
}

void PgSession::rollback()
{
    try {
        if (d->tx)
            d->tx->abort();
    } catch (...) {
        // The connection may already be gone; there is nothing left to roll back then.
    }
    d->tx.reset();
}

bool PgSession::inTransaction() const
{
    return bool(d->tx);
}

Result<QList<PgRow>> PgSession::query(const QString &sql, const QStringList &params)
{
    return guarded(QStringLiteral("query failed"), [&] {
        std::vector<std::string> values;
        values.reserve(params.size());
        for (const QString &p : params)
            values.push_back(p.toStdString());
        const std::string text = sql.toStdString();
        // Without parameters, the simple protocol: it also takes several statements at once.
        auto run = [&](pqxx::transaction_base &tx) {
            return values.empty()
                       ? tx.exec(text)
                       : tx.exec_params(text, pqxx::prepare::make_dynamic_params(values));
        };
        if (d->tx)
            return toRows(run(*d->tx));
        pqxx::nontransaction ntx(*d->conn);
        return toRows(run(ntx));
    });
}

Result<QVariant> PgSession::scalar(const QString &sql, const QStringList &params)
{
    auto rows = query(sql, params);
    if (!rows)
        return fail(rows.error());
    if (rows->isEmpty() || rows->constFirst().isEmpty())
        return QVariant();
    return rows->constFirst().constFirst();
}

Status PgSession::execute(const QString &sql, const QStringList &params)
{
    auto rows = query(sql, params);
    if (!rows)
        return fail(rows.error());
    return {};
}

int PgSession::backendPid() const
{
    return d->conn ? d->conn->backendpid() : 0;
}

QString PgSession::database() const
{
    return m_database;
}

Status PgSession::cancelBackend(const DatabaseConfig &db, const QByteArray &password, int pid)
{
    auto session = connect(db, password);
    if (!session)
        return fail(session.error());
    return (*session)->execute(QStringLiteral("SELECT pg_cancel_backend($1::int)"),
                               {QString::number(pid)});
}

QString PgSession::quoteIdentifier(const QString &name)
{
    QString quoted = name;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString PgSession::quoteQualified(const QString &name)
{
    const qsizetype dot = name.indexOf(QLatin1Char('.'));
    if (dot < 0)
        return quoteIdentifier(name);
    return quoteIdentifier(name.left(dot)) + QLatin1Char('.') + quoteIdentifier(name.mid(dot + 1));
}

QString PgSession::quoteLiteral(const QString &value)
{
    QString quoted = value;
    quoted.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace ragdr::core
