#include "core/backup/dumparchive.h"
#include "core/backup/dumpprogress.h"
#include "core/db/pgtools.h"
#include "core/db/scram.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace ragdr::core;

namespace {

// What pg_restore 15 -l printed for a small archive.
const QByteArray kListing = R"(;
; Archive created at 2026-11-24 22:40:27 UTC
;     dbname: rag
;     TOC Entries: 11
;     Compression: -1
;     Dump Version: 1.14-0
;     Format: CUSTOM
;     Integer: 4 bytes
;     Offset: 8 bytes
;     Dumped from database version: 15.18 (Debian 15.18-0+deb12u1)
;     Dumped by pg_dump version: 15.18 (Debian 15.18-0+deb12u1)
;
;
; Selected TOC Entries:
;
215; 1259 16392 TABLE public chunks postgres
214; 1259 16385 TABLE public documents postgres
3348; 0 16392 TABLE DATA public chunks postgres
3347; 0 16385 TABLE DATA public documents postgres
3203; 2606 16398 CONSTRAINT public chunks chunks_pkey postgres
3201; 2606 16391 CONSTRAINT public documents documents_pkey postgres
3204; 2606 16399 FK CONSTRAINT public chunks chunks_doc_fkey postgres
)";

QString writeFile(const QTemporaryDir &dir, const QByteArray &bytes)
{
    const QString path = dir.filePath(QStringLiteral("f.dump"));
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(bytes);
    return path;
}

} // namespace

TEST(TocListing, ParsesHeaderAndItemsByKind)
{
    const TocListing toc = TocListing::parse(kListing);
    EXPECT_EQ(toc.headerEntries, 11);
    EXPECT_EQ(toc.compression, -1);
    EXPECT_EQ(toc.dumpVersion, QStringLiteral("1.14-0"));
    EXPECT_EQ(toc.format, QStringLiteral("CUSTOM"));
    EXPECT_EQ(toc.databaseName, QStringLiteral("rag"));
    EXPECT_TRUE(toc.dumpedBy.startsWith(QStringLiteral("15.18")));
    EXPECT_EQ(toc.entries.size(), 7);
    EXPECT_EQ(toc.count(QStringLiteral("TABLE DATA")), 2);
    EXPECT_EQ(toc.count(QStringLiteral("TABLE")), 2);
    EXPECT_EQ(toc.count(QStringLiteral("FK CONSTRAINT")), 1);
    EXPECT_EQ(toc.count(QStringLiteral("CONSTRAINT")), 2);
    EXPECT_EQ(toc.entries.at(2).rest, QStringLiteral("public chunks postgres"));
}

TEST(DumpArchive, HeaderChecksSayWhatIsWrong)
{
    QTemporaryDir dir;
    auto empty = DumpArchive::readHeader(writeFile(dir, {}));
    ASSERT_FALSE(empty.has_value());
    EXPECT_EQ(empty.error().message, QStringLiteral("the file is empty (0 bytes)"));

    auto shortFile = DumpArchive::readHeader(writeFile(dir, "PGD"));
    ASSERT_FALSE(shortFile.has_value());
    EXPECT_EQ(shortFile.error().message, QStringLiteral("the file is cut short: only 3 bytes"));

    auto foreign = DumpArchive::readHeader(writeFile(dir, "-- PostgreSQL database dump\n"));
    ASSERT_FALSE(foreign.has_value());
    EXPECT_TRUE(
        foreign.error().message.startsWith(QStringLiteral("not a pg_dump custom-format archive")));

    auto plainTar = DumpArchive::readHeader(
        writeFile(dir, QByteArray("PGDMP\x01\x0e\x00\x04\x08\x03", 11)));
    ASSERT_FALSE(plainTar.has_value());
    EXPECT_TRUE(plainTar.error().message.contains(QStringLiteral("not in custom format")));

    auto good = DumpArchive::readHeader(
        writeFile(dir, QByteArray("PGDMP\x01\x0e\x00\x04\x08\x01xyz", 14)));
    ASSERT_TRUE(good.has_value());
    EXPECT_EQ(good->version(), QStringLiteral("1.14-0"));
    EXPECT_EQ(good->intSize, 4);
    EXPECT_EQ(good->offsetSize, 8);
}

TEST(DumpProgress, WeighsTablesBySizeAndNamesTheCurrentOne)
{
    DumpProgress p({{QStringLiteral("public.documents"), 10'000, 100},
                    {QStringLiteral("public.embeddings"), 990'000, 1000}});
    EXPECT_TRUE(p.onLine(QStringLiteral("pg_dump: reading extensions")));
    EXPECT_GT(p.fraction(), 0.0);
    EXPECT_LT(p.fraction(), 0.05);
    EXPECT_EQ(p.step(), QStringLiteral("reading the schema"));
    p.onLine(QStringLiteral("pg_dump: dumping contents of table \"public.documents\""));
    EXPECT_NEAR(p.fraction(), 0.05, 0.001);
    p.onLine(QStringLiteral("pg_dump: dumping contents of table \"public.embeddings\""));
    EXPECT_NEAR(p.fraction(), 0.05 + 0.95 * 0.01, 0.001);
    p.onCopyProgress(QStringLiteral("public.embeddings"), 500);
    EXPECT_NEAR(p.fraction(), 0.05 + 0.95 * (0.01 + 0.99 * 0.5), 0.001);
    EXPECT_TRUE(p.step().startsWith(QStringLiteral("dumping public.embeddings (table 2 of 2")));
}

TEST(PgPassFile, EscapesSeparatorsAndIsPrivate)
{
    EXPECT_EQ(PgPassFile::escape("a:b\\c"), QByteArray("a\\:b\\\\c"));
    DatabaseConfig db;
    db.host = QStringLiteral("db.internal");
    db.port = 5433;
    db.user = QStringLiteral("rag_app");
    auto pass = PgPassFile::create(db, "pa:ss");
    ASSERT_TRUE(pass.has_value());
    QFile f((*pass)->path());
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(f.readAll(), QByteArray("db.internal:5433:*:rag_app:pa\\:ss\n"));
    EXPECT_EQ(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
              QFileDevice::Permissions());
    const QString path = (*pass)->path();
    pass->reset();
    EXPECT_FALSE(QFile::exists(path)) << "the password file outlived its use";
}

TEST(Scram, VerifierHasPostgresFormat)
{
    // RFC 7677's example password and salt; the keys were computed independently (Python hashlib).
    const QByteArray v = scramSha256Verifier("pencil",
                                             QByteArray::fromBase64("W22ZaJ0SNY7soEsUEjb6gQ=="),
                                             4096);
    EXPECT_EQ(v,
              QByteArray("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
                         "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
                         "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="));
}
