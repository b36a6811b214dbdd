#include "embeddingdimension.h"

#include "core/backup/backupcatalog.h"
#include "core/db/pgsession.h"
#include "core/secrets/secretstore.h"

namespace ragdr::core {

Result<EmbeddingDimension::Fact> EmbeddingDimension::of(const Profile &profile,
                                                        const Region &region,
                                                        const CancelToken &cancel)
{
    if (!profile.schema.hasEmbeddings())
        return fail(Error::badInput(QStringLiteral("the profile names no embeddings table")));
    if (auto listing
        = BackupCatalog::list(profile, region, cancel, BackupCatalog::Scope::PrimaryOnly)) {
        for (const BackupEntry &e : listing->entries) {
            if (e.manifest && e.manifest->facts.rag && e.manifest->facts.rag->dimension > 0)
                return Fact{e.manifest->facts.rag->dimension,
                            QStringLiteral("the manifest of %1").arg(e.fileName)};
        }
    }
    auto password = SecretStore::read(region.database.password);
    if (!password)
        return fail(password.error());
    auto session = PgSession::connect(region.database, *password);
    if (!session)
        return fail(session.error());
    const QString table = PgSession::quoteQualified(profile.schema.embeddingsTable);
    const QString column = PgSession::quoteIdentifier(profile.schema.embeddingColumn);
    auto type = (*session)->scalar(
        QStringLiteral("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                       "WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped"),
        {profile.schema.embeddingsTable, profile.schema.embeddingColumn});
    if (!type)
        return fail(type.error());
    if (!type->isValid())
        return fail(Error::badInput(
            QStringLiteral("the database has no column %1.%2")
                .arg(profile.schema.embeddingsTable, profile.schema.embeddingColumn)));
    const bool pgvector = type->toString().startsWith(QLatin1String("vector"));
    auto dimension = (*session)->scalar(
        QStringLiteral("SELECT %1(%2) FROM %3 WHERE %2 IS NOT NULL LIMIT 1")
            .arg(pgvector ? QStringLiteral("vector_dims") : QStringLiteral("cardinality"),
                 column,
                 table));
    if (!dimension)
        return fail(dimension.error());
    if (!dimension->isValid())
        return fail(Error::failed(QStringLiteral("%1 holds no embeddings yet").arg(table)));
    return Fact{dimension->toString().toInt(),
                QStringLiteral("database %1").arg(region.database.describe())};
}

} // namespace ragdr::core
