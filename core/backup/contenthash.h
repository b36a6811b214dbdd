#pragma once

#include "core/base/error.h"

#include <QString>

namespace ragdr::core {

class PgSession;

// A table's content as one hash, computed in SQL so that it can run in a backup's exported
// snapshot while pg_dump reads the same rows. Each column is hashed in its binary send form
// (md5(array_send(embedding)) is 2-3 times cheaper than its text; pg-measured.md finding 5),
// except where that form carries an OID that a restore renumbers (composite values, arrays of
// user-defined types, reg* types): those are hashed as text under pinned settings. Rows are
// ordered by their own hash, so the result depends on neither the physical order, nor a key,
// nor the database's collation: a pg_restore'd copy hashes the same, and any change to any row
// does not.
class ContentHash final
{
public:
    struct TableHash
    {
        QString hash;
        qint64 rows = 0;
    };

    // Recorded beside the hashes, so that hashes made another way are never compared.
    static QString method();

    // Pins the settings text forms depend on (time zone, date and float formats), in the
    // session's transaction when there is one.
    static Status pinSettings(PgSession &session);

    // The hash and the row count of "schema.name", in one pass over the table.
    static Result<TableHash> of(PgSession &session, const QString &qualifiedName);
};

} // namespace ragdr::core
