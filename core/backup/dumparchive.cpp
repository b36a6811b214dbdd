#include "dumparchive.h"

#include <QFile>
#include <QRegularExpression>

#include <algorithm>

namespace ragdr::core {

namespace {

// pg_dump's item kinds; longest first so that "TABLE DATA" is not read as "TABLE".
QStringList knownDescs()
{
    QStringList descs{QStringLiteral("ACCESS METHOD"),
                      QStringLiteral("ACL"),
                      QStringLiteral("AGGREGATE"),
                      QStringLiteral("BLOB"),
                      QStringLiteral("BLOB DATA"),
                      QStringLiteral("BLOBS"),
                      QStringLiteral("CAST"),
                      QStringLiteral("CHECK CONSTRAINT"),
                      QStringLiteral("COLLATION"),
                      QStringLiteral("COMMENT"),
                      QStringLiteral("CONSTRAINT"),
                      QStringLiteral("CONVERSION"),
                      QStringLiteral("DATABASE"),
                      QStringLiteral("DATABASE PROPERTIES"),
                      QStringLiteral("DEFAULT"),
                      QStringLiteral("DEFAULT ACL"),
                      QStringLiteral("DOMAIN"),
                      QStringLiteral("ENCODING"),
                      QStringLiteral("EVENT TRIGGER"),
                      QStringLiteral("EXTENSION"),
                      QStringLiteral("FK CONSTRAINT"),
                      QStringLiteral("FOREIGN DATA WRAPPER"),
                      QStringLiteral("FOREIGN TABLE"),
                      QStringLiteral("FUNCTION"),
                      QStringLiteral("INDEX"),
                      QStringLiteral("INDEX ATTACH"),
                      QStringLiteral("LARGE OBJECT"),
                      QStringLiteral("MATERIALIZED VIEW"),
                      QStringLiteral("MATERIALIZED VIEW DATA"),
                      QStringLiteral("OPERATOR"),
                      QStringLiteral("OPERATOR CLASS"),
                      QStringLiteral("OPERATOR FAMILY"),
                      QStringLiteral("POLICY"),
                      QStringLiteral("PROCEDURAL LANGUAGE"),
                      QStringLiteral("PROCEDURE"),
                      QStringLiteral("PUBLICATION"),
                      QStringLiteral("PUBLICATION TABLE"),
                      QStringLiteral("PUBLICATION TABLES IN SCHEMA"),
                      QStringLiteral("ROW SECURITY"),
                      QStringLiteral("RULE"),
                      QStringLiteral("SCHEMA"),
                      QStringLiteral("SEARCHPATH"),
                      QStringLiteral("SECURITY LABEL"),
                      QStringLiteral("SEQUENCE"),
                      QStringLiteral("SEQUENCE OWNED BY"),
                      QStringLiteral("SEQUENCE SET"),
                      QStringLiteral("SERVER"),
                      QStringLiteral("SHELL TYPE"),
                      QStringLiteral("STATISTICS"),
                      QStringLiteral("STDSTRINGS"),
                      QStringLiteral("SUBSCRIPTION"),
                      QStringLiteral("TABLE"),
                      QStringLiteral("TABLE ATTACH"),
                      QStringLiteral("TABLE DATA"),
                      QStringLiteral("TEXT SEARCH CONFIGURATION"),
                      QStringLiteral("TEXT SEARCH DICTIONARY"),
                      QStringLiteral("TEXT SEARCH PARSER"),
                      QStringLiteral("TEXT SEARCH TEMPLATE"),
                      QStringLiteral("TRANSFORM"),
                      QStringLiteral("TRIGGER"),
                      QStringLiteral("TYPE"),
                      QStringLiteral("USER MAPPING"),
                      QStringLiteral("VIEW")};
    std::sort(descs.begin(), descs.end(), [](const QString &a, const QString &b) {
        return a.size() > b.size();
    });
    return descs;
}

QString headerValue(const QString &line, const QString &key)
{
    const QString prefix = key + QLatin1Char(':');
    const QString body = line.mid(1).trimmed();
    return body.startsWith(prefix) ? body.mid(prefix.size()).trimmed() : QString();
}

} // namespace

QString ArchiveHeader::version() const
{
    return QStringLiteral("%1.%2-%3").arg(versionMajor).arg(versionMinor).arg(versionRevision);
}

int TocListing::count(const QString &desc) const
{
    return int(std::count_if(entries.cbegin(), entries.cend(), [&](const TocEntry &e) {
        return e.desc == desc;
    }));
}

TocListing TocListing::parse(const QByteArray &output)
{
    static const QStringList descs = knownDescs();
    static const QRegularExpression item(QStringLiteral("^(\\d+); (\\d+) (\\d+) (.*)$"));
    TocListing toc;
    const QList<QByteArray> lines = output.split('\n');
    for (const QByteArray &raw : lines) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.startsWith(QLatin1Char(';'))) {
            QString v;
            if (!(v = headerValue(line, QStringLiteral("TOC Entries"))).isEmpty())
                toc.headerEntries = v.toInt();
            else if (!(v = headerValue(line, QStringLiteral("Compression"))).isEmpty())
                toc.compression = v.toInt();
            else if (!(v = headerValue(line, QStringLiteral("Dump Version"))).isEmpty())
                toc.dumpVersion = v;
            else if (!(v = headerValue(line, QStringLiteral("Format"))).isEmpty())
                toc.format = v;
            else if (!(v = headerValue(line, QStringLiteral("dbname"))).isEmpty())
                toc.databaseName = v;
            else if (!(v = headerValue(line, QStringLiteral("Archive created at"))).isEmpty())
                toc.createdAt = v;
            else if (!(v = headerValue(line, QStringLiteral("Dumped from database version")))
                          .isEmpty())
                toc.dumpedFrom = v;
            else if (!(v = headerValue(line, QStringLiteral("Dumped by pg_dump version"))).isEmpty())
                toc.dumpedBy = v;
            continue;
        }
        const auto m = item.match(line);
        if (!m.hasMatch())
            continue;
        TocEntry e;
        e.dumpId = m.captured(1).toInt();
        const QString tail = m.captured(4);
        for (const QString &d : descs) {
            if (tail == d || tail.startsWith(d + QLatin1Char(' '))) {
                e.desc = d;
                e.rest = tail.mid(d.size()).trimmed();
                break;
            }
        }
        if (e.desc.isEmpty()) {
            e.desc = tail.section(QLatin1Char(' '), 0, 0);
            e.rest = tail.section(QLatin1Char(' '), 1);
        }
        toc.entries.append(e);
    }
    return toc;
}

