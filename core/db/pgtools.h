#pragma once

#include "core/base/canceltoken.h"
#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QProcessEnvironment>
#include <QStringList>
#include <QTemporaryFile>

#include <memory>

namespace ragdr::core {

// The PostgreSQL client and server programs: found in RAGDR_PG_BINDIR, else the newest
// /usr/lib/postgresql/N/bin that has them (Debian's layout, which puts no server program on PATH),
// else PATH.
class PgTools final
{
public:
    static Result<QString> locate(const QString &program);

    // "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    static Result<QString> version(const QString &programPath);

    // -h/-p/-U for a database; the database name is passed separately with -d so that it can
    // never be taken for a connection string.
    static QStringList connectionArguments(const DatabaseConfig &db);
};

// A password handed to one PostgreSQL tool: a temporary 0600 pgpass file named by PGPASSFILE in
// the child's environment. The password is in neither argv nor the environment, and the file is
// removed when this object goes away.
class PgPassFile final
{
public:
    static Result<std::unique_ptr<PgPassFile>> create(const DatabaseConfig &db,
                                                      const QByteArray &password);
    ~PgPassFile();

    QString path() const;

    // ChildProcess::baseEnvironment() plus what the tool needs to reach db without asking.
    static QProcessEnvironment environmentFor(const DatabaseConfig &db, const PgPassFile *passFile);

    // Escapes ':' and '\' as the pgpass format asks.
    static QByteArray escape(const QByteArray &field);

    // Password files of this user that a ragdr process which is gone left behind (killed before
    // it could remove them): removed, and their paths returned. Each file's name carries the pid
    // of the process that made it; files of running processes are left alone.
    static QStringList removeOrphans(QStringList *problems);

private:
    PgPassFile() = default;
    std::unique_ptr<QTemporaryFile> m_file;
};

} // namespace ragdr::core
