#pragma once

#include "core/incident/checkliststate.h"

#include <QAbstractItemModel>
#include <QSet>

namespace ragdr::ui {

// The checklist as a tree: phases, their items (state, owner, when, what was found), and under
// each item the lines of its evidence. The items come from the profile and stay; their states and
// evidence change in place as the journal tells (dataChanged, and rows for the evidence lines).
class ChecklistModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChecklistModel)

public:
    enum Column { Item, State, Owner, Finished, Evidence, ColumnCount };
    enum Role {
        ItemIdRole = Qt::UserRole, // on item rows
        StateRole,                 // ChecklistItemState::State as int, on item rows
        KindRole,                  // "phase", "item" or "evidence"
    };

    explicit ChecklistModel(QObject *parent = nullptr);

    void setState(const core::ChecklistState &state);
    // Items whose check runs now: shown running until the journal says how it went.
    void setRunning(const QSet<QString> &ids);
    const core::ChecklistItemState *item(const QModelIndex &index) const;
    QModelIndex indexOf(const QString &itemId, int column = 0) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section,
                        Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    // internalId: 0 for phases; (phase + 1) << 32 | (item + 1) << 16 for items; + line + 1 below.
    struct Phase
    {
        QString name;
        QList<core::ChecklistItemState> items;
        QList<QStringList> evidence; // per item
    };
    static quintptr idOf(int phase, int item, int line);
    static QStringList evidenceLines(const core::ChecklistItemState &state);
    core::ChecklistItemState::State shownState(const core::ChecklistItemState &s) const;
    QVariant phaseData(const Phase &phase, int column, int role) const;
    QVariant itemData(const core::ChecklistItemState &s, int column, int role) const;

    QList<Phase> m_phases;
    QSet<QString> m_running;
};

} // namespace ragdr::ui
