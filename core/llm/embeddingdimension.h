#pragma once

#include "core/base/canceltoken.h"
#include "core/base/error.h"
#include "core/profile/profile.h"

namespace ragdr::core {

// The length of the database's embeddings, which the embedding probe's vector must equal: from the
// newest backup manifest of the region (no database round trip), else asked of the database.
class EmbeddingDimension final
{
public:
    struct Fact
    {
        int dimension = -1;
        QString source; // "manifest of rag_backup_2026-01-22.dump" or "database rag at host:port"
    };

    static Result<Fact> of(const Profile &profile, const Region &region, const CancelToken &cancel);
};

} // namespace ragdr::core
