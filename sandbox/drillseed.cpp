#include "drillseed.h"

#include "core/db/pgsession.h"

using namespace ragdr::core;

namespace ragdr::sandbox {

Status DrillSeed::createSchema(PgSession &session, bool pgvector)
{
    const QString embeddingType = pgvector ? QStringLiteral("vector(%1)").arg(kDimension)
                                           : QStringLiteral("real[]");
    return session.execute(
        QStringLiteral(
            "CREATE TABLE documents ("
            "  id bigint PRIMARY KEY,"
            "  title text NOT NULL,"
            "  source text NOT NULL,"
            "  topic int NOT NULL,"
            "  created_at timestamptz NOT NULL);"
            "CREATE INDEX documents_created_at ON documents (created_at);"
            "CREATE TABLE chunks ("
            "  id bigint PRIMARY KEY,"
            "  document_id bigint NOT NULL REFERENCES documents (id),"
            "  ord int NOT NULL,"
            "  body text NOT NULL);"
            "CREATE INDEX chunks_document_ord ON chunks (document_id, ord);"
            "CREATE TABLE embeddings ("
            "  chunk_id bigint PRIMARY KEY REFERENCES chunks (id),"
            "  model text NOT NULL,"
            "  embedding %1 NOT NULL);"
            // A stable pseudo-random value in [-1, 1) for an integer: the content is the same on every
            // machine and every run.
            "CREATE FUNCTION drill_noise(x bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL "
            "SAFE "
            "  AS $$ SELECT hashint8(x)::float8 / 2147483648.0 $$;")
            .arg(embeddingType));
}

Status DrillSeed::fill(PgSession &session, int chunks, bool pgvector)
{
    const int documents = (chunks + kChunksPerDocument - 1) / kChunksPerDocument;
    const QString words = QStringLiteral(
        "'{retrieval,embedding,vector,index,query,latency,postgres,replica,backup,restore,"
        "kubernetes,"
        "deployment,worker,gemini,prompt,context,chunk,document,search,ranking,cosine,similarity,"
        "incident,runbook,region,failover,snapshot,manifest,checksum,throughput,quota,token,cache,"
        "schema,migration,pipeline,ingest,parser,metadata,policy,tenant,billing,invoice,contract,"
        "onboarding,security,compliance,audit,network,storage}'::text[]");
    const QString topics = QStringLiteral(
        "'{billing,security,onboarding,infrastructure,compliance,search,analytics,support,"
        "payments,identity,storage,networking,mobile,reporting,pricing,legal}'::text[]");
    const QString vector = QStringLiteral("ARRAY(SELECT (drill_noise((d.topic + 1) * 100000 + k) + "
                                          "0.6 * drill_noise(c.id * 1000 + k))::real "
                                          "FROM generate_series(1, %1) k ORDER BY k)")
                               .arg(kDimension);
    const QString sql
        = QStringLiteral(
              "INSERT INTO documents (id, title, source, topic, created_at) "
              "SELECT g, initcap((%2)[1 + g %% %4]) || ' handbook, part ' || g, "
              "'s3://rag-corpus/' || (%2)[1 + g %% %4] || '/doc-' || g || '.pdf', g %% %4, "
              "timestamptz '2025-01-01 00:00:00+00' + g * interval '37 minutes' "
              "FROM generate_series(1, %3) g;"
              "INSERT INTO chunks (id, document_id, ord, body) "
              "SELECT g, 1 + (g - 1) / %5, (g - 1) %% %5, "
              "(SELECT 'About ' || (%2)[1 + d.topic] || ': ' || string_agg((%1)[1 + abs(hashint8(g "
              "* 100 + w)) %% 50], ' ' ORDER BY w) "
              " FROM generate_series(1, 60) w) "
              "FROM generate_series(1, %6) g JOIN documents d ON d.id = 1 + (g - 1) / %5;"
              "INSERT INTO embeddings (chunk_id, model, embedding) "
              "SELECT c.id, 'drill-embed-%7', %8%9 FROM chunks c JOIN documents d ON d.id = "
              "c.document_id "
              "WHERE c.id %% 97 <> 0;"
              "ANALYZE;")
              .arg(words, topics)
              .arg(documents)
              .arg(kTopics)
              .arg(kChunksPerDocument)
              .arg(chunks)
              .arg(kDimension)
              .arg(vector, pgvector ? QStringLiteral("::vector") : QString());
    return session.execute(QString(sql).replace(QStringLiteral("%%"), QStringLiteral("%")));
}

} // namespace ragdr::sandbox
