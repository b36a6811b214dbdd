#include "wait.h"

#include "core/incident/journal.h"
#include "core/ops/operationrunner.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>

using namespace ragdr::core;
using ragdr::test::waitUntil;

namespace {

OperationSpec spec(const QString &kind)
{
    return {kind, QStringLiteral("Test %1").arg(kind), {{QStringLiteral("p"), 1}}};
}

} // namespace

TEST(OperationRunner, RunsOffTheCallersThreadAndReportsProgress)
{
    QTemporaryDir dir;
    OperationRunner runner(std::make_shared<Journal>(dir.filePath(QStringLiteral("j.jsonl"))));
    QThread *caller = QThread::currentThread();
    QThread *worker = nullptr;
    QSemaphore release;
    Operation *op = runner.start(spec(QStringLiteral("t")), [&](const Progress &p) {
        worker = QThread::currentThread();
        p.set(0.5, QStringLiteral("halfway"));
        // Still running when the caller sees the progress: it arrives while the work goes on.
        release.tryAcquire(1, 10000);
        return OperationResult::success(QStringLiteral("done"));
    });
    QSignalSpy progress(op, &Operation::progressChanged);
    QSignalSpy finished(op, &Operation::finished);
    ASSERT_TRUE(waitUntil([&] { return !progress.isEmpty(); }, std::chrono::seconds(5)));
    EXPECT_TRUE(finished.isEmpty());
    release.release();
    ASSERT_TRUE(waitUntil([&] { return !finished.isEmpty(); }, std::chrono::seconds(5)));
    EXPECT_NE(worker, caller);
    EXPECT_DOUBLE_EQ(progress.first().at(0).toDouble(), 0.5);
    EXPECT_EQ(progress.first().at(1).toString(), QStringLiteral("halfway"));
    EXPECT_TRUE(finished.first().at(0).value<OperationResult>().ok());
}

TEST(OperationRunner, CancelEndsWithACancelledResult)
{
    QTemporaryDir dir;
    OperationRunner runner(std::make_shared<Journal>(dir.filePath(QStringLiteral("j.jsonl"))));
    Operation *op = runner.start(spec(QStringLiteral("t")), [](const Progress &p) {
        (void) waitUntil([&] { return p.isCancelled(); }, std::chrono::seconds(10));
        return OperationResult::failure(Error::cancelled(QStringLiteral("nothing was changed")));
    });
    QSignalSpy finished(op, &Operation::finished);
    op->cancel();
    ASSERT_TRUE(waitUntil([&] { return !finished.isEmpty(); }, std::chrono::seconds(5)));
    const auto r = finished.first().at(0).value<OperationResult>();
    EXPECT_EQ(r.status, OperationResult::Status::Cancelled);
    EXPECT_EQ(r.untouched, QStringLiteral("nothing was changed"));
    EXPECT_EQ(r.exitCode(), 1);
}

TEST(OperationRunner, AnExceptionBecomesAFailedResult)
{
    QTemporaryDir dir;
    OperationRunner runner(std::make_shared<Journal>(dir.filePath(QStringLiteral("j.jsonl"))));
    const OperationResult r = runner.run(spec(QStringLiteral("t")),
                                         [](const Progress &) -> OperationResult {
                                             throw std::runtime_error("boom");
                                         });
    EXPECT_EQ(r.status, OperationResult::Status::Failed);
    EXPECT_EQ(r.message, QStringLiteral("internal error: boom"));
}

