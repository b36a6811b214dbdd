// ragdr incident | checklist | health | journal
#include "clicontext.h"

#include "core/base/duration.h"
#include "core/health/endpointchecks.h"
#include "core/incident/checklistoperations.h"
#include "core/incident/incidentoperations.h"
#include "core/ops/workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace ragdr::cli {

using namespace ragdr::core;

namespace {

QString utcText(const QDateTime &t)
{
    if (!t.isValid())
        return QStringLiteral("-");
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

QString localText(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t"))
                       : QString();
}

// "2026-01-22T13:58Z", "2026-01-22 13:58" (UTC), or a duration meaning that long ago ("45m").
std::optional<QDateTime> parseWhen(const QString &text)
{
    if (const auto ago = parseDuration(text))
        return QDateTime::currentDateTimeUtc().addSecs(-*ago);
    for (const QString &format :
         {QStringLiteral("yyyy-MM-dd HH:mm"), QStringLiteral("yyyy-MM-dd HH:mm:ss")}) {
        QDateTime t = QDateTime::fromString(text, format);
        if (t.isValid()) {
            t.setTimeSpec(Qt::UTC);
            return t;
        }
    }
    const QDateTime t = QDateTime::fromString(text, Qt::ISODate);
    if (t.isValid())
        return t.toUTC();
    return std::nullopt;
}

// "OWNER: text" -> a follow-up.
std::optional<FollowUp> parseFollowUp(const QString &text)
{
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon <= 0 || text.mid(colon + 1).trimmed().isEmpty())
        return std::nullopt;
    return FollowUp{text.left(colon).trimmed(), text.mid(colon + 1).trimmed()};
}

// Reads the options that change an incident into change; returns a usage error or nothing.
QString readChange(const CliContext &c, IncidentChange &change)
{
    auto text = [&](const char *name, std::optional<QString> &into) {
        if (c.flag(QLatin1String(name)))
            into = c.option(QLatin1String(name));
    };
    text("title", change.title);
    text("severity", change.severity);
    text("commander", change.commander);
    text("summary", change.summary);
    text("impact", change.impact);
    text("root-cause", change.rootCause);
    if (c.flag(QStringLiteral("status"))) {
        const auto status = Incident::statusFromName(c.option(QStringLiteral("status")));
        if (!status)
            return QStringLiteral("--status expects one of %1")
                .arg(Incident::statusNames().join(QStringLiteral(", ")));
        change.status = *status;
    }
    if (c.flag(QStringLiteral("regions")))
        change.regions
            = c.option(QStringLiteral("regions")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (c.flag(QStringLiteral("factor")))
        change.contributingFactors = c.values(QStringLiteral("factor"));
    if (c.flag(QStringLiteral("follow-up"))) {
        QList<FollowUp> followUps;
        for (const QString &f : c.values(QStringLiteral("follow-up"))) {
            const auto parsed = parseFollowUp(f);
            if (!parsed)
                return QStringLiteral("--follow-up expects \"OWNER: what to do\", not \"%1\"").arg(f);
            followUps.append(*parsed);
        }
        change.followUps = followUps;
    }
    for (const auto &[name, into] : {std::pair{"started", &change.disruptionStart},
                                     std::pair{"detected", &change.detectedAt}}) {
        if (!c.flag(QLatin1String(name)))
            continue;
        const auto when = parseWhen(c.option(QLatin1String(name)));
        if (!when)
            return QStringLiteral("--%1 expects a UTC time (2026-01-22T13:58Z) or how long ago "
                                  "(45m), not \"%2\"")
                .arg(QLatin1String(name), c.option(QLatin1String(name)));
        *into = *when;
    }
    return {};
}

Result<IncidentView> loadView(const CliContext &c, bool verifyChain)
{
    auto view = std::make_shared<IncidentView>();
    const OperationResult r = c.await(IncidentOperations::load(c.ws, verifyChain, view), false);
    if (!r.ok())
        return fail(Error{r.errorKind, r.message, r.untouched});
    return *view;
}

void printChecklist(const ChecklistState &checklist)
{
    QList<QStringList> rows;
    for (const ChecklistItemState &s : checklist.items) {
        rows.append({s.item.id,
                     ChecklistItemState::stateName(s.state),
                     s.item.required ? QStringLiteral("yes") : QStringLiteral("no"),
                     s.item.check.isEmpty() ? QStringLiteral("manual") : s.item.check,
                     s.item.owner,
                     s.finishedAt.isValid()
                         ? s.finishedAt.toUTC().toString(QStringLiteral("HH:mm:ss"))
                         : QString(),
                     s.summary.isEmpty() ? s.item.title : s.summary});
    }
    term::printTable({QStringLiteral("item"),
                      QStringLiteral("state"),
                      QStringLiteral("required"),
                      QStringLiteral("check"),
                      QStringLiteral("owner"),
                      QStringLiteral("at (UTC)"),
                      QStringLiteral("what")},
                     rows);
    term::out(QStringLiteral("%1 of %2 required items done")
                  .arg(checklist.requiredDone())
                  .arg(checklist.requiredCount()));
}

int incidentStatus(const CliContext &c)
{
    auto view = loadView(c, true);
    if (!view) {
        term::err(QStringLiteral("ragdr: %1").arg(view.error().message));
        return exitCodeFor(view.error().kind);
    }
    if (c.json) {
        QJsonObject json{{QStringLiteral("incident"),
                          view->incident ? QJsonValue(view->incident->toJson()) : QJsonValue()},
                         {QStringLiteral("checklist"), view->checklist.toJson()},
                         {QStringLiteral("journal_head"), view->head.toJson()},
                         {QStringLiteral("journal_intact"), view->chain && view->chain->intact}};
        if (view->metrics)
            json.insert(QStringLiteral("recovery"), view->metrics->toJson());
        if (view->reminder.due)
            json.insert(QStringLiteral("update_due"), view->reminder.text);
        term::outJson(json);
        return 0;
    }
    if (!view->incident) {
        term::out(QStringLiteral("No incident has been opened (ragdr incident open --title ... "
                                 "--severity ...)."));
    } else {
        const Incident &i = *view->incident;
        term::out(QStringLiteral("%1  \"%2\"  %3  %4%5")
                      .arg(i.id,
                           i.title,
                           i.severity,
                           Incident::statusName(i.status),
                           i.isOpen() ? QString()
                                      : QStringLiteral(" (closed %1)").arg(utcText(i.closedAt))));
        term::out(QStringLiteral("commander   %1").arg(i.commander));
        term::out(QStringLiteral("regions     %1").arg(i.regions.join(QStringLiteral(", "))));
        term::out(QStringLiteral("disruption  %1 (%2)")
                      .arg(utcText(i.disruptionStart), localText(i.disruptionStart)));
        term::out(QStringLiteral("detected    %1").arg(utcText(i.detectedAt)));
        term::out(QStringLiteral("declared    %1").arg(utcText(i.declaredAt)));
        if (view->metrics) {
            term::out(QStringLiteral("recovery    %1").arg(view->metrics->rtoText()));
            term::out(QStringLiteral("            %1").arg(view->metrics->rpoText()));
        }
        if (view->reminder.due)
            term::out(QStringLiteral("updates     %1").arg(view->reminder.text));
        if (!i.rootCause.isEmpty())
            term::out(QStringLiteral("root cause  %1").arg(i.rootCause));
        term::out(QString());
    }
    printChecklist(view->checklist);
    if (view->chain) {
        term::out(view->chain->intact ? QStringLiteral("journal: %1 entries, hash chain intact; %2")
                                            .arg(view->chain->entries)
                                            .arg(view->head.text())
                                      : QStringLiteral("journal: BROKEN at line %1: %2")
                                            .arg(view->chain->firstBadLine)
                                            .arg(view->chain->problem));
    }
    return 0;
}

} // namespace

int incidentCommand(const CliContext &c)
{
    const QString sub = c.args.value(1);
    if (sub.isEmpty() || sub == QLatin1String("status"))
        return incidentStatus(c);
    if (sub == QLatin1String("open")) {
        IncidentChange change;
        if (const QString why = readChange(c, change); !why.isEmpty())
            return c.usage(why);
        if (!change.title || !change.severity)
            return c.usage(QStringLiteral("incident open needs --title TEXT and --severity NAME"));
        IncidentDraft draft;
        draft.title = *change.title;
        draft.severity = *change.severity;
        draft.commander = change.commander.value_or(QString());
        draft.summary = change.summary.value_or(QString());
        draft.disruptionStart = change.disruptionStart.value_or(QDateTime());
        draft.detectedAt = change.detectedAt.value_or(QDateTime());
        draft.regions = change.regions.value_or(QStringList());
        return c.report(c.await(IncidentOperations::open(c.ws, draft)));
    }
    if (sub == QLatin1String("update") || sub == QLatin1String("close")) {
        IncidentChange change;
        if (const QString why = readChange(c, change); !why.isEmpty())
            return c.usage(why);
        return c.report(c.await(sub == QLatin1String("close")
                                    ? IncidentOperations::close(c.ws, change)
                                    : IncidentOperations::update(c.ws, change)));
    }
    if (sub == QLatin1String("note")) {
        const QString text = c.args.mid(2).join(QLatin1Char(' '));
        if (text.trimmed().isEmpty())
            return c.usage(QStringLiteral("incident note takes the text of the note"));
        return c.report(
            c.await(IncidentOperations::note(c.ws, text, c.flag(QStringLiteral("decision")))));
    }
    return c.usage(QStringLiteral("incident takes open, status, update, note or close"));
}

int checklistCommand(const CliContext &c)
{
    const QString sub = c.args.value(1);
    if (sub.isEmpty()) {
        auto view = loadView(c, false);
        if (!view) {
            term::err(QStringLiteral("ragdr: %1").arg(view.error().message));
            return exitCodeFor(view.error().kind);
        }
        if (c.json)
            term::outJson(view->checklist.toJson());
        else
            printChecklist(view->checklist);
        return 0;
    }
    if (sub == QLatin1String("run")) {
        const OperationResult r = c.await(ChecklistOperations::run(c.ws, c.args.mid(2), c.region));
        if (!c.json) {
            for (const QJsonValue &v : r.evidence.value(QLatin1String("items")).toArray()) {
                const QJsonObject item = v.toObject();
                term::out(QStringLiteral("%1: %2 — %3")
                              .arg(item.value(QLatin1String("id")).toString(),
                                   item.value(QLatin1String("state")).toString().toUpper(),
                                   item.value(QLatin1String("summary")).toString()));
                for (const QJsonValue &line : item.value(QLatin1String("evidence"))
                                                  .toObject()
                                                  .value(QLatin1String("lines"))
                                                  .toArray())
                    term::out(QStringLiteral("    %1").arg(line.toString()));
            }
        }
        return c.report(r);
    }
    if (sub == QLatin1String("done")) {
        if (c.args.size() != 3)
            return c.usage(QStringLiteral("checklist done takes one item"));
        return c.report(c.await(ChecklistOperations::markDone(c.ws,
                                                              c.args.at(2),
                                                              c.option(QStringLiteral("confirm")),
                                                              c.option(QStringLiteral("note")))));
    }
    if (sub == QLatin1String("skip")) {
        if (c.args.size() != 3)
            return c.usage(QStringLiteral("checklist skip takes one item"));
        return c.report(c.await(
            ChecklistOperations::skip(c.ws, c.args.at(2), c.option(QStringLiteral("reason")))));
    }
    return c.usage(
        QStringLiteral("checklist takes nothing, run [ITEM...], done ITEM or skip ITEM"));
}

int healthCommand(const CliContext &c)
{
    if (c.args.size() != 1)
        return c.usage(QStringLiteral("health takes no arguments"));
    Workspace &ws = c.ws;
    const QStringList regions = c.region.isEmpty() ? ws.profile().regionNames()
                                                   : QStringList{c.region};
    const OperationResult r = c.await(ws.runner().start(
        {QStringLiteral("health"), QStringLiteral("Service health"), {}, false},
        [&ws, regions](const Progress &progress) {
            const CheckContext status{ws.profile(), ws.kube(), regions, progress.sub(0, 0.5), {}};
            const CheckContext metrics{ws.profile(), ws.kube(), regions, progress.sub(0.5, 1), {}};
            CheckOutcome all;
            all.merge(QStringLiteral("status"), EndpointChecks::status(status));
            all.merge(QStringLiteral("metrics"), EndpointChecks::metricsOnce(metrics));
            all.summary = QStringLiteral("/status: %1; /metrics: %2")
                              .arg(all.data.value(QLatin1String("status"))
                                       .toObject()
                                       .value(QLatin1String("summary"))
                                       .toString(),
                                   all.data.value(QLatin1String("metrics"))
                                       .toObject()
                                       .value(QLatin1String("summary"))
                                       .toString());
            if (all.verdict == CheckOutcome::Verdict::Passed)
                return OperationResult::success(all.summary, all.evidence());
            return OperationResult::failure(all.verdict == CheckOutcome::Verdict::Failed
                                                ? Error::failed(all.summary)
                                                : Error::failed(
                                                    QStringLiteral("could not check: %1")
                                                        .arg(all.summary)),
                                            all.evidence());
        }));
    if (!c.json) {
        for (const QJsonValue &line : r.evidence.value(QLatin1String("lines")).toArray())
            term::out(line.toString());
    }
    return c.report(r);
}

int journalCommand(const CliContext &c)
{
    const QString path = c.ws.journal().path();
    if (c.args.value(1) == QLatin1String("verify")) {
        JournalHead expected;
        if (c.flag(QStringLiteral("against"))) {
            QFile exported(c.option(QStringLiteral("against")));
            if (!exported.open(QIODevice::ReadOnly))
                return c.usage(QStringLiteral("cannot read %1: %2")
                                   .arg(exported.fileName(), exported.errorString()));
            const auto head = JournalHead::findIn(exported.readAll());
            if (!head)
                return c.usage(
                    QStringLiteral(
                        "%1 names no journal head (a JSON, Markdown or HTML export does)")
                        .arg(exported.fileName()));
            expected = *head;
        }
        auto check = Journal::verify(path, expected);
        if (!check) {
            term::err(check.error().message);
            return 1;
        }
        if (c.json) {
            term::outJson(QJsonObject{{QStringLiteral("journal"), path},
                                      {QStringLiteral("entries"), check->entries},
                                      {QStringLiteral("intact"), check->intact},
                                      {QStringLiteral("first_bad_line"), check->firstBadLine},
                                      {QStringLiteral("first_bad_entry"), check->firstBadEntry},
                                      {QStringLiteral("problem"), check->problem},
                                      {QStringLiteral("head"), check->head.toJson()},
                                      {QStringLiteral("head_known"), check->headKnown}});
        } else if (check->intact) {
            term::out(QStringLiteral("%1: %2 entries, hash chain intact; %3%4")
                          .arg(path)
                          .arg(check->entries)
                          .arg(check->head.text(),
                               check->headKnown
                                   ? QString()
                                   : QStringLiteral(" (no head file to compare with: "
                                                    "lines cut off the end would not show)")));
        } else {
            term::err(QStringLiteral("%1: line %2 (entry %3) %4")
                          .arg(path)
                          .arg(check->firstBadLine)
                          .arg(check->firstBadEntry)
                          .arg(check->problem));
        }
        return check->intact ? 0 : 1;
    }
    if (c.args.size() > 1)
        return c.usage(QStringLiteral("journal takes nothing or \"verify\""));
    auto entries = Journal::readAll(path);
    if (!entries) {
        term::err(entries.error().message);
        return 1;
    }
    QList<QStringList> rows;
    for (const QJsonObject &json : std::as_const(*entries)) {
        if (c.json) {
            term::out(QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)));
            continue;
        }
        const JournalEntry e = JournalEntry::from(json);
        rows.append({e.at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                     e.at.toLocalTime().toString(QStringLiteral("HH:mm:ss t")),
                     e.source,
                     e.actor,
                     e.type,
                     e.text});
    }
    if (!c.json)
        term::printTable({QStringLiteral("at (UTC)"),
                          QStringLiteral("local"),
                          QStringLiteral("source"),
                          QStringLiteral("who"),
                          QStringLiteral("kind"),
                          QStringLiteral("what")},
                         rows);
    return 0;
}

} // namespace ragdr::cli
