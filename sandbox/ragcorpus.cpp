#include "ragcorpus.h"

#include "drillseed.h"

#include "core/db/pgsession.h"

#include <QHash>
#include <QRegularExpression>

namespace ragdr::sandbox {

namespace {

// DrillSeed's topics, in its order, with words a user would use for them.
const QList<QStringList> &vocabulary()
{
    static const QList<QStringList> words{
        {QStringLiteral("billing"),
         QStringLiteral("bill"),
         QStringLiteral("invoice"),
         QStringLiteral("refund"),
         QStringLiteral("charge")},
        {QStringLiteral("security"),
         QStringLiteral("password"),
         QStringLiteral("vulnerability"),
         QStringLiteral("encryption"),
         QStringLiteral("breach")},
        {QStringLiteral("onboarding"),
         QStringLiteral("onboard"),
         QStringLiteral("signup"),
         QStringLiteral("welcome"),
         QStringLiteral("hire")},
        {QStringLiteral("infrastructure"),
         QStringLiteral("server"),
         QStringLiteral("cluster"),
         QStringLiteral("kubernetes"),
         QStringLiteral("node")},
        {QStringLiteral("compliance"),
         QStringLiteral("gdpr"),
         QStringLiteral("soc2"),
         QStringLiteral("regulation"),
         QStringLiteral("audit")},
        {QStringLiteral("search"),
         QStringLiteral("retrieval"),
         QStringLiteral("ranking"),
         QStringLiteral("index")},
        {QStringLiteral("analytics"),
         QStringLiteral("dashboard"),
         QStringLiteral("insight"),
         QStringLiteral("metric")},
        {QStringLiteral("support"),
         QStringLiteral("ticket"),
         QStringLiteral("helpdesk"),
         QStringLiteral("escalation")},
        {QStringLiteral("payments"),
         QStringLiteral("payment"),
         QStringLiteral("card"),
         QStringLiteral("transaction"),
         QStringLiteral("payout")},
        {QStringLiteral("identity"),
         QStringLiteral("login"),
         QStringLiteral("sso"),
         QStringLiteral("authentication"),
         QStringLiteral("oauth")},
        {QStringLiteral("storage"),
         QStringLiteral("disk"),
         QStringLiteral("bucket"),
         QStringLiteral("s3"),
         QStringLiteral("file")},
        {QStringLiteral("networking"),
         QStringLiteral("network"),
         QStringLiteral("dns"),
         QStringLiteral("vpc"),
         QStringLiteral("firewall")},
        {QStringLiteral("mobile"),
         QStringLiteral("ios"),
         QStringLiteral("android"),
         QStringLiteral("app")},
        {QStringLiteral("reporting"),
         QStringLiteral("report"),
         QStringLiteral("export"),
         QStringLiteral("quarterly")},
        {QStringLiteral("pricing"),
         QStringLiteral("price"),
         QStringLiteral("plan"),
         QStringLiteral("discount"),
         QStringLiteral("tier")},
        {QStringLiteral("legal"),
         QStringLiteral("contract"),
         QStringLiteral("terms"),
         QStringLiteral("license"),
         QStringLiteral("lawyer")},
    };
    static_assert(DrillSeed::kTopics == 16);
    return words;
}

} // namespace

QStringList RagCorpus::topicNames()
{
    QStringList names;
    for (const QStringList &w : vocabulary())
        names.append(w.constFirst());
    return names;
}

QList<int> RagCorpus::topicsOf(const QString &query)
{
    static const QRegularExpression nonWord(QStringLiteral("[^a-z0-9]+"));
    QHash<QString, int> topicOf;
    for (int t = 0; t < vocabulary().size(); ++t) {
        for (const QString &w : vocabulary().at(t))
            topicOf.insert(w, t);
    }
    QList<int> topics;
    for (QString word : query.toLower().split(nonWord, Qt::SkipEmptyParts)) {
        int t = topicOf.value(word, -1);
        if (t < 0 && word.endsWith(QLatin1Char('s')))
            t = topicOf.value(word.chopped(1), -1); // "invoices", "payments"
        if (t >= 0 && !topics.contains(t))
            topics.append(t);
    }
    return topics;
}

core::Result<QList<RagCorpus::Hit>> RagCorpus::search(core::PgSession &session,
                                                      const QString &query,
                                                      int k,
                                                      bool partial)
{
    const QList<int> topics = topicsOf(query);
    if (topics.isEmpty())
        return QList<Hit>();
    QStringList topicList;
    for (int t : topics)
        topicList.append(QString::number(t));
    // The query vector: the seed's topic vectors (drill_noise((topic + 1) * 100000 + k)) summed.
    // Chunks are ranked by cosine similarity, and each document counts by its best chunk.
    const QString sql
        = QStringLiteral(
              "WITH q AS ("
              "  SELECT ARRAY(SELECT sum(drill_noise((t + 1) * 100000 + k))::real"
              "               FROM unnest($1::int[]) t, generate_series(1, %1) k"
              "               GROUP BY k ORDER BY k) AS v),"
              " qn AS (SELECT v, sqrt((SELECT sum(x * x) FROM unnest(v) x)) AS n FROM q),"
              " scored AS ("
              "  SELECT c.document_id, e.chunk_id, s.dot / nullif(qn.n * sqrt(s.norm2), 0) AS score"
              "  FROM embeddings e JOIN chunks c ON c.id = e.chunk_id, qn,"
              "  LATERAL (SELECT sum(a * b) AS dot, sum(a * a) AS norm2"
              "           FROM unnest(e.embedding::real[], qn.v) u(a, b)) s"
              "  %2),"
              " best AS ("
              "  SELECT DISTINCT ON (document_id) document_id, chunk_id, score FROM scored"
              "  ORDER BY document_id, score DESC)"
              "SELECT b.document_id, b.chunk_id, d.title, b.score FROM best b"
              " JOIN documents d ON d.id = b.document_id"
              " ORDER BY b.score DESC, b.document_id LIMIT $2")
              .arg(DrillSeed::kDimension)
              .arg(partial ? QStringLiteral("WHERE c.document_id % 3 = 0") : QString());
    auto rows = session.query(sql,
                              {QStringLiteral("{%1}").arg(topicList.join(QLatin1Char(','))),
                               QString::number(k)});
    if (!rows)
        return core::fail(rows.error());
    QList<Hit> hits;
    for (const core::PgRow &row : *rows) {
        Hit h;
        h.documentId = row.value(0).toString().toLongLong();
        h.chunkId = row.value(1).toString().toLongLong();
        h.title = row.value(2).toString();
        h.score = row.value(3).toString().toDouble();
        hits.append(h);
    }
    return hits;
}

QList<std::pair<QString, QString>> RagCorpus::goldenQueries()
{
    return {{QStringLiteral("billing-refunds"),
             QStringLiteral("How are invoices corrected and refunds issued?")},
            {QStringLiteral("security-passwords"),
             QStringLiteral("What is the password policy after a security breach?")},
            {QStringLiteral("identity-sso"), QStringLiteral("SSO login fails for a new customer")},
            {QStringLiteral("compliance-gdpr"),
             QStringLiteral("Which GDPR audit evidence do we keep?")}};
}

} // namespace ragdr::sandbox
