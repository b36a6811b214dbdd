#pragma once

#include "core/cluster/clusterrows.h"
#include "core/cluster/resourcewatcher.h"

#include <QAbstractTableModel>
#include <QHash>

namespace ragdr::ui {

// A region's events, newest first, capped so that a long incident does not grow it without end.
class EventTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventTableModel)

public:
    static constexpr int kMaxEvents = core::EventRow::kShown;
    enum Column { LastSeen, Type, Reason, Object, Message, ColumnCount };

    explicit EventTableModel(QObject *parent = nullptr);
    void apply(const core::WatchBatch &batch);
    const core::EventRow &event(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section,
                        Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<core::EventRow> m_rows; // newest first
};

} // namespace ragdr::ui
