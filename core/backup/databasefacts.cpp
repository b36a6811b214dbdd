#include "databasefacts.h"

#include "contenthash.h"
#include "helpertask.h"

#include "core/db/pgsession.h"

#include <QJsonArray>

#include <algorithm>
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
    // Probes at candidate 1, 1 + step, 1 + 2 step ...: spread over the candidates.
    return QStringLiteral(
               "WITH cand AS MATERIALIZED (SELECT e.%1 AS k, e.%2 AS v FROM %3 e "
               "WHERE e.%2 IS NOT NULL ORDER BY e.%1 LIMIT %4), "
               "numbered AS (SELECT k, v, row_number() OVER (ORDER BY k) AS n, "
               "count(*) OVER () AS total FROM cand), "
               "probe AS (SELECT k, v, total FROM numbered "
               "WHERE (n - 1) % greatest(total / %5, 1) = 0 AND n <= %5 * greatest(total / %5, 1)) "
               "SELECT p.k::text, t.k::text, t.score, p.total FROM probe p "
               "CROSS JOIN LATERAL (SELECT c.k, (%6)::float8 AS score FROM cand c WHERE c.k <> p.k "
               "ORDER BY score DESC NULLS LAST, c.k LIMIT %7) t "
               "ORDER BY p.k, t.score DESC NULLS LAST, t.k")
        .arg(key, col, table)
        .arg(DatabaseFactsCollector::kProbeCandidates)
        .arg(DatabaseFactsCollector::kProbes)
        .arg(score)
        .arg(DatabaseFactsCollector::kProbeTop);
}

QString qualified(const QString &table)
{
    return table.contains(QLatin1Char('.')) ? table : QStringLiteral("public.") + table;
}

Result<RagFacts> collectRag(PgSession &s,
                            const RagSchema &schema,
                            const DatabaseFacts &facts,
                            const CancelToken &cancel)
{
    RagFacts rag;
    auto countOf = [&](const QString &table) -> Result<qint64> {
        if (const TableCount *t = facts.table(qualified(table)))
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
        auto rows = s.query(probeSql(schema, pgvector));
        if (!rows)
            return fail(rows.error().prefixed(QStringLiteral("similarity probes")));
        for (const PgRow &row : std::as_const(*rows)) {
            const QString probeKey = row.value(0).toString();
            if (rag.probes.isEmpty() || rag.probes.constLast().probeKey != probeKey)
                rag.probes.append({probeKey, {}, {}, row.value(3).toString().toInt()});
            rag.probes.last().topKeys.append(row.value(1).toString());
            rag.probes.last().scores.append(row.value(2).toString().toDouble());
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
        QJsonObject table{{QStringLiteral("schema"), t.schema},
                          {QStringLiteral("name"), t.name},
                          {QStringLiteral("rows"), t.rows},
                          {QStringLiteral("bytes"), t.bytes}};
        if (!t.contentHash.isEmpty())
            table.insert(QStringLiteral("content_hash"), t.contentHash);
        tbl.append(table);
    }
    QJsonObject json{{QStringLiteral("server_version"), serverVersion},
                     {QStringLiteral("extensions"), ext},
                     {QStringLiteral("tables"), tbl}};
    if (!contentHashMethod.isEmpty())
        json.insert(QStringLiteral("content_hash_method"), contentHashMethod);
    if (rag) {
        QJsonObject r{{QStringLiteral("embedding_type"), rag->embeddingType},
                      {QStringLiteral("embedding_dimension"), rag->dimension},
                      {QStringLiteral("documents"), rag->documents},
                      {QStringLiteral("chunks"), rag->chunks},
                      {QStringLiteral("embeddings"), rag->embeddings},
                      {QStringLiteral("chunks_without_embeddings"), rag->chunksWithoutEmbeddings}};
        if (!rag->probes.isEmpty()) {
            QJsonArray probes;
            for (const SimilarityProbe &p : rag->probes) {
                QJsonArray scores;
                for (double sc : p.scores)
                    scores.append(sc);
                probes.append(
                    QJsonObject{{QStringLiteral("probe_key"), p.probeKey},
                                {QStringLiteral("candidates"), p.candidates},
                                {QStringLiteral("top_keys"), QJsonArray::fromStringList(p.topKeys)},
                                {QStringLiteral("scores"), scores}});
            }
            // A new key: an older manifest's "similarity_probe" counted the probe among its own
            // neighbours, so it is not compared with these.
            r.insert(QStringLiteral("similarity_probes"), probes);
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
                         o.value(QStringLiteral("bytes")).toInteger(-1),
                         o.value(QStringLiteral("content_hash")).toString()});
    }
    f.contentHashMethod = json.value(QStringLiteral("content_hash_method")).toString();
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
        for (const QJsonValue &v : r.value(QStringLiteral("similarity_probes")).toArray()) {
            const QJsonObject p = v.toObject();
            SimilarityProbe probe;
            probe.probeKey = p.value(QStringLiteral("probe_key")).toString();
            probe.candidates = p.value(QStringLiteral("candidates")).toInt();
            for (const QJsonValue &k : p.value(QStringLiteral("top_keys")).toArray())
                probe.topKeys.append(k.toString());
            for (const QJsonValue &sc : p.value(QStringLiteral("scores")).toArray())
                probe.scores.append(sc.toDouble());
            rag.probes.append(probe);
        }
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
        tables.append(
            {row.value(0).toString(), row.value(1).toString(), 0, toCount(row.value(2)), {}});
    return tables;
}

