// Winding down a workspace's operations before it goes: cancel or let finish, never block the
// caller's thread, and journal which operations finished and which were cancelled.
#include "wait.h"

#include "core/incident/journal.h"
#include "core/ops/operationrunner.h"
#include "core/ops/winddown.h"

#include <QJsonArray>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <atomic>

using namespace ragdr::core;
using ragdr::test::waitUntil;

namespace {

// A stand-in for a backup: works until it is released or cancelled, then cleans up.
struct Work
{
    QSemaphore release;
    std::atomic_bool cleanedUp = false;

    OperationRunner::Body body()
    {
        return [this](const Progress &p) {
            while (!p.isCancelled()) {
                if (release.tryAcquire(1, 20))
                    return OperationResult::success(QStringLiteral("backup complete"));
            }
            cleanedUp = true;
            return OperationResult::failure(
                Error::cancelled(QStringLiteral("no partial file was left")));
        };
    }
};

OperationSpec journalled(const QString &kind)
{
    return {kind, QStringLiteral("Test %1").arg(kind), {}};
}

OperationSpec lookup()
{
    return {QStringLiteral("backups.list"), QStringLiteral("List"), {}, false};
}

class WinddownTest : public ::testing::Test
{
protected:
    QJsonObject winddownEntry(const QString &type) const
    {
        const auto entries = Journal::readAll(m_path);
        EXPECT_TRUE(entries.has_value());
        for (const QJsonObject &e : entries.value_or(QList<QJsonObject>())) {
            if (e.value(QStringLiteral("type")).toString() == type
                && e.value(QStringLiteral("kind")).toString() == Winddown::kind())
                return e;
        }
        return {};
    }

    static QStringList kinds(const QJsonArray &items)
    {
        QStringList out;
        for (const QJsonValue &v : items)
            out.append(v.toObject().value(QStringLiteral("kind")).toString());
        return out;
    }

    QTemporaryDir m_dir;
    QString m_path = m_dir.filePath(QStringLiteral("journal.jsonl"));
    OperationRunner m_runner{std::make_shared<Journal>(m_path)};
};

} // namespace

