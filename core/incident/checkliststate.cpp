#include "checkliststate.h"

#include <QJsonArray>

namespace ragdr::core {

QString ChecklistItemState::stateName(State state)
{
    switch (state) {
    case State::Pending:
        return QStringLiteral("pending");
    case State::Running:
        return QStringLiteral("running");
    case State::Passed:
        return QStringLiteral("passed");
    case State::Failed:
        return QStringLiteral("failed");
    case State::Skipped:
        return QStringLiteral("skipped");
    case State::CouldNotCheck:
        return QStringLiteral("could-not-check");
    }
    return QStringLiteral("pending");
}

std::optional<ChecklistItemState::State> ChecklistItemState::stateFromName(const QString &name)
{
    for (State s : {State::Pending,
                    State::Running,
                    State::Passed,
                    State::Failed,
                    State::Skipped,
                    State::CouldNotCheck}) {
        if (stateName(s) == name)
            return s;
    }
    return std::nullopt;
}

ChecklistState ChecklistState::project(const Profile &profile, const QList<JournalEntry> &entries)
{
    ChecklistState state;
    for (const ChecklistItem &item : profile.checklist) {
        ChecklistItemState s;
        s.item = item;
        state.items.append(s);
    }
    auto allRequiredDone = [&state] {
        for (const ChecklistItemState &s : std::as_const(state.items)) {
            if (s.item.required && !s.isDone())
                return false;
        }
        return true;
    };
    for (const JournalEntry &e : entries) {
        if (e.type != QLatin1String("checklist.item"))
            continue;
        const QString id = e.raw.value(QLatin1String("item")).toString();
        const auto newState = ChecklistItemState::stateFromName(
            e.raw.value(QLatin1String("state")).toString());
        if (!newState)
            continue;
        for (ChecklistItemState &s : state.items) {
            if (s.item.id != id)
                continue;
            s.state = *newState;
            s.summary = e.raw.value(QLatin1String("summary")).toString();
            s.reason = e.raw.value(QLatin1String("reason")).toString();
            s.evidence = e.evidence;
            s.startedAt = QDateTime::fromString(e.raw.value(QLatin1String("started_at")).toString(),
                                                Qt::ISODateWithMs);
            s.finishedAt = e.at;
            s.by = e.actor;
            s.seq = e.seq;
        }
        if (!allRequiredDone())
            state.allRequiredDoneAt = {};
        else if (!state.allRequiredDoneAt.isValid())
            state.allRequiredDoneAt = e.at;
    }
    // A profile without required items is never "recovered" by its checklist.
    if (state.requiredCount() == 0)
        state.allRequiredDoneAt = {};
    return state;
}

const ChecklistItemState *ChecklistState::item(const QString &id) const
{
    for (const ChecklistItemState &s : items) {
        if (s.item.id == id)
            return &s;
    }
    return nullptr;
}

int ChecklistState::requiredCount() const
{
    int n = 0;
    for (const ChecklistItemState &s : items)
        n += s.item.required ? 1 : 0;
    return n;
}

int ChecklistState::requiredDone() const
{
    int n = 0;
    for (const ChecklistItemState &s : items)
        n += s.item.required && s.isDone() ? 1 : 0;
    return n;
}

QStringList ChecklistState::waived() const
{
    QStringList out;
    for (const ChecklistItemState &s : items) {
        if (s.item.required && s.state == ChecklistItemState::State::Skipped)
            out.append(QStringLiteral("%1 (%2)").arg(s.item.id, s.reason));
    }
    return out;
}

QStringList ChecklistState::phases() const
{
    QStringList out;
    for (const ChecklistItemState &s : items) {
        if (!out.contains(s.item.phase))
            out.append(s.item.phase);
    }
    return out;
}

QJsonObject ChecklistState::toJson() const
{
    QJsonArray list;
    for (const ChecklistItemState &s : items) {
        QJsonObject o{{QStringLiteral("id"), s.item.id},
                      {QStringLiteral("title"), s.item.title},
                      {QStringLiteral("phase"), s.item.phase},
                      {QStringLiteral("owner"), s.item.owner},
                      {QStringLiteral("required"), s.item.required},
                      {QStringLiteral("check"), s.item.check},
                      {QStringLiteral("gate"), s.item.gate},
                      {QStringLiteral("state"), ChecklistItemState::stateName(s.state)},
                      {QStringLiteral("summary"), s.summary}};
        if (!s.reason.isEmpty())
            o.insert(QStringLiteral("reason"), s.reason);
        if (s.finishedAt.isValid()) {
            o.insert(QStringLiteral("finished_at"), s.finishedAt.toString(Qt::ISODateWithMs));
            o.insert(QStringLiteral("by"), s.by);
        }
        if (!s.evidence.isEmpty())
            o.insert(QStringLiteral("evidence"), s.evidence);
        list.append(o);
    }
    return {{QStringLiteral("items"), list},
            {QStringLiteral("required"), requiredCount()},
            {QStringLiteral("required_done"), requiredDone()},
            {QStringLiteral("all_required_done_at"),
             allRequiredDoneAt.isValid() ? allRequiredDoneAt.toString(Qt::ISODateWithMs)
                                         : QString()}};
}

} // namespace ragdr::core
