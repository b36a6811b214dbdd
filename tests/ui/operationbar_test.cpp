// The operation bar: every running operation has a line and a Cancel of its own.
#include "wait.h"

#include "ui/common/operationbar.h"

#include "core/incident/journal.h"
#include "core/ops/operationrunner.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>

using namespace ragdr;
using ragdr::test::waitUntil;

namespace {

core::OperationResult untilCancelled(const core::Progress &p)
{
    p.set(0.25, QStringLiteral("working"));
    (void) waitUntil([&] { return p.isCancelled(); }, std::chrono::seconds(30));
    return core::OperationResult::failure(core::Error::cancelled(QStringLiteral("all")));
}

// The visible Cancel buttons, each with the text of the line it sits on.
QList<std::pair<QToolButton *, QString>> cancels(const QWidget &bar)
{
    QList<std::pair<QToolButton *, QString>> out;
    for (QToolButton *b : bar.findChildren<QToolButton *>(QStringLiteral("operationCancel"))) {
        if (!b->isVisible() || !b->isEnabled())
            continue;
        const auto *label = b->parentWidget()->findChild<QLabel *>(
            QStringLiteral("operationLabel"));
        out.append({b, label ? label->text() : QString()});
    }
    return out;
}

} // namespace

TEST(OperationBar, TwoOperationsShowTwoCancelButtonsThatEachCancelTheirOwn)
{
    QTemporaryDir dir;
    core::OperationRunner runner(
        std::make_shared<core::Journal>(dir.filePath(QStringLiteral("j.jsonl"))));
    ui::OperationBar bar(&runner);
    bar.resize(900, 80);
    bar.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&bar));

    core::Operation *backup
        = runner.start({QStringLiteral("backup"), QStringLiteral("Back up rag (drill)"), {}},
                       untilCancelled);
    QSignalSpy backupDone(backup, &core::Operation::finished);
    // A verify started during the backup must not hide the backup's Cancel.
    core::Operation *verify = runner.start({QStringLiteral("verify"),
                                            QStringLiteral("Verify rag_backup_x (full, drill)"),
                                            {}},
                                           untilCancelled);
    QSignalSpy verifyDone(verify, &core::Operation::finished);
    // A look-up meanwhile takes no line.
    runner.start({QStringLiteral("backups.list"), QStringLiteral("List backups"), {}, false},
                 [](const core::Progress &) {
                     return core::OperationResult::success(QStringLiteral("2 backups"));
                 });

    ASSERT_TRUE(waitUntil([&] { return cancels(bar).size() == 2; }, std::chrono::seconds(5)))
        << cancels(bar).size() << " Cancel buttons for two running operations";
    auto buttons = cancels(bar);
    ASSERT_TRUE(buttons.at(0).second.startsWith(QStringLiteral("Back up rag (drill)")))
        << qPrintable(buttons.at(0).second);
    ASSERT_TRUE(buttons.at(1).second.startsWith(QStringLiteral("Verify rag_backup_x")))
        << qPrintable(buttons.at(1).second);

    QTest::mouseClick(buttons.at(1).first, Qt::LeftButton);
    ASSERT_TRUE(waitUntil([&] { return !verifyDone.isEmpty(); }, std::chrono::seconds(5)));
    EXPECT_EQ(verifyDone.first().at(0).value<core::OperationResult>().status,
              core::OperationResult::Status::Cancelled);
    EXPECT_TRUE(backupDone.isEmpty()) << "the verify's Cancel cancelled the backup";
    EXPECT_FALSE(backup->isCancelRequested());
    buttons = cancels(bar);
    ASSERT_EQ(buttons.size(), 1);
    EXPECT_TRUE(buttons.at(0).second.startsWith(QStringLiteral("Back up rag (drill)")));

    QTest::mouseClick(buttons.at(0).first, Qt::LeftButton);
    ASSERT_TRUE(waitUntil([&] { return !backupDone.isEmpty(); }, std::chrono::seconds(5)));
    EXPECT_EQ(backupDone.first().at(0).value<core::OperationResult>().status,
              core::OperationResult::Status::Cancelled);
    EXPECT_TRUE(cancels(bar).isEmpty());
    // Both results stay on show for a while, each on its own line.
    QStringList shown;
    for (const QLabel *l : bar.findChildren<QLabel *>(QStringLiteral("operationLabel")))
        shown.append(l->text());
    EXPECT_EQ(shown.filter(QStringLiteral(": cancelled")).size(), 2)
        << qPrintable(shown.join(QLatin1Char('\n')));
}
