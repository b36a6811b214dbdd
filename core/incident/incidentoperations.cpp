#include "incidentoperations.h"

#include "core/ops/workspace.h"

namespace ragdr::core {

namespace {

using Action = std::function<Status(Journal &, const Profile &)>;

Operation *act(
    Workspace &ws, const QString &kind, const QString &title, const QString &done, Action action)
{
    Journal *journal = &ws.journal();
    const Profile profile = ws.profile();
    return ws.runner().start({kind, title, {}, false},
                             [journal, profile, done, action](const Progress &) {
                                 const Status s = action(*journal, profile);
                                 return s ? OperationResult::success(done)
                                          : OperationResult::failure(s.error());
                             });
}

} // namespace

Operation *IncidentOperations::open(Workspace &ws, const IncidentDraft &draft)
{
    Journal *journal = &ws.journal();
    const Profile profile = ws.profile();
    return ws.runner()
        .start({QStringLiteral("incident.open"),
                QStringLiteral("Open an incident"),
                {{QStringLiteral("title"), draft.title}},
                false},
               [journal, profile, draft](const Progress &) {
                   auto id = IncidentActions::open(*journal, profile, draft);
                   if (!id)
                       return OperationResult::failure(id.error());
                   return OperationResult::success(QStringLiteral("incident %1 is open").arg(*id),
                                                   {{QStringLiteral("incident"), *id}});
               });
}

Operation *IncidentOperations::update(Workspace &ws, const IncidentChange &change)
{
    return act(ws,
               QStringLiteral("incident.update"),
               QStringLiteral("Update the incident"),
               QStringLiteral("incident updated: %1")
                   .arg(change.describe().join(QStringLiteral(", "))),
               [change](Journal &j, const Profile &p) {
                   return IncidentActions::update(j, p, change);
               });
}

Operation *IncidentOperations::close(Workspace &ws, const IncidentChange &closing)
{
    return act(ws,
               QStringLiteral("incident.close"),
               QStringLiteral("Close the incident"),
               QStringLiteral("incident closed"),
               [closing](Journal &j, const Profile &p) {
                   return IncidentActions::close(j, p, closing);
               });
}

Operation *IncidentOperations::note(Workspace &ws, const QString &text, bool decision)
{
    return act(ws,
               QStringLiteral("incident.note"),
               decision ? QStringLiteral("Record a decision") : QStringLiteral("Add a note"),
               decision ? QStringLiteral("decision recorded") : QStringLiteral("note added"),
               [text, decision](Journal &j, const Profile &) {
                   return IncidentActions::addNote(j, text, decision);
               });
}

Operation *IncidentOperations::load(Workspace &ws,
                                    bool verifyChain,
                                    std::shared_ptr<IncidentView> out)
{
    const QString path = ws.journal().path();
    const Profile profile = ws.profile();
    return ws.runner()
        .start({QStringLiteral("incident.read"), QStringLiteral("Read the journal"), {}, false},
               [path, profile, verifyChain, out](const Progress &) {
                   auto view = IncidentView::load(profile, path, verifyChain);
                   if (!view)
                       return OperationResult::failure(view.error());
                   *out = std::move(*view);
                   return OperationResult::success(QString());
               });
}

} // namespace ragdr::core