Result<DatabaseFacts> DatabaseFactsCollector::collect(PgSession &session,
                                                      const RagSchema &schema,
                                                      const CancelToken &cancel)
{
    auto described = describe(session);
    if (!described)
        return fail(described.error());
    DatabaseFacts facts = *described;
    QList<TableCount *> all;
    for (TableCount &t : facts.tables)
        all.append(&t);
    if (auto hashed = hashTables(session, all, cancel); !hashed)
        return fail(hashed.error());
    if (!schema.chunksTable.isEmpty()) {
        auto rag = collectRag(session, schema, facts, cancel);
        if (!rag)
            return fail(rag.error());
        facts.rag = *rag;
    }
    return facts;
}

Result<DatabaseFacts> DatabaseFactsCollector::collect(const DatabaseConfig &server,
                                                      const QByteArray &password,
                                                      const QString &database,
                                                      const RagSchema &schema,
                                                      const CancelToken &cancel,
                                                      int sessions)
{
    // One snapshot for all sessions: the first exports it, the others import it.
    std::vector<std::unique_ptr<PgSession>> open;
    QString snapshot;
    for (int i = 0; i < std::max(1, sessions); ++i) {
        auto session = PgSession::connect(server, password, database);
        if (!session)
            return fail(session.error());
        if (auto begun = (*session)->begin(PgSession::Isolation::RepeatableRead, true); !begun)
            return fail(begun.error());
        if (i == 0) {
            auto exported = (*session)->scalar(QStringLiteral("SELECT pg_export_snapshot()"));
            if (!exported)
                return fail(exported.error());
            snapshot = exported->toString();
        } else if (auto imported = (*session)->execute(QStringLiteral("SET TRANSACTION SNAPSHOT %1")
                                                           .arg(PgSession::quoteLiteral(snapshot)));
                   !imported) {
            return fail(imported.error());
        }
        open.push_back(std::move(*session));
    }
    auto described = describe(*open.front());
    if (!described)
        return fail(described.error());
    DatabaseFacts facts = *described;

    // The largest tables first, each to the session with the least to do.
    QList<TableCount *> bySize;
    for (TableCount &t : facts.tables)
        bySize.append(&t);
    std::sort(bySize.begin(), bySize.end(), [](const TableCount *a, const TableCount *b) {
        return a->bytes > b->bytes;
    });
    std::vector<QList<TableCount *>> share(open.size());
    std::vector<qint64> load(open.size(), 0);
    // The first session takes the RAG facts too, which read the embeddings about once more.
    if (const TableCount *e = facts.table(qualified(schema.embeddingsTable)); e && open.size() > 1)
        load.front() = std::max<qint64>(1, e->bytes);
    for (TableCount *t : std::as_const(bySize)) {
        const auto least = std::distance(load.begin(), std::min_element(load.begin(), load.end()));
        share[least].append(t);
        load[least] += std::max<qint64>(1, t->bytes);
    }
    std::vector<std::unique_ptr<HelperTask<Status>>> helpers;
    for (std::size_t i = 1; i < open.size(); ++i) {
        PgSession *session = open[i].get();
        helpers.push_back(std::make_unique<HelperTask<Status>>(
            [session, tables = share[i], cancel] { return hashTables(*session, tables, cancel); }));
    }
    // The first session also takes the RAG facts, counting what it needs itself.
    Status mine = hashTables(*open.front(), share.front(), cancel);
    Result<RagFacts> rag = schema.chunksTable.isEmpty()
                               ? Result<RagFacts>(RagFacts())
                               : collectRag(*open.front(), schema, DatabaseFacts(), cancel);
    for (auto &helper : helpers) {
        if (Status theirs = helper->result(cancel); !theirs && mine)
            mine = theirs;
    }
    helpers.clear();
    if (!mine)
        return fail(mine.error());
    if (!rag)
        return fail(rag.error());
    if (!schema.chunksTable.isEmpty())
        facts.rag = *rag;
    return facts;
}

Result<DatabaseFacts> DatabaseFactsCollector::describe(PgSession &session)
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
    facts.contentHashMethod = ContentHash::method();
    return facts;
}

Status DatabaseFactsCollector::hashTables(PgSession &session,
                                          const QList<TableCount *> &tables,
                                          const CancelToken &cancel)
{
    if (auto pinned = ContentHash::pinSettings(session); !pinned)
        return fail(pinned.error());
    for (TableCount *t : tables) {
        if (cancel.isCancelled())
            return fail(Error::cancelled());
        auto hashed = ContentHash::of(session, t->qualifiedName());
        if (!hashed) {
            return fail(
                hashed.error().prefixed(QStringLiteral("counting %1").arg(t->qualifiedName())));
        }
        t->rows = hashed->rows;
        t->contentHash = hashed->hash;
    }
    return {};
}

