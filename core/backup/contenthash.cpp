#include "contenthash.h"

#include "core/db/pgsession.h"

namespace ragdr::core {

namespace {

// Below this OID every type is built in: its OID is the same in every database.
constexpr qint64 kFirstNormalObjectId = 16384;

// Each column as bytea, or NULL; the row is the concatenation of md5s ("n" for a NULL), which
// cannot be confused across column boundaries.
QString columnExpression(const PgRow &column)
{
    const QString name = PgSession::quoteIdentifier(column.value(0).toString());
    const QString send = column.value(1).toString();
    const QString typtype = column.value(2).toString();
    const QString category = column.value(3).toString();
    const qint64 element = column.value(4).toString().toLongLong();
    const QString elementType = column.value(5).toString();
    const bool renumbered = typtype == QLatin1String("c")
                            || (category == QLatin1String("A")
                                && (element >= kFirstNormalObjectId
                                    || elementType == QLatin1String("c")))
                            || send.startsWith(QLatin1String("reg")) || send == QLatin1String("-");
    const QString bytes = renumbered ? QStringLiteral("textsend(%1::text)").arg(name)
                                     : QStringLiteral("%1(%2)").arg(send, name);
    return QStringLiteral("coalesce(md5(%1), 'n')").arg(bytes);
}

} // namespace

QString ContentHash::method()
{
    return QStringLiteral("ragdr-rows-md5/1");
}

Status ContentHash::pinSettings(PgSession &session)
{
    const QString local = session.inTransaction() ? QStringLiteral("true")
                                                  : QStringLiteral("false");
    return session.execute(QStringLiteral("SELECT set_config('timezone', 'UTC', %1), "
                                          "set_config('datestyle', 'ISO, YMD', %1), "
                                          "set_config('intervalstyle', 'postgres', %1), "
                                          "set_config('extra_float_digits', '1', %1), "
                                          "set_config('bytea_output', 'hex', %1)")
                               .arg(local));
}

Result<ContentHash::TableHash> ContentHash::of(PgSession &session, const QString &qualifiedName)
{
    const QString table = PgSession::quoteQualified(qualifiedName);
    auto columns = session.query(
        QStringLiteral("SELECT a.attname, t.typsend::regproc::text, t.typtype, t.typcategory, "
                       "t.typelem::bigint, e.typtype "
                       "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                       "LEFT JOIN pg_type e ON e.oid = t.typelem "
                       "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped "
                       "ORDER BY a.attnum"),
        {table});
    if (!columns)
        return fail(columns.error());
    QStringList parts;
    for (const PgRow &column : std::as_const(*columns))
        parts.append(columnExpression(column));
    const QString row = parts.isEmpty() ? QStringLiteral("''") : parts.join(QStringLiteral(" || "));
    auto result = session.query(
        QStringLiteral("SELECT coalesce(md5(string_agg(h, '' ORDER BY h COLLATE \"C\")), md5('')), "
                       "count(*) FROM (SELECT %1 AS h FROM %2) AS rows")
            .arg(row, table));
    if (!result)
        return fail(result.error());
    const PgRow &r = result->constFirst();
    return TableHash{r.value(0).toString(), r.value(1).toString().toLongLong()};
}

} // namespace ragdr::core