TEST_F(WinddownTest, CancelCancelsEverythingWaitsForTheCleanupAndJournalsHowEachEnded)
{
    Work backup, verify, listing;
    m_runner.start(journalled(QStringLiteral("backup")), backup.body());
    m_runner.start(journalled(QStringLiteral("verify")), verify.body());
    m_runner.start(lookup(), listing.body());

    Winddown winddown(m_runner, QStringLiteral("closing the console"));
    ASSERT_EQ(winddown.items().size(), 2) << "look-ups are not asked about";
    EXPECT_EQ(winddown.items().at(0).title, QStringLiteral("Test backup"));
    QSignalSpy finished(&winddown, &Winddown::finished);
    winddown.start(Winddown::Mode::Cancel);
    EXPECT_FALSE(m_runner.isAccepting());

    ASSERT_TRUE(waitUntil([&] { return !finished.isEmpty(); }, std::chrono::seconds(10)));
    EXPECT_TRUE(finished.first().at(0).toBool());
    EXPECT_TRUE(backup.cleanedUp && verify.cleanedUp && listing.cleanedUp);
    EXPECT_TRUE(m_runner.isIdle());
    EXPECT_EQ(winddown.outcomeLines(),
              (QStringList{QStringLiteral("Test backup: cancelled (untouched: no partial file "
                                          "was left)"),
                           QStringLiteral("Test verify: cancelled (untouched: no partial file "
                                          "was left)")}));

    const QJsonObject started = winddownEntry(QStringLiteral("operation.started"));
    const QJsonObject params = started.value(QStringLiteral("params")).toObject();
    EXPECT_EQ(params.value(QStringLiteral("reason")).toString(),
              QStringLiteral("closing the console"));
    EXPECT_EQ(params.value(QStringLiteral("decision")).toString(), QStringLiteral("cancel"));
    EXPECT_EQ(kinds(params.value(QStringLiteral("operations")).toArray()),
              (QStringList{QStringLiteral("backup"), QStringLiteral("verify")}));
    const QJsonObject ended = winddownEntry(QStringLiteral("operation.finished"));
    EXPECT_EQ(ended.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    const QJsonObject evidence = ended.value(QStringLiteral("evidence")).toObject();
    EXPECT_EQ(kinds(evidence.value(QStringLiteral("cancelled")).toArray()),
              (QStringList{QStringLiteral("backup"), QStringLiteral("verify")}));
    EXPECT_TRUE(evidence.value(QStringLiteral("finished")).toArray().isEmpty());
    auto chain = Journal::verify(m_path);
    ASSERT_TRUE(chain.has_value());
    EXPECT_TRUE(chain->intact);
}

TEST_F(WinddownTest, FinishWaitsForTheWorkAndRefusesNewWorkMeanwhile)
{
    Work backup, verify;
    m_runner.start(journalled(QStringLiteral("backup")), backup.body());
    m_runner.start(journalled(QStringLiteral("verify")), verify.body());
    Winddown winddown(m_runner, QStringLiteral("opening other.yaml"));
    QSignalSpy finished(&winddown, &Winddown::finished);
    // start() returns while both still run: the caller's thread only waits in its event loop.
    winddown.start(Winddown::Mode::Finish);
    EXPECT_EQ(winddown.remaining(), 2);

    const OperationResult refused = m_runner.run(journalled(QStringLiteral("t")),
                                                 [](const Progress &) {
                                                     return OperationResult::success({});
                                                 });
    EXPECT_EQ(refused.errorKind, Error::Kind::Refused);

    backup.release.release();
    ASSERT_TRUE(waitUntil([&] { return winddown.remaining() == 1; }, std::chrono::seconds(10)));
    EXPECT_TRUE(finished.isEmpty());
    // The commander stops waiting for the verify.
    winddown.cancelRest();
    ASSERT_TRUE(waitUntil([&] { return !finished.isEmpty(); }, std::chrono::seconds(10)));
    EXPECT_TRUE(finished.first().at(0).toBool());
    EXPECT_FALSE(backup.cleanedUp);
    EXPECT_TRUE(verify.cleanedUp);

    const QJsonObject evidence = winddownEntry(QStringLiteral("operation.finished"))
                                     .value(QStringLiteral("evidence"))
                                     .toObject();
    EXPECT_EQ(kinds(evidence.value(QStringLiteral("finished")).toArray()),
              QStringList{QStringLiteral("backup")});
    EXPECT_EQ(kinds(evidence.value(QStringLiteral("cancelled")).toArray()),
              QStringList{QStringLiteral("verify")});
    EXPECT_EQ(evidence.value(QStringLiteral("decision")).toString(), QStringLiteral("finish"));
    EXPECT_TRUE(evidence.value(QStringLiteral("cancelled_the_rest")).toBool());
}

TEST_F(WinddownTest, AbandoningLeavesTheWorkRunningAndTakesWorkAgain)
{
    Work backup;
    Operation *op = m_runner.start(journalled(QStringLiteral("backup")), backup.body());
    QSignalSpy opFinished(op, &Operation::finished);
    Winddown winddown(m_runner, QStringLiteral("closing the console"));
    QSignalSpy finished(&winddown, &Winddown::finished);
    winddown.start(Winddown::Mode::Finish);
    winddown.abandon();
    ASSERT_TRUE(waitUntil([&] { return !finished.isEmpty(); }, std::chrono::seconds(10)));
    EXPECT_FALSE(finished.first().at(0).toBool());
    EXPECT_TRUE(m_runner.isAccepting());
    ASSERT_TRUE(
        waitUntil([&] { return !winddownEntry(QStringLiteral("operation.finished")).isEmpty(); },
                  std::chrono::seconds(10)));
    const QJsonObject ended = winddownEntry(QStringLiteral("operation.finished"));
    EXPECT_EQ(ended.value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    EXPECT_TRUE(
        ended.value(QStringLiteral("untouched")).toString().contains(QStringLiteral("Test backup")))
        << qPrintable(ended.value(QStringLiteral("untouched")).toString());
    EXPECT_TRUE(opFinished.isEmpty()) << "abandoning the winddown stopped the backup";
    backup.release.release();
    ASSERT_TRUE(waitUntil([&] { return !opFinished.isEmpty(); }, std::chrono::seconds(10)));
    EXPECT_TRUE(opFinished.first().at(0).value<OperationResult>().ok());
}

TEST_F(WinddownTest, WithOnlyLookUpsNothingIsJournalled)
{
    Work listing;
    m_runner.start(lookup(), listing.body());
    Winddown winddown(m_runner, QStringLiteral("closing the console"));
    EXPECT_TRUE(winddown.items().isEmpty());
    QSignalSpy finished(&winddown, &Winddown::finished);
    winddown.start(Winddown::Mode::Cancel);
    ASSERT_TRUE(waitUntil([&] { return !finished.isEmpty(); }, std::chrono::seconds(10)));
    EXPECT_TRUE(listing.cleanedUp);
    EXPECT_FALSE(QFile::exists(m_path));
}
