#include "databasefacts.h"

#include "core/db/pgsession.h"

#include <QJsonArray>

#include <cmath>

namespace ragdr::core {

namespace {

constexpr double kScoreTolerance = 1e-9;

qint64 toCount(const QVariant &v)
{
    return v.isValid() ? v.toString().toLongLong() : 0;
}

QString probeSql(const RagSchema &schema, bool pgvector)
{
    const QString key = PgSession::quoteIdentifier(schema.embeddingsTable == schema.chunksTable
                                                       ? schema.chunkIdColumn
                                                       : schema.embeddingChunkKey);
    const QString col = PgSession::quoteIdentifier(schema.embeddingColumn);
    const QString table = PgSession::quoteQualified(schema.embeddingsTable);
    const QString score
        = pgvector
              ? QStringLiteral("1 - (c.v <=> p.v)")
              : QStringLiteral(
                  "(SELECT sum(a::float8 * b::float8) / nullif(sqrt(sum(a::float8 * a::float8)) "
                  "* sqrt(sum(b::float8 * b::float8)), 0) FROM unnest(c.v, p.v) AS t(a, b))");
    return QStringLiteral(
               "WITH cand AS (SELECT e.%1 AS k, e.%2 AS v FROM %3 e WHERE e.%2 IS NOT NULL "
               "ORDER BY e.%1 LIMIT %4), "
               "probe AS (SELECT k, v FROM cand ORDER BY k LIMIT 1) "
               "SELECT c.k::text, p.k::text, (%5)::float8 AS score, (SELECT count(*) FROM cand) "
               "FROM cand c CROSS JOIN probe p ORDER BY score DESC NULLS LAST, c.k LIMIT %6")
        .arg(key, col, table)
        .arg(DatabaseFactsCollector::kProbeCandidates)
        .arg(score)
        .arg(DatabaseFactsCollector::kProbeTop);
}

Result<RagFacts> collectRag(PgSession &s,
                            const RagSchema &schema,
                            const DatabaseFacts &facts,
                            const CancelToken &cancel)
{
    RagFacts rag;
    auto countOf = [&](const QString &table) -> Result<qint64> {
        if (const TableCount *t = facts.table(
                table.contains(QLatin1Char('.')) ? table : QStringLiteral("public.") + table))
            return t->rows;
        auto v = s.scalar(
            QStringLiteral("SELECT count(*) FROM %1").arg(PgSession::quoteQualified(table)));
        if (!v)
            return fail(v.error());
        return toCount(*v);
    };
    if (!schema.documentsTable.isEmpty()) {
        auto n = countOf(schema.documentsTable);
        if (!n)
            return fail(n.error());
        rag.documents = *n;
    }
    auto chunks = countOf(schema.chunksTable);
    if (!chunks)
        return fail(chunks.error());
    rag.chunks = *chunks;
    if (!schema.hasEmbeddings())
        return rag;

    const QString col = PgSession::quoteIdentifier(schema.embeddingColumn);
    const QString embTable = PgSession::quoteQualified(schema.embeddingsTable);
    auto type
        = s.scalar(QStringLiteral(
                       "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                       "WHERE a.attrelid = $1::regclass AND a.attname = $2 AND NOT a.attisdropped"),
                   {embTable, schema.embeddingColumn});
    if (!type)
        return fail(type.error());
    if (!type->isValid()) {
        return fail(
            Error::badInput(QStringLiteral("the profile names %1.%2 as the embedding column, but "
                                           "the database has no such column")
                                .arg(schema.embeddingsTable, schema.embeddingColumn)));
    }
    rag.embeddingType = type->toString();
    const bool pgvector = rag.embeddingType.startsWith(QLatin1String("vector"));
    if (cancel.isCancelled())
        return fail(Error::cancelled());

    const QString dims = pgvector ? QStringLiteral("vector_dims(%1)").arg(col)
                                  : QStringLiteral("cardinality(%1)").arg(col);
    auto dimRows = s.query(
        QStringLiteral("SELECT min(%1), max(%1), count(%2) FROM %3").arg(dims, col, embTable));
    if (!dimRows)
        return fail(dimRows.error());
    const PgRow &d = dimRows->constFirst();
    rag.embeddings = toCount(d.value(2));
    if (rag.embeddings > 0) {
        const int lo = d.value(0).toString().toInt();
        const int hi = d.value(1).toString().toInt();
        rag.dimension = lo == hi ? lo : -2;
    }
    if (cancel.isCancelled())
        return fail(Error::cancelled());

    const QString chunksTable = PgSession::quoteQualified(schema.chunksTable);
    QString missingSql;
    if (schema.embeddingsTable == schema.chunksTable) {
        missingSql
            = QStringLiteral("SELECT count(*) FROM %1 WHERE %2 IS NULL").arg(chunksTable, col);
    } else {
        missingSql = QStringLiteral(
                         "SELECT count(*) FROM %1 c WHERE NOT EXISTS (SELECT 1 FROM %2 e "
                         "WHERE e.%3 = c.%4 AND e.%5 IS NOT NULL)")
                         .arg(chunksTable,
                              embTable,
                              PgSession::quoteIdentifier(schema.embeddingChunkKey),
                              PgSession::quoteIdentifier(schema.chunkIdColumn),
                              col);
    }
    auto missing = s.scalar(missingSql);
    if (!missing)
        return fail(missing.error());
    rag.chunksWithoutEmbeddings = toCount(*missing);
    if (cancel.isCancelled())
        return fail(Error::cancelled());

    if (rag.dimension > 0) {
        auto probe = s.query(probeSql(schema, pgvector));
        if (!probe)
            return fail(probe.error().prefixed(QStringLiteral("similarity probe")));
        for (const PgRow &row : std::as_const(*probe)) {
            rag.probe.probeKey = row.value(1).toString();
            rag.probe.topKeys.append(row.value(0).toString());
            rag.probe.scores.append(row.value(2).toString().toDouble());
            rag.probe.candidates = row.value(3).toString().toInt();
        }
    }
    return rag;
}

} // namespace

const TableCount *DatabaseFacts::table(const QString &qualifiedName) const
{
    for (const TableCount &t : tables) {
        if (t.qualifiedName() == qualifiedName)
            return &t;
    }
    return nullptr;
}

qint64 DatabaseFacts::totalBytes() const
{
    qint64 total = 0;
    for (const TableCount &t : tables)
        total += qMax<qint64>(0, t.bytes);
    return total;
}

QJsonObject DatabaseFacts::toJson() const
{
    QJsonArray ext;
    for (const ExtensionVersion &e : extensions)
        ext.append(
            QJsonObject{{QStringLiteral("name"), e.name}, {QStringLiteral("version"), e.version}});
    QJsonArray tbl;
    for (const TableCount &t : tables) {
        tbl.append(QJsonObject{{QStringLiteral("schema"), t.schema},
                               {QStringLiteral("name"), t.name},
                               {QStringLiteral("rows"), t.rows},
                               {QStringLiteral("bytes"), t.bytes}});
    }
    QJsonObject json{{QStringLiteral("server_version"), serverVersion},
                     {QStringLiteral("extensions"), ext},
                     {QStringLiteral("tables"), tbl}};
    if (rag) {
        QJsonObject r{{QStringLiteral("embedding_type"), rag->embeddingType},
                      {QStringLiteral("embedding_dimension"), rag->dimension},
                      {QStringLiteral("documents"), rag->documents},
                      {QStringLiteral("chunks"), rag->chunks},
                      {QStringLiteral("embeddings"), rag->embeddings},
                      {QStringLiteral("chunks_without_embeddings"), rag->chunksWithoutEmbeddings}};
        if (rag->probe.isSet()) {
            QJsonArray scores;
            for (double sc : rag->probe.scores)
                scores.append(sc);
            r.insert(QStringLiteral("similarity_probe"),
                     QJsonObject{{QStringLiteral("probe_key"), rag->probe.probeKey},
                                 {QStringLiteral("candidates"), rag->probe.candidates},
                                 {QStringLiteral("top_keys"),
                                  QJsonArray::fromStringList(rag->probe.topKeys)},
                                 {QStringLiteral("scores"), scores}});
        }
        json.insert(QStringLiteral("rag"), r);
    }
    return json;
}

DatabaseFacts DatabaseFacts::fromJson(const QJsonObject &json)
{
    DatabaseFacts f;
    f.serverVersion = json.value(QStringLiteral("server_version")).toString();
    for (const QJsonValue &v : json.value(QStringLiteral("extensions")).toArray()) {
        const QJsonObject o = v.toObject();
        f.extensions.append({o.value(QStringLiteral("name")).toString(),
                             o.value(QStringLiteral("version")).toString()});
    }
    for (const QJsonValue &v : json.value(QStringLiteral("tables")).toArray()) {
        const QJsonObject o = v.toObject();
        f.tables.append({o.value(QStringLiteral("schema")).toString(),
                         o.value(QStringLiteral("name")).toString(),
                         o.value(QStringLiteral("rows")).toInteger(),
                         o.value(QStringLiteral("bytes")).toInteger(-1)});
    }
    if (json.contains(QStringLiteral("rag"))) {
        const QJsonObject r = json.value(QStringLiteral("rag")).toObject();
        RagFacts rag;
        rag.embeddingType = r.value(QStringLiteral("embedding_type")).toString();
        rag.dimension = r.value(QStringLiteral("embedding_dimension")).toInt(-1);
        rag.documents = r.value(QStringLiteral("documents")).toInteger(-1);
        rag.chunks = r.value(QStringLiteral("chunks")).toInteger(-1);
        rag.embeddings = r.value(QStringLiteral("embeddings")).toInteger(-1);
        rag.chunksWithoutEmbeddings
            = r.value(QStringLiteral("chunks_without_embeddings")).toInteger(-1);
        const QJsonObject p = r.value(QStringLiteral("similarity_probe")).toObject();
        rag.probe.probeKey = p.value(QStringLiteral("probe_key")).toString();
        rag.probe.candidates = p.value(QStringLiteral("candidates")).toInt();
        for (const QJsonValue &k : p.value(QStringLiteral("top_keys")).toArray())
            rag.probe.topKeys.append(k.toString());
        for (const QJsonValue &sc : p.value(QStringLiteral("scores")).toArray())
            rag.probe.scores.append(sc.toDouble());
        f.rag = rag;
    }
    return f;
}

Result<QList<TableCount>> DatabaseFactsCollector::listTables(PgSession &session)
{
    auto rows = session.query(QStringLiteral(
        "SELECT n.nspname, c.relname, pg_relation_size(c.oid) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE "
        "'pg\\_%' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
        "AND d.objid = c.oid AND d.deptype = 'e') "
        "ORDER BY 1, 2"));
    if (!rows)
        return fail(rows.error());
    QList<TableCount> tables;
    for (const PgRow &row : std::as_const(*rows))
        tables.append({row.value(0).toString(), row.value(1).toString(), 0, toCount(row.value(2))});
    return tables;
}

Result<DatabaseFacts> DatabaseFactsCollector::collect(PgSession &session,
                                                      const RagSchema &schema,
                                                      const CancelToken &cancel)
{
    DatabaseFacts facts;
    auto version = session.scalar(QStringLiteral("SHOW server_version"));
    if (!version)
        return fail(version.error());
    facts.serverVersion = version->toString();
    auto ext = session.query(
        QStringLiteral("SELECT extname, extversion FROM pg_extension ORDER BY 1"));
    if (!ext)
        return fail(ext.error());
    for (const PgRow &row : std::as_const(*ext))
        facts.extensions.append({row.value(0).toString(), row.value(1).toString()});
    auto tables = listTables(session);
    if (!tables)
        return fail(tables.error());
    facts.tables = *tables;
    for (TableCount &t : facts.tables) {
        if (cancel.isCancelled())
            return fail(Error::cancelled());
        auto n = session.scalar(QStringLiteral("SELECT count(*) FROM %1")
                                    .arg(PgSession::quoteQualified(t.qualifiedName())));
        if (!n)
            return fail(n.error().prefixed(QStringLiteral("counting %1").arg(t.qualifiedName())));
        t.rows = toCount(*n);
    }
    if (!schema.chunksTable.isEmpty()) {
        auto rag = collectRag(session, schema, facts, cancel);
        if (!rag)
            return fail(rag.error());
        facts.rag = *rag;
    }
    return facts;
}

QStringList DatabaseFactsCollector::compare(const DatabaseFacts &expected,
                                            const DatabaseFacts &actual)
{
    QStringList diffs;
    for (const TableCount &e : expected.tables) {
        const TableCount *a = actual.table(e.qualifiedName());
        if (!a) {
            diffs.append(QStringLiteral("%1: in the backup's manifest, missing after restore")
                             .arg(e.qualifiedName()));
        } else if (a->rows != e.rows) {
            diffs.append(QStringLiteral("%1: %2 rows in the manifest, %3 after restore")
                             .arg(e.qualifiedName())
                             .arg(e.rows)
                             .arg(a->rows));
        }
    }
    for (const TableCount &a : actual.tables) {
        if (!expected.table(a.qualifiedName()))
            diffs.append(QStringLiteral("%1: present after restore, not in the manifest")
                             .arg(a.qualifiedName()));
    }
    if (expected.rag && actual.rag) {
        const RagFacts &e = *expected.rag;
        const RagFacts &a = *actual.rag;
        if (e.dimension != a.dimension) {
            diffs.append(QStringLiteral("embedding dimension: %1 in the manifest, %2 after restore")
                             .arg(e.dimension)
                             .arg(a.dimension));
        }
        if (e.chunksWithoutEmbeddings != a.chunksWithoutEmbeddings) {
            diffs.append(
                QStringLiteral("chunks without embeddings: %1 in the manifest, %2 after restore")
                    .arg(e.chunksWithoutEmbeddings)
                    .arg(a.chunksWithoutEmbeddings));
        }
        if (e.probe.isSet()) {
            bool same = e.probe.probeKey == a.probe.probeKey && e.probe.topKeys == a.probe.topKeys
                        && e.probe.scores.size() == a.probe.scores.size();
            for (qsizetype i = 0; same && i < e.probe.scores.size(); ++i)
                same = std::abs(e.probe.scores.at(i) - a.probe.scores.at(i)) <= kScoreTolerance;
            if (!same) {
                diffs.append(QStringLiteral(
                                 "similarity probe: the nearest neighbours of %1 were [%2], after "
                                 "restore [%3]")
                                 .arg(e.probe.probeKey,
                                      e.probe.topKeys.join(QStringLiteral(", ")),
                                      a.probe.topKeys.join(QStringLiteral(", "))));
            }
        }
    } else if (expected.rag && !actual.rag) {
        diffs.append(
            QStringLiteral("RAG tables: described in the manifest, not found after restore"));
    }
    return diffs;
}

} // namespace ragdr::core
