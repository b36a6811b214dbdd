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

    QString qualifiedName() const { return schema + QLatin1Char('.') + name; }
};

struct ExtensionVersion
{
    QString name;
    QString version;
};

// The nearest neighbours of one embedding among a fixed set of candidates, by cosine similarity:
// the same query on a restored copy must give the same keys in the same order.
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
    SimilarityProbe probe;
};

// What a database held at one moment (a snapshot): the facts a backup's manifest records and a
// restored copy must show again.
struct DatabaseFacts
{
    QString serverVersion;
    QList<ExtensionVersion> extensions;
    QList<TableCount> tables;
    std::optional<RagFacts> rag;

    const TableCount *table(const QString &qualifiedName) const;
    qint64 totalBytes() const;

    QJsonObject toJson() const;
    static DatabaseFacts fromJson(const QJsonObject &json);
};

class DatabaseFactsCollector final
{
public:
    // Candidates for the similarity probe: the first N embeddings by key, so that the probe
    // costs the same whatever the database's size.
    static constexpr int kProbeCandidates = 5000;
    static constexpr int kProbeTop = 5;

    // The user tables with their heap sizes, cheap (catalog only); rows are not counted.
    static Result<QList<TableCount>> listTables(PgSession &session);

    // Exact counts and the RAG facts, in the session's current transaction.
    static Result<DatabaseFacts> collect(PgSession &session,
                                         const RagSchema &schema,
                                         const CancelToken &cancel);

    // Differences a person can read, e.g. "public.chunks: 1000 rows in the manifest, 998 restored".
    static QStringList compare(const DatabaseFacts &expected, const DatabaseFacts &actual);
};

} // namespace ragdr::core
