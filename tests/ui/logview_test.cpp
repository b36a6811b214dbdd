// The log view under a flood: lines are shown a slice per turn of the event loop, so that the GUI
// thread never appends tens of thousands at once, and it ends with the newest kMaxLines in order.
#include "wait.h"

#include "ui/cluster/logview.h"

#include <QPlainTextEdit>

#include <gtest/gtest.h>

using namespace ragdr;
using ragdr::test::waitUntil;

TEST(LogView, AFloodIsShownASliceAtATimeAndKeepsTheNewestLines)
{
    ui::LogView view;
    auto *text = view.findChild<QPlainTextEdit *>(QStringLiteral("logText"));
    ASSERT_NE(text, nullptr);
    constexpr int kFlood = ui::LogView::kMaxLines + 10'000;
    QList<core::LogLine> lines;
    for (int i = 0; i < kFlood; ++i)
        lines.append({QDateTime::currentDateTimeUtc(), QStringLiteral("line %1").arg(i)});
    view.append(lines);
    // One slice now; the rest on later turns of the event loop.
    EXPECT_LE(text->blockCount(), ui::LogView::kSliceLines);
    ASSERT_TRUE(waitUntil([&] { return text->blockCount() >= ui::LogView::kMaxLines; },
                          std::chrono::seconds(60)))
        << text->blockCount() << " lines shown";
    const QStringList shown = view.text().split(QLatin1Char('\n'));
    ASSERT_EQ(shown.size(), ui::LogView::kMaxLines);
    EXPECT_EQ(shown.constFirst(), QStringLiteral("line %1").arg(kFlood - ui::LogView::kMaxLines));
    EXPECT_EQ(shown.constLast(), QStringLiteral("line %1").arg(kFlood - 1));
}
