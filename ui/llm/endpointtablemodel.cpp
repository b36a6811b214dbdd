#include "endpointtablemodel.h"

#include "../common/palette.h"

#include "core/base/duration.h"

#include <QColor>

namespace ragdr::ui {

using core::EndpointReport;

EndpointTableModel::EndpointTableModel(const QList<EndpointReport> &endpoints, QObject *parent)
    : QAbstractTableModel(parent)
    , m_rows(endpoints)
{}

void EndpointTableModel::apply(const QList<EndpointReport> &reports)
{
    for (const EndpointReport &report : reports) {
        for (int row = 0; row < m_rows.size(); ++row) {
            EndpointReport &current = m_rows[row];
            if (current.name != report.name)
                continue;
            if (report.state == EndpointReport::State::Standby
                || report.state == EndpointReport::State::CoolingDown) {
                // Not probed this time: what the last probe found still holds, marked as such.
                current.state = report.state;
                current.live = false;
                current.cooledUntil = report.cooledUntil;
            } else {
                current = report;
            }
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
}

QString EndpointTableModel::live() const
{
    for (const EndpointReport &r : m_rows) {
        if (r.live)
            return r.name;
    }
    return {};
}

void EndpointTableModel::refreshAges()
{
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, LastCheck), index(int(m_rows.size()) - 1, LastCheck));
}

int EndpointTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EndpointTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EndpointTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Endpoint");
    case State:
        return tr("State");
    case LastCheck:
        return tr("Last check");
    case Latency:
        return tr("Latency");
    case Key:
        return tr("Key");
    case Model:
        return tr("Model");
    case Problem:
        return tr("Problem");
    }
    return {};
}

QVariant EndpointTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const EndpointReport &r = m_rows.at(index.row());
    const bool failed = r.state == EndpointReport::State::Failed
                        || r.state == EndpointReport::State::CoolingDown;
    const QColor light = r.state == EndpointReport::State::Ok ? Palette::good()
                         : failed                             ? Palette::bad()
                                                              : Palette::warning();
    if (role == Qt::DecorationRole && index.column() == Name)
        return r.state == EndpointReport::State::Unknown ? QColor(Qt::gray) : light;
    if (role == Qt::BackgroundRole && r.live)
        return Palette::tint(Palette::good());
    if (role == Qt::ToolTipRole) {
        if (r.failure.isFailure())
            return tr("%1\n\nWhat to do: %2").arg(r.summary(), r.failure.advice());
        return r.url;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name:
        return r.live ? tr("%1  ← live").arg(r.name) : r.name;
    case State:
        switch (r.state) {
        case EndpointReport::State::Ok:
            return tr("answers");
        case EndpointReport::State::Failed:
            return tr("failed");
        case EndpointReport::State::CoolingDown:
            return tr("cooling down until %1")
                .arg(r.cooledUntil.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
        case EndpointReport::State::Standby:
            return tr("standby");
        case EndpointReport::State::Unknown:
            return tr("not checked");
        }
        return {};
    case LastCheck:
        return r.checkedAt.isValid() ? tr("%1 ago").arg(core::formatAge(r.checkedAt)) : QString();
    case Latency:
        return r.latencyMs >= 0 ? tr("%1 ms").arg(r.latencyMs) : QString();
    case Key:
        return r.keyMask.isEmpty() ? r.keyName : tr("%1 (%2)").arg(r.keyMask, r.keyName);
    case Model:
        return r.embeddingModel.isEmpty() ? r.model : tr("%1 · %2").arg(r.model, r.embeddingModel);
    case Problem:
        return r.failure.isFailure() ? tr("%1 at %2").arg(r.failure.className(), r.failedStep)
                                     : QString();
    }
    return {};
}

} // namespace ragdr::ui
