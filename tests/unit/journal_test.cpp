#include "core/incident/journal.h"
#include "core/incident/journalentry.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtConcurrent>

#include <gtest/gtest.h>

using namespace ragdr::core;

namespace {

QList<QByteArray> lines(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    QList<QByteArray> out = f.readAll().split('\n');
    out.removeAll(QByteArray());
    return out;
}

void writeLines(const QString &path, const QList<QByteArray> &ls)
{
    QFile f(path);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    for (const QByteArray &l : ls)
        f.write(l + '\n');
}

} // namespace

TEST(Journal, AppendsAChainThatVerifies)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("sub/journal.jsonl")));
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(
            journal.append(QStringLiteral("test.event"), {{QStringLiteral("n"), i}}).has_value());
    auto check = Journal::verify(journal.path());
    ASSERT_TRUE(check.has_value());
    EXPECT_TRUE(check->intact) << qPrintable(check->problem);
    EXPECT_EQ(check->entries, 5);
    auto entries = Journal::readAll(journal.path());
    ASSERT_TRUE(entries.has_value());
    EXPECT_EQ(entries->at(4).value(QStringLiteral("seq")).toInt(), 5);
    EXPECT_EQ(entries->at(4).value(QStringLiteral("n")).toInt(), 4);
    EXPECT_FALSE(entries->at(4).value(QStringLiteral("actor")).toString().isEmpty());
}

TEST(Journal, ConcurrentWritersKeepOneChain)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("journal.jsonl"));
    Journal a(path);
    Journal b(path); // as a second process would: its own object, the same file
    QList<QFuture<void>> writers;
    for (Journal *j : {&a, &b}) {
        writers.append(QtConcurrent::run([j] {
            for (int i = 0; i < 25; ++i)
                j->append(QStringLiteral("test.event"), {{QStringLiteral("i"), i}});
        }));
    }
    for (auto &w : writers)
        w.waitForFinished();
    auto check = Journal::verify(path);
    ASSERT_TRUE(check.has_value());
    EXPECT_TRUE(check->intact) << qPrintable(check->problem);
    EXPECT_EQ(check->entries, 50);
}

TEST(Journal, AnEditedLineIsFound)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    for (int i = 0; i < 3; ++i)
        journal.append(QStringLiteral("operation.finished"),
                       {{QStringLiteral("status"), QStringLiteral("failed")}});
    QList<QByteArray> ls = lines(journal.path());
    ls[1].replace("\"failed\"", "\"ok\"");
    writeLines(journal.path(), ls);
    auto check = Journal::verify(journal.path());
    ASSERT_TRUE(check.has_value());
    EXPECT_FALSE(check->intact);
    EXPECT_EQ(check->firstBadLine, 2);
    EXPECT_TRUE(check->problem.contains(QStringLiteral("edited")));
}

TEST(Journal, ARemovedLineIsFound)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    for (int i = 0; i < 4; ++i)
        journal.append(QStringLiteral("test.event"), {});
    QList<QByteArray> ls = lines(journal.path());
    ls.removeAt(1);
    writeLines(journal.path(), ls);
    auto check = Journal::verify(journal.path());
    ASSERT_TRUE(check.has_value());
    EXPECT_FALSE(check->intact);
    EXPECT_EQ(check->firstBadLine, 2);
    EXPECT_TRUE(check->problem.contains(QStringLiteral("removed")));
}

namespace {

void truncateTo(const QString &path, qint64 size)
{
    QFile f(path);
    ASSERT_TRUE(f.resize(size));
}

qint64 sizeAfterLines(const QString &path, int lineCount)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    qint64 size = 0;
    for (int i = 0; i < lineCount; ++i)
        size += f.readLine().size();
    return size;
}

} // namespace

TEST(Journal, LinesCutOffTheEndAreFoundThroughTheHead)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(journal.append(QStringLiteral("note"), {{QStringLiteral("n"), i}}).has_value());
    auto head = Journal::readHead(journal.path());
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(head->seq, 5);
    // Cut the last two lines off: the chain that is left is intact, but shorter than its head.
    truncateTo(journal.path(), sizeAfterLines(journal.path(), 3));
    auto check = Journal::verify(journal.path());
    ASSERT_TRUE(check.has_value());
    EXPECT_FALSE(check->intact);
    EXPECT_EQ(check->firstBadLine, 4);
    EXPECT_EQ(check->firstBadEntry, 4);
    EXPECT_TRUE(check->problem.contains(QStringLiteral("cut off the end")))
        << qPrintable(check->problem);
    EXPECT_TRUE(check->problem.contains(QStringLiteral("entry 5"))) << qPrintable(check->problem);
}

TEST(Journal, ALineCutInTheMiddleIsFound)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    for (int i = 0; i < 3; ++i)
        journal.append(QStringLiteral("note"), {{QStringLiteral("n"), i}});
    truncateTo(journal.path(), sizeAfterLines(journal.path(), 2) + 20);
    auto check = Journal::verify(journal.path());
    ASSERT_TRUE(check.has_value());
    EXPECT_FALSE(check->intact);
    EXPECT_EQ(check->firstBadLine, 3);
    EXPECT_TRUE(check->problem.contains(QStringLiteral("cut off in the middle")))
        << qPrintable(check->problem);
}

