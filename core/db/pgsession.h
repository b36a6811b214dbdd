#pragma once

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QStringList>
#include <QVariant>

#include <memory>

namespace ragdr::core {

using PgRow = QVariantList; // text values as QString; SQL NULL as an invalid QVariant

// One PostgreSQL connection, used by exactly one thread at a time (libpq's rule). libpqxx stays
// inside: every failure comes back as an Error, never as an exception.
class PgSession final
{
public:
    enum class Isolation { ReadCommitted, RepeatableRead };

    static Result<std::unique_ptr<PgSession>> connect(const DatabaseConfig &db,
                                                      const QByteArray &password,
                                                      const QString &databaseOverride = {});
    ~PgSession();
    PgSession(const PgSession &) = delete;
    PgSession &operator=(const PgSession &) = delete;

    Status begin(Isolation isolation, bool readOnly);
    Status commit();
    void rollback();
    bool inTransaction() const;

    // Positional parameters $1.. are passed as text.
    Result<QList<PgRow>> query(const QString &sql, const QStringList &params = {});
    Result<QVariant> scalar(const QString &sql, const QStringList &params = {});
    Status execute(const QString &sql, const QStringList &params = {});

    int backendPid() const;
    QString database() const;
    const DatabaseConfig &config() const { return m_config; }

    // Stops the statement that a session with this backend pid is running, from another
    // connection, so that the session itself is never touched by two threads.
    static Status cancelBackend(const DatabaseConfig &db, const QByteArray &password, int pid);

    // "schema"."name" from "schema.name" or "name", each part quoted.
    static QString quoteQualified(const QString &name);
    static QString quoteIdentifier(const QString &name);
    static QString quoteLiteral(const QString &value);

private:
    PgSession();
    struct Private; // the libpqxx connection and transaction, kept out of this header
    DatabaseConfig m_config;
    QString m_database;
    std::unique_ptr<Private> d;
};

// libpq keyword=value connection string; values quoted. Holds the password: never log it.
std::string conninfoFor(const DatabaseConfig &db,
                        const QByteArray &password,
                        const QString &databaseOverride = {});

} // namespace ragdr::core
