#include "cli.h"

#include "clicontext.h"

#include "core/ops/workspace.h"

#include <QCommandLineParser>
#include <QHash>

namespace ragdr::cli {

using namespace ragdr::core;

namespace {

const char *kUsage
    = R"(Usage: ragdr --profile FILE [--region R] [--json] [--session-key KEY] COMMAND [ARGS]
  --session-key KEY reads the LLM key KEY from stdin for this run only (llm check, checklist run),
  on a machine without a keychain

Backups
  backup                          take a verified backup, copy it to every repository
  backups                         list the backups of every region (or --region R)
  verify ID|latest [--level L]    verify a backup: quick, full (default) or deep
  retention [--apply --confirm REGION --delete ID,...]
                                  show what the retention policy deletes; apply it, deleting
                                  exactly the backups --delete names (the plan's "deletions")
Restore
  restore ID|latest --confirm DBNAME [--plan] [--jobs N] [--disrupted-at TIME]
                                  verified restore: staging, verify, swap, apps back, post-checks
  rollback --confirm DBNAME [--to NAME] [--plan]
                                  swap the database kept by the last restore back in
  restores [--cleanup ID]         restores with RTO/RPO, kept databases; clean up an interrupted one
  discard-pre-restore NAME --confirm NAME
                                  drop a database kept for a rollback
Cluster
  pods [--selector SEL]           the pods of the profile's deployments, as kubectl shows them
  deployments                     the profile's deployments and their rollout state
  scale DEPLOYMENT N [--expect M] [--confirm DEPLOYMENT]
                                  scale (to 0 only with --confirm naming it); wait for the rollout
  restart DEPLOYMENT              rollout restart; wait until every pod is replaced
  rollout-status DEPLOYMENT [--timeout S]
  logs POD [-f] [--previous] [--container C] [--tail N] [--timestamps]
  events [--for pod/NAME|deployment/NAME]
  export-manifests DIR            Deployments, Services, ConfigMaps as YAML; Secret names and keys
LLM (runbook 4.3)
  llm check [--endpoint NAME]     probe the endpoints in order (key, model, generate, embed
                                  size against the database)
  llm keys list|set|validate|delete NAME
                                  keys in the OS keychain, shown as ...abcd; set reads the key
                                  from stdin or a hidden prompt and validates it first
  llm switch ENDPOINT|back --confirm CONTEXT
                                  point the service's ConfigMap at an endpoint, restart the
                                  deployments, probe it; back restores what the switch replaced
  llm service | llm status        what the service reads now; the provider's incidents
Incident
  incident [status]               the incident, its checklist, RTO/RPO, whether an update is due
  incident open --title T --severity S [--commander C] [--started WHEN] [--detected WHEN]
                [--regions R,R] [--summary TEXT]
  incident update [--status S] [--severity S] [--title T] [--commander C] [--summary TEXT]
                  [--impact TEXT] [--root-cause TEXT] [--factor TEXT]... [--follow-up "OWNER: TEXT"]...
  incident note TEXT [--decision] a note (or a decision) in the timeline
  incident close --root-cause TEXT [--impact TEXT] [--factor TEXT]... [--follow-up "OWNER: TEXT"]...
  checklist                       the post-recovery checklist and each item's state
  checklist run [ITEM...]         run the automatic checks (all, or those named), keep the evidence
  checklist done ITEM [--confirm ITEM] [--note TEXT]
                                  a manual step is done (a gated one needs --confirm naming it)
  checklist skip ITEM --reason TEXT
  health                          the service API's /status and /metrics, once
  journal [verify [--against EXPORT]]
                                  print the incident journal, or check its hash chain (and that
                                  it still holds the head an export recorded)
  report --kind tactical|executive|postmortem --format md|html|pdf|json -o FILE [--incident ID]
                                  a stakeholder update or the post-incident report
  notify [--kind tactical|executive] [--webhook NAME]... [--mailto] [--preview]
                                  send an update to the profile's webhooks (each one a timeline
                                  entry); --mailto prints the mail link, --preview only shows it
  WHEN is a UTC time (2026-01-22T13:58Z) or how long ago (45m)

Exit codes: 0 done, 1 the operation failed, 2 bad input, 3 refused.
)";

} // namespace

bool Cli::needsGui(const QStringList &arguments)
{
    return arguments.contains(QStringLiteral("report"));
}

