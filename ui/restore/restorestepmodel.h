#pragma once

#include "core/restore/restorestate.h"

#include <QAbstractTableModel>

class QTableView;

namespace ragdr::ui {

// The steps of one restore as its state file says: status, time taken, result. Updated in place
// (dataChanged) as the state changes, so a view keeps its selection.
class RestoreStepModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestoreStepModel)

public:
    enum Column { Step, Status, Duration, Message, ColumnCount };

    explicit RestoreStepModel(QObject *parent = nullptr);

    void setState(const core::RestoreState &state, bool alive);
    const core::StepRecord *step(int row) const;

    // Shows this model in view as the walkthrough and the panel do: every step in sight at once,
    // without a scroll bar (a plan has six at the most), the columns sized for their words.
    void showIn(QTableView *view);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<core::StepRecord> m_steps;
    QString m_running;
    QString m_waiting;
    double m_fraction = 0;
    bool m_alive = false;
};

} // namespace ragdr::ui
