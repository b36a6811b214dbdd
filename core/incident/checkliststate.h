#pragma once

#include "journalentry.h"

#include "core/profile/profile.h"

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace ragdr::core {

// One checklist item and where it stands, from the profile and the journal's checklist.item
// entries.
struct ChecklistItemState
{
    enum class State { Pending, Running, Passed, Failed, Skipped, CouldNotCheck };

    ChecklistItem item;
    State state = State::Pending;
    QString summary; // one line: what the check found, or who marked it done
    QString reason;  // why it was skipped
    QJsonObject evidence;
    QDateTime startedAt;
    QDateTime finishedAt;
    QString by;
    qint64 seq = 0; // the journal entry that set this state

    bool isAutomatic() const { return !item.check.isEmpty(); }
    // Passed, or skipped with a reason (waived): nothing left to do.
    bool isDone() const { return state == State::Passed || state == State::Skipped; }

    static QString stateName(State state);
    static std::optional<State> stateFromName(const QString &name);
};

class ChecklistState final
{
public:
    // entries: one incident's journal entries (or those outside any incident), oldest first.
    static ChecklistState project(const Profile &profile, const QList<JournalEntry> &entries);

    QList<ChecklistItemState> items;
    // The moment every required item was done, counted from the last time one was not (a check
    // that fails again later un-does it). Invalid while one is not done.
    QDateTime allRequiredDoneAt;

    const ChecklistItemState *item(const QString &id) const;
    int requiredCount() const;
    int requiredDone() const;
    QStringList waived() const; // required items skipped, with their reasons
    QStringList phases() const; // in the profile's order
    QJsonObject toJson() const;
};

} // namespace ragdr::core
