#pragma once

#include "core/base/error.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace ragdr::core {
class PgSession;
}

namespace ragdr::sandbox {

// Retrieval over the drill's RAG database, as the simulated API's /query does it: a query's words
// map to the topics the seed writes (DrillSeed: "billing", "security", ...; "invoice" means
// billing), the query's embedding is those topics' vectors summed, and the chunks are ranked by
// cosine similarity to it in PostgreSQL, over the embeddings the database holds now. So results
// mean something, and change when data is lost or restored from an older backup.
class RagCorpus final
{
public:
    struct Hit
    {
        qint64 documentId = 0;
        qint64 chunkId = 0;
        QString title;
        double score = 0;
    };

    // The seed's topic numbers a query's words name; empty when none does.
    static QList<int> topicsOf(const QString &query);
    static QStringList topicNames();

    // The best chunk of each of the k documents nearest the query. partial: only the documents a
    // stale index still covers (one in three), as the degraded API answers.
    static core::Result<QList<Hit>> search(core::PgSession &session,
                                           const QString &query,
                                           int k,
                                           bool partial);

    // The drill's golden queries (id, text), whose expected documents `ragdr-drill up` records
    // from the freshly seeded database.
    static QList<std::pair<QString, QString>> goldenQueries();
};

} // namespace ragdr::sandbox