TEST(OperationRunner, JournalsStartAndEndWithTheResult)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j.jsonl"));
    OperationRunner runner(std::make_shared<Journal>(path));
    runner.run(spec(QStringLiteral("backup")), [](const Progress &) {
        return OperationResult::failure(
            Error::refused(QStringLiteral("lock held"), QStringLiteral("all")));
    });
    runner.run({QStringLiteral("backups.list"), QStringLiteral("List"), {}, false},
               [](const Progress &) {
                   return OperationResult::success(QStringLiteral("3 backups"));
               });
    auto entries = Journal::readAll(path);
    ASSERT_TRUE(entries.has_value());
    ASSERT_EQ(entries->size(), 2) << "read-only look-ups are not journalled";
    EXPECT_EQ(entries->at(0).value(QStringLiteral("type")).toString(),
              QStringLiteral("operation.started"));
    EXPECT_EQ(entries->at(0).value(QStringLiteral("kind")).toString(), QStringLiteral("backup"));
    EXPECT_EQ(entries->at(1).value(QStringLiteral("type")).toString(),
              QStringLiteral("operation.finished"));
    EXPECT_EQ(entries->at(1).value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    EXPECT_EQ(entries->at(1).value(QStringLiteral("error")).toString(), QStringLiteral("refused"));
    EXPECT_EQ(entries->at(1).value(QStringLiteral("untouched")).toString(), QStringLiteral("all"));
    EXPECT_EQ(entries->at(0).value(QStringLiteral("operation")),
              entries->at(1).value(QStringLiteral("operation")));
}

TEST(OperationRunner, AnUnwritableJournalStopsTheOperationBeforeItStarts)
{
    QTemporaryDir dir;
    QFile blocker(dir.filePath(QStringLiteral("file")));
    blocker.open(QIODevice::WriteOnly);
    blocker.close();
    // The journal's directory would have to be a file: it cannot be created.
    OperationRunner runner(std::make_shared<Journal>(dir.filePath(QStringLiteral("file/j.jsonl"))));
    bool ran = false;
    const OperationResult r = runner.run(spec(QStringLiteral("t")), [&](const Progress &) {
        ran = true;
        return OperationResult::success(QStringLiteral("done"));
    });
    EXPECT_FALSE(ran);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.message.contains(QStringLiteral("journal"))) << qPrintable(r.message);
}

TEST(OperationRunner, WhileNotAcceptingWorkAStartIsRefusedWithoutRunningOrJournalling)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("j.jsonl"));
    OperationRunner runner(std::make_shared<Journal>(path));
    QSignalSpy idle(&runner, &OperationRunner::idle);
    runner.setAccepting(false);
    bool ran = false;
    const OperationResult r = runner.run(spec(QStringLiteral("backup")), [&](const Progress &) {
        ran = true;
        return OperationResult::success(QStringLiteral("done"));
    });
    EXPECT_FALSE(ran);
    EXPECT_EQ(r.errorKind, Error::Kind::Refused);
    EXPECT_EQ(r.exitCode(), 3);
    EXPECT_TRUE(r.message.contains(QStringLiteral("closing"))) << qPrintable(r.message);
    EXPECT_FALSE(QFile::exists(path)) << "an operation that never started was journalled";
    EXPECT_TRUE(runner.isIdle());
    EXPECT_EQ(idle.count(), 1);

    runner.setAccepting(true);
    EXPECT_TRUE(
        runner
            .run(spec(QStringLiteral("t")),
                 [](const Progress &) { return OperationResult::success(QStringLiteral("done")); })
            .ok());
}

TEST(OperationRunner, IsIdleOnlyOnceTheLastResultIsDelivered)
{
    QTemporaryDir dir;
    OperationRunner runner(std::make_shared<Journal>(dir.filePath(QStringLiteral("j.jsonl"))));
    QSemaphore release;
    auto body = [&](const Progress &) {
        release.tryAcquire(1, 10000);
        return OperationResult::success(QStringLiteral("done"));
    };
    Operation *a = runner.start(spec(QStringLiteral("a")), body);
    Operation *b = runner.start(spec(QStringLiteral("b")), body);
    EXPECT_EQ(runner.active(), (QList<Operation *>{a, b}));
    QSignalSpy idle(&runner, &OperationRunner::idle);
    release.release();
    ASSERT_TRUE(waitUntil([&] { return runner.active().size() == 1; }, std::chrono::seconds(5)));
    EXPECT_FALSE(runner.isIdle());
    EXPECT_EQ(idle.count(), 0);
    release.release();
    ASSERT_TRUE(waitUntil([&] { return idle.count() == 1; }, std::chrono::seconds(5)));
    EXPECT_TRUE(runner.isIdle());
}
