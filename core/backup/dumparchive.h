#pragma once

#include "core/base/error.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace ragdr::core {

// The fixed header of a pg_dump custom-format archive: "PGDMP", version bytes, int and offset
// sizes, format.
struct ArchiveHeader
{
    int versionMajor = 0;
    int versionMinor = 0;
    int versionRevision = 0;
    int intSize = 0;
    int offsetSize = 0;
    int format = 0; // 1: custom

    QString version() const;
};

struct TocEntry
{
    int dumpId = 0;
    QString desc; // "TABLE DATA", "FK CONSTRAINT" ...
    QString rest; // schema, name and owner as pg_restore prints them (names are not quoted)
};

// What `pg_restore -l` prints: the header comments and one line per archive item.
struct TocListing
{
    int headerEntries = -1;
    int compression = -1;
    QString dumpVersion;
    QString format;
    QString databaseName;
    QString createdAt;
    QString dumpedFrom; // server version
    QString dumpedBy;   // pg_dump version
    QList<TocEntry> entries;

    int count(const QString &desc) const;
    static TocListing parse(const QByteArray &output);
};

class DumpArchive final
{
public:
    // Reads the first bytes of path: a clear error for a missing, empty, short or foreign file.
    static Result<ArchiveHeader> readHeader(const QString &path);
};

} // namespace ragdr::core