Result<ArchiveHeader> DumpArchive::readHeader(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return fail(Error::failed(QStringLiteral("%1 does not exist").arg(path)));
    if (!file.open(QIODevice::ReadOnly))
        return fail(
            Error::failed(QStringLiteral("cannot read %1: %2").arg(path, file.errorString())));
    const QByteArray head = file.read(11);
    if (head.isEmpty())
        return fail(Error::failed(QStringLiteral("the file is empty (0 bytes)")));
    const QByteArrayView magic("PGDMP");
    const bool magicSoFar = head.size() < magic.size() ? magic.startsWith(head)
                                                       : head.startsWith(magic);
    if (!magicSoFar) {
        return fail(Error::failed(
            QStringLiteral("not a pg_dump custom-format archive: it does not start with PGDMP")));
    }
    if (head.size() < 11)
        return fail(
            Error::failed(QStringLiteral("the file is cut short: only %1 bytes").arg(head.size())));
    ArchiveHeader h;
    h.versionMajor = quint8(head.at(5));
    h.versionMinor = quint8(head.at(6));
    h.versionRevision = quint8(head.at(7));
    h.intSize = quint8(head.at(8));
    h.offsetSize = quint8(head.at(9));
    h.format = quint8(head.at(10));
    if (h.format != 1) {
        return fail(
            Error::failed(QStringLiteral("a pg_dump archive, but not in custom format (-F c); "
                                         "format byte %1")
                              .arg(h.format)));
    }
    return h;
}

} // namespace ragdr::core
