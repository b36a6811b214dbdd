#pragma once

#include "core/base/canceltoken.h"
#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ragdr::core {

class PgSession;

struct TableCount
{
    QString schema;
    QString name;
    qint64 rows = 0;
    qint64 bytes = -1; // heap size when counted; -1 unknown
    // The table's content (DatabaseFacts::contentHashMethod): equal in a pg_restore'd copy, and
    // different after any change to any row. Empty: not computed (an older manifest).
    QString contentHash;

    QString qualifiedName() const { return schema + QLatin1Char('.') + name; }
};

struct ExtensionVersion
{
    QString name;
    QString version;
};

// The nearest neighbours of one embedding (itself left out) among a fixed set of candidates, by
// cosine similarity: the same query on a restored copy must give the same keys in the same order.
struct SimilarityProbe
{
    QString probeKey;
    QStringList topKeys;
    QList<double> scores;
    int candidates = 0;

    bool isSet() const { return !probeKey.isEmpty(); }
};

struct RagFacts
{
    QString embeddingType; // "real[]" or "vector(384)"
    int dimension = -1;    // -1: no embeddings; -2: rows disagree
    qint64 documents = -1;
    qint64 chunks = -1;
    qint64 embeddings = -1;
    qint64 chunksWithoutEmbeddings = -1;
    // Several probes spread over the candidates (DatabaseFactsCollector::kProbes). Empty in
    // manifests made before ragdr recorded them.
    QList<SimilarityProbe> probes;
};

// One way in which a restored copy differs from what a manifest recorded.
struct FactsDifference
{
    enum class Aspect {
        Tables,           // a table missing or added
        Rows,             // a row count
        Content,          // a table's content hash
        Rag,              // embedding dimension, chunks without embeddings
        Probes,           // the nearest neighbours of a probe embedding
        ExtensionMissing, // an extension the source had
        ExtensionVersion, // the same extension at another version: the restoring server's default
    };
    Aspect aspect;
    QString text;
};

// What a database held at one moment (a snapshot): the facts a backup's manifest records and a
// restored copy must show again.
struct DatabaseFacts
{
    QString serverVersion;
    QList<ExtensionVersion> extensions;
    QList<TableCount> tables;
    std::optional<RagFacts> rag;
    QString contentHashMethod; // which hash TableCount::contentHash holds; empty: none

    const TableCount *table(const QString &qualifiedName) const;
    qint64 totalBytes() const;

    QJsonObject toJson() const;
    static DatabaseFacts fromJson(const QJsonObject &json);
};

class DatabaseFactsCollector final
{
public:
    // Candidates for the similarity probes: the first N embeddings by key, so that the probes
    // cost the same whatever the database's size; kProbes of them, spread over the candidates,
    // are probes, each with its kProbeTop nearest neighbours.
    static constexpr int kProbeCandidates = 1250;
    static constexpr int kProbes = 4;
    static constexpr int kProbeTop = 5;

    // The user tables with their heap sizes, cheap (catalog only); rows are not counted.
    static Result<QList<TableCount>> listTables(PgSession &session);

    // Exact counts, content hashes and the RAG facts, in the session's current transaction.
    static Result<DatabaseFacts> collect(PgSession &session,
                                         const RagSchema &schema,
                                         const CancelToken &cancel);

    // The same facts of database on server, over several sessions in one snapshot (the largest
    // tables hashed side by side): for a copy nothing else is busy with, such as a scratch or
    // staging restore, where the cores are free.
    static Result<DatabaseFacts> collect(const DatabaseConfig &server,
                                         const QByteArray &password,
                                         const QString &database,
                                         const RagSchema &schema,
                                         const CancelToken &cancel,
                                         int sessions);

    // Differences a person can read, e.g. "public.chunks: 1000 rows in the manifest, 998 restored":
    // tables and row counts, content hashes (when both sides have them, made the same way),
    // embedding dimension, chunks without embeddings, probe neighbours (when the manifest has
    // them) and extensions.
    static QStringList compare(const DatabaseFacts &expected, const DatabaseFacts &actual);
    // The same, each with what it concerns.
    static QList<FactsDifference> differences(const DatabaseFacts &expected,
                                              const DatabaseFacts &actual);

private:
    // Server version, extensions, the tables (not yet counted).
    static Result<DatabaseFacts> describe(PgSession &session);
    // Counts and hashes these tables, in the session's transaction.
    static Status hashTables(PgSession &session,
                             const QList<TableCount *> &tables,
                             const CancelToken &cancel);
};

} // namespace ragdr::core