int Cli::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QList<QCommandLineOption> options{
        {QStringLiteral("profile"), QStringLiteral("Profile file."), QStringLiteral("FILE")},
        {QStringLiteral("region"), QStringLiteral("Region."), QStringLiteral("R")},
        {QStringLiteral("json"), QStringLiteral("JSON output.")},
        {QStringLiteral("level"), QStringLiteral("quick | full | deep."), QStringLiteral("L")},
        {QStringLiteral("confirm"),
         QStringLiteral("Names the target of a destructive step."),
         QStringLiteral("NAME")},
        {QStringLiteral("apply"), QStringLiteral("Apply, not only show.")},
        {QStringLiteral("delete"),
         QStringLiteral("The backups a retention may delete, as its plan listed them."),
         QStringLiteral("IDS")},
        {QStringLiteral("expect"),
         QStringLiteral("Replicas the deployment must have now."),
         QStringLiteral("N")},
        {QStringLiteral("timeout"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("selector"), QStringLiteral("Label selector."), QStringLiteral("SEL")},
        {{QStringLiteral("f"), QStringLiteral("follow")}, QStringLiteral("Follow.")},
        {QStringLiteral("previous"), QStringLiteral("The previous container.")},
        {QStringLiteral("container"), QStringLiteral("Container."), QStringLiteral("C")},
        {QStringLiteral("tail"), QStringLiteral("Lines."), QStringLiteral("N")},
        {QStringLiteral("timestamps"), QStringLiteral("Show timestamps.")},
        {QStringLiteral("for"), QStringLiteral("Object."), QStringLiteral("KIND/NAME")},
        {QStringLiteral("endpoint"), QStringLiteral("LLM endpoint."), QStringLiteral("NAME")},
        {QStringLiteral("session-key"),
         QStringLiteral("Read this key from stdin for this run only."),
         QStringLiteral("KEY")},
        {QStringLiteral("plan"), QStringLiteral("Show the plan; do nothing.")},
        {QStringLiteral("jobs"), QStringLiteral("pg_restore jobs."), QStringLiteral("N")},
        {QStringLiteral("disrupted-at"),
         QStringLiteral("When the disruption started (UTC)."),
         QStringLiteral("TIME")},
        {QStringLiteral("to"),
         QStringLiteral("The kept database to roll back to."),
         QStringLiteral("NAME")},
        {QStringLiteral("cleanup"),
         QStringLiteral("Clean up after an interrupted restore."),
         QStringLiteral("ID")},
        // Used by the console, which starts the restore as a process of its own.
        {QStringLiteral("restore-id"), QStringLiteral("State file id."), QStringLiteral("ID")},
        {QStringLiteral("step-mode"), QStringLiteral("Wait for the console before each step.")},
        {QStringLiteral("apps-stopped"), QStringLiteral("The apps are stopped (no cluster).")},
        {QStringLiteral("title"), QStringLiteral("Incident title."), QStringLiteral("TEXT")},
        {QStringLiteral("severity"), QStringLiteral("Severity."), QStringLiteral("NAME")},
        {QStringLiteral("commander"), QStringLiteral("Incident commander."), QStringLiteral("NAME")},
        {QStringLiteral("started"), QStringLiteral("Disruption start."), QStringLiteral("WHEN")},
        {QStringLiteral("detected"), QStringLiteral("Detection time."), QStringLiteral("WHEN")},
        {QStringLiteral("regions"), QStringLiteral("Regions affected."), QStringLiteral("R,R")},
        {QStringLiteral("summary"), QStringLiteral("Summary."), QStringLiteral("TEXT")},
        {QStringLiteral("status"), QStringLiteral("Incident status."), QStringLiteral("S")},
        {QStringLiteral("impact"), QStringLiteral("Impact."), QStringLiteral("TEXT")},
        {QStringLiteral("root-cause"), QStringLiteral("Root cause."), QStringLiteral("TEXT")},
        {QStringLiteral("factor"), QStringLiteral("Contributing factor."), QStringLiteral("TEXT")},
        {QStringLiteral("follow-up"), QStringLiteral("Follow-up."), QStringLiteral("OWNER: TEXT")},
        {QStringLiteral("decision"), QStringLiteral("The note is a decision.")},
        {QStringLiteral("note"), QStringLiteral("Note."), QStringLiteral("TEXT")},
        {QStringLiteral("reason"), QStringLiteral("Reason."), QStringLiteral("TEXT")},
        {QStringLiteral("against"), QStringLiteral("An export."), QStringLiteral("FILE")},
        {QStringLiteral("kind"), QStringLiteral("Report kind."), QStringLiteral("KIND")},
        {QStringLiteral("format"), QStringLiteral("Report format."), QStringLiteral("FORMAT")},
        {{QStringLiteral("o"), QStringLiteral("output")},
         QStringLiteral("Output file."),
         QStringLiteral("FILE")},
        {QStringLiteral("incident"), QStringLiteral("Incident id."), QStringLiteral("ID")},
        {QStringLiteral("webhook"), QStringLiteral("Webhook name."), QStringLiteral("NAME")},
        {QStringLiteral("mailto"), QStringLiteral("Print the mailto: link.")},
        {QStringLiteral("preview"), QStringLiteral("Show the update only.")},
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Help.")},
        {QStringLiteral("version"), QStringLiteral("Version.")},
    };
    parser.addOptions(options);

    auto usage = [](const QString &why) {
        term::err(QStringLiteral("ragdr: %1\n").arg(why) + QString::fromUtf8(kUsage));
        return 2;
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        term::out(QString::fromUtf8(kUsage).trimmed());
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        term::out(QStringLiteral("ragdr " RAGDR_VERSION));
        return 0;
    }
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        return usage(QStringLiteral("no command given"));
    static const QHash<QString, CliCommand> commands{
        {QStringLiteral("backup"), backupCommand},
        {QStringLiteral("backups"), backupsCommand},
        {QStringLiteral("verify"), verifyCommand},
        {QStringLiteral("retention"), retentionCommand},
        {QStringLiteral("journal"), journalCommand},
        {QStringLiteral("incident"), incidentCommand},
        {QStringLiteral("checklist"), checklistCommand},
        {QStringLiteral("health"), healthCommand},
        {QStringLiteral("report"), reportCommand},
        {QStringLiteral("notify"), notifyCommand},
        {QStringLiteral("pods"), podsCommand},
        {QStringLiteral("deployments"), deploymentsCommand},
        {QStringLiteral("scale"), scaleCommand},
        {QStringLiteral("restart"), restartCommand},
        {QStringLiteral("rollout-status"), rolloutStatusCommand},
        {QStringLiteral("logs"), logsCommand},
        {QStringLiteral("events"), eventsCommand},
        {QStringLiteral("export-manifests"), exportManifestsCommand},
        {QStringLiteral("llm"), llmCommand},
        {QStringLiteral("restore"), restoreCommand},
        {QStringLiteral("rollback"), rollbackCommand},
        {QStringLiteral("restores"), restoresCommand},
        {QStringLiteral("discard-pre-restore"), discardPreRestoreCommand},
    };
    const CliCommand command = commands.value(args.constFirst());
    if (!command)
        return usage(QStringLiteral("unknown command \"%1\"").arg(args.constFirst()));
    if (!parser.isSet(QStringLiteral("profile")))
        return usage(QStringLiteral("--profile FILE is required"));

    auto ws = Workspace::open(parser.value(QStringLiteral("profile")));
    if (!ws) {
        term::err(QStringLiteral("ragdr: %1").arg(ws.error().message));
        return exitCodeFor(ws.error().kind);
    }
    const QString region = parser.value(QStringLiteral("region"));
    if (!region.isEmpty() && !(*ws)->profile().region(region)) {
        return usage(QStringLiteral("the profile has no region \"%1\" (it has: %2)")
                         .arg(region, (*ws)->profile().regionNames().join(QStringLiteral(", "))));
    }
    term::installInterruptHandler();
    const CliContext context{**ws,
                             args,
                             parser.isSet(QStringLiteral("json")),
                             region,
                             [&parser](const QString &name) { return parser.value(name); },
                             [&parser](const QString &name) { return parser.isSet(name); },
                             [&parser](const QString &name) { return parser.values(name); }};
    // Any command that asks Gemini (llm check, checklist run) may hold a key for this run only.
    if (context.flag(QStringLiteral("session-key"))) {
        if (const int code = holdSessionKey(context); code != 0)
            return code;
    }
    return command(context);
}

} // namespace ragdr::cli
