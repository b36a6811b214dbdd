#include "checklistoperations.h"

#include "checkregistry.h"
#include "incidentlog.h"
#include "journal.h"

#include "core/ops/workspace.h"

#include <QJsonArray>

namespace ragdr::core {

namespace {

Result<const ChecklistItem *> itemOf(const Profile &profile, const QString &id)
{
    if (const ChecklistItem *item = profile.checklistItem(id))
        return item;
    QStringList ids;
    for (const ChecklistItem &i : profile.checklist)
        ids.append(i.id);
    return fail(Error::badInput(QStringLiteral("the checklist has no item \"%1\" (it has: %2)")
                                    .arg(id, ids.join(QStringLiteral(", ")))));
}

Status record(Journal &journal,
              const ChecklistItem &item,
              ChecklistItemState::State state,
              const QString &source,
              const QString &summary,
              const QJsonObject &evidence,
              const QJsonObject &extra = {})
{
    JournalRecord r;
    r.type = QStringLiteral("checklist.item");
    r.source = source;
    r.text = QStringLiteral("%1: %2 — %3")
                 .arg(item.title, ChecklistItemState::stateName(state), summary);
    r.evidence = evidence;
    r.fields = extra;
    r.fields.insert(QStringLiteral("item"), item.id);
    r.fields.insert(QStringLiteral("state"), ChecklistItemState::stateName(state));
    r.fields.insert(QStringLiteral("summary"), summary);
    return journal.append(r);
}

ChecklistItemState::State stateOf(CheckOutcome::Verdict verdict)
{
    switch (verdict) {
    case CheckOutcome::Verdict::Passed:
        return ChecklistItemState::State::Passed;
    case CheckOutcome::Verdict::Failed:
        return ChecklistItemState::State::Failed;
    case CheckOutcome::Verdict::CouldNotCheck:
        return ChecklistItemState::State::CouldNotCheck;
    }
    return ChecklistItemState::State::Failed;
}

OperationResult fromStatus(const Status &done, const QString &message)
{
    return done ? OperationResult::success(message) : OperationResult::failure(done.error());
}

} // namespace

Operation *ChecklistOperations::run(Workspace &ws, const QStringList &ids, const QString &region)
{
    const Profile &profile = ws.profile();
    const QString title = ids.size() == 1 ? QStringLiteral("Check: %1").arg(ids.constFirst())
                                          : QStringLiteral("Run the checklist's checks");
    Journal *journal = &ws.journal();
    KubeConnections *kube = &ws.kube();
    return ws.runner().start(
        {QStringLiteral("checklist.run"),
         title,
         {{QStringLiteral("items"), QJsonArray::fromStringList(ids)},
          {QStringLiteral("region"), region}},
         true},
        [profile, ids, region, journal, kube](const Progress &progress) {
            QList<const ChecklistItem *> items;
            for (const QString &id : ids) {
                auto item = itemOf(profile, id);
                if (!item)
                    return OperationResult::failure(item.error());
                if ((*item)->check.isEmpty())
                    return OperationResult::failure(Error::badInput(
                        QStringLiteral(
                            "\"%1\" is a manual step: mark it done (ragdr checklist done "
                            "%1%2)")
                            .arg(id,
                                 (*item)->gate.isEmpty()
                                     ? QString()
                                     : QStringLiteral(" --confirm %1").arg(id))));
                items.append(*item);
            }
            if (ids.isEmpty()) {
                for (const ChecklistItem &item : profile.checklist) {
                    if (!item.check.isEmpty())
                        items.append(&item);
                }
            }
            if (items.isEmpty())
                return OperationResult::failure(Error::badInput(
                    QStringLiteral("the profile's checklist has no automatic item")));
            auto log = IncidentLog::read(journal->path());
            if (!log)
                return OperationResult::failure(log.error());
            const Incident *open = log->open();
            const ChecklistState before = log->checklist(profile, open ? open->id : QString());
            const QStringList regions = region.isEmpty() ? profile.regionNames()
                                                         : QStringList{region};

            QJsonArray results;
            QStringList problems;
            int passed = 0;
            for (qsizetype i = 0; i < items.size(); ++i) {
                if (progress.isCancelled())
                    return OperationResult::failure(
                        Error::cancelled(QStringLiteral("the items not yet checked")));
                const ChecklistItem &item = *items.at(i);
                const Progress part = progress.sub(double(i) / items.size(),
                                                   double(i + 1) / items.size());
                part.set(0, item.title);
                const CheckRegistry::Kind *kind = CheckRegistry::find(item.check);
                const ChecklistItemState *previous = before.item(item.id);
                const QDateTime started = QDateTime::currentDateTimeUtc();
                const CheckOutcome outcome
                    = kind ? kind->run(CheckContext{profile,
                                                    *kube,
                                                    regions,
                                                    part,
                                                    previous ? previous->evidence : QJsonObject(),
                                                    open})
                           : CheckOutcome::couldNotCheck(
                               QStringLiteral("no check is called %1").arg(item.check));
                if (progress.isCancelled())
                    return OperationResult::failure(
                        Error::cancelled(QStringLiteral("%1 and the items after it").arg(item.id)));
                const ChecklistItemState::State state = stateOf(outcome.verdict);
                QJsonObject evidence = outcome.evidence();
                evidence.insert(QStringLiteral("regions"), QJsonArray::fromStringList(regions));
                if (Status written = record(*journal,
                                            item,
                                            state,
                                            QStringLiteral("probe"),
                                            outcome.summary,
                                            evidence,
                                            {{QStringLiteral("started_at"),
                                              started.toString(Qt::ISODateWithMs)}});
                    !written)
                    return OperationResult::failure(written.error());
                if (state == ChecklistItemState::State::Passed)
                    ++passed;
                else
                    problems.append(
                        QStringLiteral("%1 %2: %3")
                            .arg(item.id, ChecklistItemState::stateName(state), outcome.summary));
                results.append(
                    QJsonObject{{QStringLiteral("id"), item.id},
                                {QStringLiteral("title"), item.title},
                                {QStringLiteral("state"), ChecklistItemState::stateName(state)},
                                {QStringLiteral("summary"), outcome.summary},
                                {QStringLiteral("evidence"), evidence}});
            }
            const QJsonObject evidence{{QStringLiteral("items"), results},
                                       {QStringLiteral("incident"), open ? open->id : QString()}};
            if (!problems.isEmpty())
                return OperationResult::failure(
                    Error::failed(QStringLiteral("%1 of %2 checks passed; %3")
                                      .arg(passed)
                                      .arg(items.size())
                                      .arg(problems.join(QStringLiteral("; "))),
                                  QStringLiteral("everything: checks only look")),
                    evidence);
            return OperationResult::success(QStringLiteral("%1 of %1 checks passed")
                                                .arg(items.size()),
                                            evidence);
        });
}

Operation *ChecklistOperations::markDone(Workspace &ws,
                                         const QString &id,
                                         const QString &confirmation,
                                         const QString &note)
{
    const Profile profile = ws.profile();
    Journal *journal = &ws.journal();
    return ws.runner().start(
        {QStringLiteral("checklist.done"),
         QStringLiteral("Mark done: %1").arg(id),
         {{QStringLiteral("item"), id}},
         false},
        [profile, journal, id, confirmation, note](const Progress &) {
            auto item = itemOf(profile, id);
            if (!item)
                return OperationResult::failure(item.error());
            if (!(*item)->check.isEmpty())
                return OperationResult::failure(Error::badInput(
                    QStringLiteral("\"%1\" is checked by ragdr: run it (ragdr checklist run %1)")
                        .arg(id)));
            if (!(*item)->gate.isEmpty() && confirmation != id)
                return OperationResult::failure(Error::refused(
                    QStringLiteral("\"%1\" needs a confirmation naming it (--confirm %1)").arg(id),
                    QStringLiteral("the item stays as it was")));
            const QString summary
                = note.trimmed().isEmpty()
                      ? QStringLiteral("done, confirmed by %1").arg(Journal::actor())
                      : QStringLiteral("done: %1").arg(note.trimmed());
            return fromStatus(record(*journal,
                                     **item,
                                     ChecklistItemState::State::Passed,
                                     QStringLiteral("user"),
                                     summary,
                                     {{QStringLiteral("confirmed_by"), Journal::actor()},
                                      {QStringLiteral("gate"), (*item)->gate},
                                      {QStringLiteral("note"), note.trimmed()}}),
                              QStringLiteral("%1: done").arg(id));
        });
}

Operation *ChecklistOperations::skip(Workspace &ws, const QString &id, const QString &reason)
{
    const Profile profile = ws.profile();
    Journal *journal = &ws.journal();
    return ws.runner()
        .start({QStringLiteral("checklist.skip"),
                QStringLiteral("Skip: %1").arg(id),
                {{QStringLiteral("item"), id}},
                false},
               [profile, journal, id, reason](const Progress &) {
                   auto item = itemOf(profile, id);
                   if (!item)
                       return OperationResult::failure(item.error());
                   if (reason.trimmed().isEmpty())
                       return OperationResult::failure(Error::badInput(
                           QStringLiteral("skipping \"%1\" needs a reason (--reason TEXT)").arg(id),
                           QStringLiteral("the item stays as it was")));
                   return fromStatus(record(*journal,
                                            **item,
                                            ChecklistItemState::State::Skipped,
                                            QStringLiteral("user"),
                                            QStringLiteral("skipped: %1").arg(reason.trimmed()),
                                            {},
                                            {{QStringLiteral("reason"), reason.trimmed()}}),
                                     QStringLiteral("%1: skipped").arg(id));
               });
}

} // namespace ragdr::core