TEST(Journal, AJournalRewrittenWholeDoesNotMatchItsHead)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    Journal forged(dir.filePath(QStringLiteral("forged.jsonl")));
    for (int i = 0; i < 3; ++i) {
        journal.append(QStringLiteral("decision"),
                       {{QStringLiteral("choice"), QStringLiteral("restore")}});
        forged.append(QStringLiteral("decision"),
                      {{QStringLiteral("choice"), QStringLiteral("wait")}});
    }
    // A consistent chain of other content, put in the journal's place: only the head shows it.
    QFile::remove(journal.path());
    ASSERT_TRUE(QFile::copy(forged.path(), journal.path()));
    auto check = Journal::verify(journal.path());
    ASSERT_TRUE(check.has_value());
    EXPECT_FALSE(check->intact);
    EXPECT_EQ(check->firstBadLine, 3);
    EXPECT_TRUE(check->problem.contains(QStringLiteral("rewritten"))) << qPrintable(check->problem);
}

TEST(Journal, TheHeadAnExportRecordedIsCheckedToo)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    for (int i = 0; i < 4; ++i)
        journal.append(QStringLiteral("note"), {});
    auto head = Journal::readHead(journal.path());
    ASSERT_TRUE(head.has_value());
    const QByteArray exported = "# Post-incident report\n\n" + head->text().toUtf8() + "\n";
    const auto found = JournalHead::findIn(exported);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->seq, 4);
    EXPECT_EQ(found->hash, head->hash);
    // Both the last line and the head file are gone: the export still knows.
    truncateTo(journal.path(), sizeAfterLines(journal.path(), 3));
    QFile::remove(Journal::headPath(journal.path()));
    auto plain = Journal::verify(journal.path());
    ASSERT_TRUE(plain.has_value());
    EXPECT_TRUE(plain->intact);
    EXPECT_FALSE(plain->headKnown);
    auto against = Journal::verify(journal.path(), *found);
    ASSERT_TRUE(against.has_value());
    EXPECT_FALSE(against->intact);
    EXPECT_EQ(against->firstBadEntry, 4);
    EXPECT_TRUE(against->problem.contains(QStringLiteral("the export")))
        << qPrintable(against->problem);
}

TEST(Journal, EntriesBelongToTheIncidentOpenWhenTheyAreWritten)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    journal.append(QStringLiteral("operation.started"),
                   {{QStringLiteral("kind"), QStringLiteral("backup")}});
    JournalRecord opened;
    opened.type = QStringLiteral("incident.opened");
    opened.incident = QStringLiteral("INC-1");
    ASSERT_TRUE(journal.append(opened).has_value());
    // The operation runner's own entries, which know nothing of incidents.
    journal.append(QStringLiteral("operation.finished"),
                   {{QStringLiteral("status"), QStringLiteral("ok")}});
    JournalRecord note;
    note.type = QStringLiteral("note");
    note.text = QStringLiteral("pods restarted");
    journal.append(note);
    JournalRecord closed;
    closed.type = QStringLiteral("incident.closed");
    journal.append(closed);
    journal.append(QStringLiteral("operation.started"), {});
    auto entries = Journal::readAll(journal.path());
    ASSERT_TRUE(entries.has_value());
    QStringList incidents;
    QStringList sources;
    for (const QJsonObject &e : std::as_const(*entries)) {
        incidents.append(e.value(QStringLiteral("incident")).toString());
        sources.append(e.value(QStringLiteral("source")).toString());
    }
    EXPECT_EQ(incidents,
              (QStringList{QString(),
                           QStringLiteral("INC-1"),
                           QStringLiteral("INC-1"),
                           QStringLiteral("INC-1"),
                           QStringLiteral("INC-1"),
                           QString()}));
    EXPECT_EQ(sources.at(0), QStringLiteral("operation"));
    EXPECT_EQ(sources.at(3), QStringLiteral("user"));
    EXPECT_EQ(Journal::openIncident(entries->at(4)), QString());
    EXPECT_EQ(entries->at(3).value(QStringLiteral("text")).toString(),
              QStringLiteral("pods restarted"));
    const JournalEntry finished = JournalEntry::from(entries->at(2));
    EXPECT_TRUE(finished.text.startsWith(QStringLiteral("ok"))) << qPrintable(finished.text);
    auto check = Journal::verify(journal.path());
    ASSERT_TRUE(check.has_value());
    EXPECT_TRUE(check->intact) << qPrintable(check->problem);
}

TEST(Journal, ACutStaysVisibleAfterTheNextAppend)
{
    QTemporaryDir dir;
    Journal journal(dir.filePath(QStringLiteral("journal.jsonl")));
    for (int i = 0; i < 5; ++i)
        journal.append(QStringLiteral("note"), {{QStringLiteral("n"), i}});
    truncateTo(journal.path(), sizeAfterLines(journal.path(), 3));
    // The console writes on (any operation does): the cut must not vanish with the old head.
    ASSERT_TRUE(journal.append(QStringLiteral("operation.started"), {}).has_value());
    auto check = Journal::verify(journal.path());
    ASSERT_TRUE(check.has_value());
    EXPECT_FALSE(check->intact);
    EXPECT_EQ(check->firstBadLine, 4);
    EXPECT_EQ(check->firstBadEntry, 4);
    EXPECT_TRUE(check->problem.contains(QStringLiteral("entries 4 to 5 had been cut off")))
        << qPrintable(check->problem);
}
