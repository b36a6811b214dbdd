#pragma once

#include "core/llm/endpointreport.h"

#include <QAbstractTableModel>
#include <QList>

namespace ragdr::ui {

// The profile's LLM endpoints in their failover order, one row each, updated in place from each
// check's reports. An endpoint a check left standing by keeps what the last probe found.
class EndpointTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EndpointTableModel)

public:
    enum Column { Name, State, LastCheck, Latency, Key, Model, Problem, ColumnCount };

    explicit EndpointTableModel(const QList<core::EndpointReport> &endpoints,
                                QObject *parent = nullptr);

    void apply(const QList<core::EndpointReport> &reports);
    const core::EndpointReport &endpoint(int row) const { return m_rows.at(row); }
    QString live() const;
    // "Last check" is an age: call this now and then.
    void refreshAges();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section,
                        Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<core::EndpointReport> m_rows;
};

} // namespace ragdr::ui
