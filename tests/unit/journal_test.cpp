#include "core/incident/journal.h"

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
