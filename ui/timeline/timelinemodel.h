#pragma once

#include "core/incident/journalentry.h"

#include <QAbstractTableModel>

namespace ragdr::ui {

// The journal entries of the incident, one row each, oldest first: time in UTC and in local
// time, source, actor, kind and what happened. The journal only grows, so new entries are
// appended as rows; anything else (another incident, a journal that changed under us) resets it.
class TimelineModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineModel)

public:
    enum Column { Utc, Local, Source, Actor, Kind, What, ColumnCount };
    enum Role { SeqRole = Qt::UserRole, EvidenceRole };

    explicit TimelineModel(QObject *parent = nullptr);

    void setEntries(const QList<core::JournalEntry> &entries);
    const core::JournalEntry &entry(int row) const { return m_entries.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section,
                        Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<core::JournalEntry> m_entries;
};

} // namespace ragdr::ui
