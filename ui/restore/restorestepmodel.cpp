#include "restorestepmodel.h"

#include "../common/palette.h"

#include "core/base/duration.h"
#include "core/restore/restoreplan.h"

#include <QHeaderView>
#include <QTableView>

namespace ragdr::ui {

RestoreStepModel::RestoreStepModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void RestoreStepModel::setState(const core::RestoreState &state, bool alive)
{
    m_running = state.isFinished() ? QString() : state.step;
    m_waiting = state.waiting;
    m_fraction = state.fraction;
    m_alive = alive;
    if (m_steps.size() != state.steps.size()) {
        beginResetModel();
        m_steps = state.steps;
        endResetModel();
        return;
    }
    m_steps = state.steps;
    Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

const core::StepRecord *RestoreStepModel::step(int row) const
{
    return row >= 0 && row < m_steps.size() ? &m_steps.at(row) : nullptr;
}

int RestoreStepModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_steps.size());
}

int RestoreStepModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RestoreStepModel::data(const QModelIndex &index, int role) const
{
    const core::StepRecord *s = step(index.row());
    if (!s)
        return {};
    const bool running = s->status == QLatin1String("running");
    const bool waiting = m_waiting == QStringLiteral("continue:") + s->id;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Step:
            return s->title;
        case Status:
            if (waiting)
                return tr("ready: waiting for you");
            if (running && !m_alive)
                return tr("INTERRUPTED");
            return s->status;
        case Duration:
            if (s->durationMs >= 0)
                return QStringLiteral("%1 s").arg(s->durationMs / 1000.0, 0, 'f', 1);
            if (running && s->startedAt.isValid())
                return QStringLiteral("%1 s…").arg(
                    s->startedAt.secsTo(QDateTime::currentDateTimeUtc()));
            return {};
        case Message:
            return s->message;
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Status) {
        if (s->status == QLatin1String("done"))
            return Palette::good();
        if (s->status == QLatin1String("failed") || (running && !m_alive))
            return Palette::bad();
        if (running || waiting || s->status == QLatin1String("cancelled"))
            return Palette::warning();
    }
    if (role == Qt::ToolTipRole && index.column() == Message)
        return s->message;
    return {};
}

QVariant RestoreStepModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Step:
        return tr("Step");
    case Status:
        return tr("Result");
    case Duration:
        return tr("Time");
    case Message:
        return tr("Detail");
    }
    return {};
}

void RestoreStepModel::showIn(QTableView *view)
{
    view->setModel(this);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setColumnWidth(Step, 140);
    view->setColumnWidth(Status, 170);
    const int rows = int(std::max(core::RestorePlan::restoreStepIds().size(),
                                  core::RestorePlan::rollbackStepIds().size()));
    view->setFixedHeight(view->horizontalHeader()->sizeHint().height()
                         + rows * view->verticalHeader()->defaultSectionSize()
                         + 2 * view->frameWidth());
    view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
}

} // namespace ragdr::ui
