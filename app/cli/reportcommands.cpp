// ragdr report | notify
#include "clicontext.h"

#include "core/incident/incidentoperations.h"
#include "core/incident/notifier.h"
#include "core/incident/reportbuilder.h"
#include "core/incident/reporttext.h"
#include "core/ops/workspace.h"
#include "report/reportexport.h"

namespace ragdr::cli {

using namespace ragdr::core;

namespace {

// The report of kind for the incident the options name (the current one by default).
Result<Report> buildReport(const CliContext &c, Report::Kind kind)
{
    auto view = std::make_shared<IncidentView>();
    const OperationResult loaded = c.await(IncidentOperations::load(c.ws, false, view), false);
    if (!loaded.ok())
        return fail(Error{loaded.errorKind, loaded.message, loaded.untouched});
    return ReportBuilder::build(kind, c.ws.profile(), *view, c.option(QStringLiteral("incident")));
}

int failWith(const Error &e)
{
    term::err(QStringLiteral("ragdr: %1").arg(e.message));
    return exitCodeFor(e.kind);
}

} // namespace

int reportCommand(const CliContext &c)
{
    if (c.args.size() != 1)
        return c.usage(QStringLiteral("report takes options only: --kind, --format, -o FILE"));
    const auto kind = Report::kindFromName(c.option(QStringLiteral("kind")));
    if (!kind)
        return c.usage(QStringLiteral("--kind expects tactical, executive or postmortem"));
    const QString formatText = c.flag(QStringLiteral("format")) ? c.option(QStringLiteral("format"))
                                                                : QStringLiteral("md");
    const auto format = report::ReportExport::formatFromName(formatText);
    if (!format)
        return c.usage(
            QStringLiteral("--format expects md, html, pdf or json, not \"%1\"").arg(formatText));
    const QString output = c.option(QStringLiteral("output"));
    if (output.isEmpty())
        return c.usage(QStringLiteral("report needs -o FILE"));
    auto built = buildReport(c, *kind);
    if (!built)
        return failWith(built.error());
    return c.report(c.await(report::ReportExport::write(c.ws, *built, *format, output)));
}

int notifyCommand(const CliContext &c)
{
    if (c.args.size() != 1)
        return c.usage(QStringLiteral("notify takes options only"));
    const QString kindText = c.flag(QStringLiteral("kind")) ? c.option(QStringLiteral("kind"))
                                                            : QStringLiteral("tactical");
    const auto kind = Report::kindFromName(kindText);
    if (!kind || *kind == Report::Kind::Postmortem)
        return c.usage(QStringLiteral("--kind expects tactical or executive"));
    auto built = buildReport(c, *kind);
    if (!built)
        return failWith(built.error());
    if (c.flag(QStringLiteral("preview"))) {
        term::out(ReportText::plain(*built));
        return 0;
    }
    if (c.flag(QStringLiteral("mailto"))) {
        // A terminal has no mail client to hand it to: the console opens it; here it is printed.
        term::out(QString::fromUtf8(Notifier::mailto(c.ws.profile(), *built).toEncoded()));
        if (c.ws.profile().incident.webhooks.isEmpty())
            return 0;
    }
    return c.report(
        c.await(Notifier::sendWebhooks(c.ws, *built, c.values(QStringLiteral("webhook")))));
}

} // namespace ragdr::cli
