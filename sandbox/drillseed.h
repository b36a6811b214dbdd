#pragma once

#include "core/base/error.h"

namespace ragdr::core {
class PgSession;
}

namespace ragdr::sandbox {

// The RAG schema with deterministic content: documents, chunks of ten per document, and an
// embedding per chunk (real[] of 384 dimensions, or pgvector's vector where the server has it)
// made of a topic vector plus noise, so that a chunk's nearest neighbours share its topic. About
// one chunk in a hundred has no embedding yet, as in a service whose worker is behind.
class DrillSeed final
{
public:
    static constexpr int kDimension = 384;
    static constexpr int kChunksPerDocument = 10;
    static constexpr int kTopics = 16;

    // Runs as the owner of the database (session connected to it).
    static core::Status createSchema(core::PgSession &session, bool pgvector);
    static core::Status fill(core::PgSession &session, int chunks, bool pgvector);
};

} // namespace ragdr::sandbox
