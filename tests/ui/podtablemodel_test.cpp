// The pod model in a watch storm: updates that change no cell emit nothing, and changed rows are
// announced row by row (in runs of adjacent rows), never as one range over the rows between.
#include "ui/cluster/podtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace ragdr;

namespace {

core::PodRow pod(int i, const QString &status = QStringLiteral("Running"))
{
    core::PodRow row;
    row.name = QStringLiteral("rag-worker-%1").arg(i, 4, 10, QLatin1Char('0'));
    row.ready = QStringLiteral("1/1");
    row.status = status;
    row.restarts = QStringLiteral("0");
    row.created = QDateTime(QDate(2026, 11, 1), QTime(12, 0), Qt::UTC);
    return row;
}

core::WatchBatch batchOf(const QList<core::PodRow> &rows, bool reset)
{
    core::WatchBatch batch;
    batch.reset = reset;
    batch.source = QStringLiteral("pods");
    for (const core::PodRow &row : rows) {
        batch.derived.append(QVariant::fromValue(row));
        batch.names.append(row.name);
    }
    return batch;
}

} // namespace

TEST(PodTableModel, AStormAnnouncesOnlyTheRowsWhoseCellsChanged)
{
    ui::PodTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QList<core::PodRow> rows;
    for (int i = 0; i < 1000; ++i)
        rows.append(pod(i));
    model.apply(batchOf(rows, true));
    ASSERT_EQ(model.rowCount(), 1000);

    // 300 updates (a storm's share), of which two change what a row shows.
    QList<core::PodRow> updates;
    for (int i = 0; i < 1000; i += 3)
        updates.append(
            pod(i, i == 9 || i == 600 ? QStringLiteral("Terminating") : QStringLiteral("Running")));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.apply(batchOf(updates, false));
    ASSERT_EQ(changed.size(), 2) << "unchanged rows were announced";
    EXPECT_EQ(changed.at(0).at(0).toModelIndex().row(), 9);
    EXPECT_EQ(changed.at(0).at(1).toModelIndex().row(), 9);
    EXPECT_EQ(changed.at(1).at(0).toModelIndex().row(), 600);
    EXPECT_EQ(changed.at(1).at(1).toModelIndex().row(), 600);
    EXPECT_EQ(model.pod(600).status, QStringLiteral("Terminating"));

    // Adjacent changed rows come as one run.
    changed.clear();
    model.apply(
        batchOf({pod(20, QStringLiteral("Error")), pod(21, QStringLiteral("Error"))}, false));
    ASSERT_EQ(changed.size(), 1);
    EXPECT_EQ(changed.at(0).at(0).toModelIndex().row(), 20);
    EXPECT_EQ(changed.at(0).at(1).toModelIndex().row(), 21);
}