QStringList DatabaseFactsCollector::compare(const DatabaseFacts &expected,
                                            const DatabaseFacts &actual)
{
    QStringList texts;
    for (const FactsDifference &d : differences(expected, actual))
        texts.append(d.text);
    return texts;
}

QList<FactsDifference> DatabaseFactsCollector::differences(const DatabaseFacts &expected,
                                                           const DatabaseFacts &actual)
{
    using Aspect = FactsDifference::Aspect;
    QList<FactsDifference> diffs;
    const bool sameHashes = !expected.contentHashMethod.isEmpty()
                            && expected.contentHashMethod == actual.contentHashMethod;
    for (const TableCount &e : expected.tables) {
        const TableCount *a = actual.table(e.qualifiedName());
        if (!a) {
            diffs.append({Aspect::Tables,
                          QStringLiteral("%1: in the backup's manifest, missing after restore")
                              .arg(e.qualifiedName())});
        } else if (a->rows != e.rows) {
            diffs.append({Aspect::Rows,
                          QStringLiteral("%1: %2 rows in the manifest, %3 after restore")
                              .arg(e.qualifiedName())
                              .arg(e.rows)
                              .arg(a->rows)});
        } else if (sameHashes && a->contentHash != e.contentHash) {
            diffs.append({Aspect::Content,
                          QStringLiteral("%1: the same %2 rows, but other content (hash %3 in the "
                                         "manifest, %4 after restore)")
                              .arg(e.qualifiedName())
                              .arg(e.rows)
                              .arg(e.contentHash.left(12), a->contentHash.left(12))});
        }
    }
    for (const TableCount &a : actual.tables) {
        if (!expected.table(a.qualifiedName()))
            diffs.append({Aspect::Tables,
                          QStringLiteral("%1: present after restore, not in the manifest")
                              .arg(a.qualifiedName())});
    }
    for (const ExtensionVersion &e : expected.extensions) {
        const auto a = std::find_if(actual.extensions.cbegin(),
                                    actual.extensions.cend(),
                                    [&](const ExtensionVersion &x) { return x.name == e.name; });
        if (a == actual.extensions.cend()) {
            diffs.append(
                {Aspect::ExtensionMissing,
                 QStringLiteral("extension %1: in the manifest, missing after restore").arg(e.name)});
        } else if (a->version != e.version) {
            diffs.append({Aspect::ExtensionVersion,
                          QStringLiteral("extension %1: version %2 in the manifest, %3 after "
                                         "restore (the restoring server's default)")
                              .arg(e.name, e.version, a->version)});
        }
    }
    if (expected.rag && actual.rag) {
        const RagFacts &e = *expected.rag;
        const RagFacts &a = *actual.rag;
        if (e.dimension != a.dimension) {
            diffs.append(
                {Aspect::Rag,
                 QStringLiteral("embedding dimension: %1 in the manifest, %2 after restore")
                     .arg(e.dimension)
                     .arg(a.dimension)});
        }
        if (e.chunksWithoutEmbeddings != a.chunksWithoutEmbeddings) {
            diffs.append(
                {Aspect::Rag,
                 QStringLiteral("chunks without embeddings: %1 in the manifest, %2 after restore")
                     .arg(e.chunksWithoutEmbeddings)
                     .arg(a.chunksWithoutEmbeddings)});
        }
        for (const SimilarityProbe &ep : e.probes) {
            const auto ap = std::find_if(a.probes.cbegin(),
                                         a.probes.cend(),
                                         [&](const SimilarityProbe &p) {
                                             return p.probeKey == ep.probeKey;
                                         });
            bool same = ap != a.probes.cend() && ap->topKeys == ep.topKeys
                        && ap->scores.size() == ep.scores.size();
            for (qsizetype i = 0; same && i < ep.scores.size(); ++i)
                same = std::abs(ep.scores.at(i) - ap->scores.at(i)) <= kScoreTolerance;
            if (same)
                continue;
            diffs.append({Aspect::Probes,
                          ap == a.probes.cend()
                              ? QStringLiteral("similarity probe %1: in the manifest, not a probe "
                                               "after restore")
                                    .arg(ep.probeKey)
                              : QStringLiteral("similarity probe %1: nearest neighbours [%2] in "
                                               "the manifest, [%3] after restore")
                                    .arg(ep.probeKey,
                                         ep.topKeys.join(QStringLiteral(", ")),
                                         ap->topKeys.join(QStringLiteral(", ")))});
        }
    } else if (expected.rag && !actual.rag) {
        diffs.append(
            {Aspect::Rag,
             QStringLiteral("RAG tables: described in the manifest, not found after restore")});
    }
    return diffs;
}

} // namespace ragdr::core
