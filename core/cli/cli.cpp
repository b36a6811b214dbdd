#include "cli.h"

#include "core/backup/backupoperations.h"
#include "core/base/duration.h"
#include "core/base/files.h"
#include "core/incident/journal.h"
#include "core/ops/workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace ragdr::core {

namespace {

std::atomic_bool g_interrupted{false};

void onInterrupt(int)
{
    g_interrupted = true;
}

void out(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

void err(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stderr);
    std::fflush(stderr);
}

QString pad(const QString &s, int width)
{
    return s.leftJustified(width, QLatin1Char(' '), false);
}

const char *kUsage = R"(Usage: ragdr --profile FILE [--region R] [--json] COMMAND [ARGS]

Commands:
  backup                        take a verified backup, copy it to every repository
  backups                       list the backups of every region (or --region R)
  verify ID [--level L]         verify a backup: quick, full (default) or deep
  retention [--apply --confirm REGION]
                                show (or apply) what the retention policy deletes
  journal [verify]              print the incident journal, or check its hash chain

Exit codes: 0 done, 1 the operation failed, 2 bad input, 3 refused.
)";

// Runs one operation to its end, showing progress on a terminal and cancelling on Ctrl-C.
OperationResult await(Operation *op, bool showProgress)
{
    OperationResult result;
    QEventLoop loop;
    const bool tty = showProgress && ::isatty(STDERR_FILENO);
    QObject::connect(op,
                     &Operation::progressChanged,
                     &loop,
                     [&](double fraction, const QString &step) {
                         if (!tty)
                             return;
                         const QString pct = fraction < 0
                                                 ? QStringLiteral(" ...")
                                                 : QStringLiteral("%1%").arg(int(fraction * 100), 3);
                         std::fprintf(stderr,
                                      "\r\033[K[%s] %s",
                                      qPrintable(pct),
                                      qPrintable(step.left(100)));
                         std::fflush(stderr);
                     });
    QObject::connect(op, &Operation::finished, &loop, [&](const OperationResult &r) {
        result = r;
        if (tty)
            std::fprintf(stderr, "\r\033[K");
        loop.quit();
    });
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        if (g_interrupted.exchange(false)) {
            err(QStringLiteral("ragdr: cancelling (the operation cleans up before it stops)"));
            op->cancel();
        }
    });
    interruptPoll.start(100);
    loop.exec();
    return result;
}

int report(const OperationResult &r, bool json)
{
    if (json) {
        out(QString::fromUtf8(QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented)).trimmed());
        return r.exitCode();
    }
    if (r.ok())
        out(r.message);
    else
        err(QStringLiteral("ragdr: %1").arg(r.message));
    if (!r.ok() && !r.untouched.isEmpty())
        err(QStringLiteral("untouched: %1").arg(r.untouched));
    for (const QString &w : r.warnings)
        err(QStringLiteral("warning: %1").arg(w));
    return r.exitCode();
}

int printBackups(const CatalogView &view, const Profile &profile)
{
    out(QStringLiteral("%1%2%3%4%5%6%7")
            .arg(pad(QStringLiteral("REGION"), 14),
                 pad(QStringLiteral("BACKUP"), 28),
                 pad(QStringLiteral("CREATED (UTC)"), 18),
                 pad(QStringLiteral("AGE"), 9),
                 pad(QStringLiteral("SIZE"), 10),
                 pad(QStringLiteral("VERIFIED"), 26))
            .arg(QStringLiteral("COPIES")));
    for (const RegionListing &l : view.regions) {
        for (const BackupEntry &e : l.entries) {
            out(QStringLiteral("%1%2%3%4%5%6%7%8")
                    .arg(pad(e.region, 14),
                         pad(e.id, 28),
                         pad(e.createdAt.toString(QStringLiteral("yyyy-MM-dd HH:mm")), 18),
                         pad(formatAge(e.createdAt), 9),
                         pad(files::humanSize(e.size), 10),
                         pad(e.verificationText(), 26),
                         e.copiesText())
                    .arg(e.isLatest ? QStringLiteral("  <- latest") : QString()));
        }
        for (const QString &p : l.problems)
            err(QStringLiteral("%1: %2").arg(l.region, p));
        if (!l.latestProblem.isEmpty())
            err(QStringLiteral("%1: %2").arg(l.region, l.latestProblem));
    }
    bool breached = false;
    out(BackupOperations::rpoText(view.regions, profile, &breached));
    return 0;
}

int journalCommand(Workspace &ws, const QStringList &args, bool json)
{
    const QString path = ws.journal().path();
    if (args.value(1) == QLatin1String("verify")) {
        auto check = Journal::verify(path);
        if (!check) {
            err(check.error().message);
            return 1;
        }
        if (json) {
            out(QString::fromUtf8(
                    QJsonDocument(
                        QJsonObject{{QStringLiteral("journal"), path},
                                    {QStringLiteral("entries"), check->entries},
                                    {QStringLiteral("intact"), check->intact},
                                    {QStringLiteral("first_bad_line"), check->firstBadLine},
                                    {QStringLiteral("problem"), check->problem}})
                        .toJson(QJsonDocument::Indented))
                    .trimmed());
        } else if (check->intact) {
            out(QStringLiteral("%1: %2 entries, hash chain intact").arg(path).arg(check->entries));
        } else {
            err(QStringLiteral("%1: line %2 %3")
                    .arg(path)
                    .arg(check->firstBadLine)
                    .arg(check->problem));
        }
        return check->intact ? 0 : 1;
    }
    auto entries = Journal::readAll(path);
    if (!entries) {
        err(entries.error().message);
        return 1;
    }
    for (const QJsonObject &e : std::as_const(*entries)) {
        if (json) {
            out(QString::fromUtf8(QJsonDocument(e).toJson(QJsonDocument::Compact)));
            continue;
        }
        out(QStringLiteral("%1  %2  %3  %4 %5")
                .arg(e.value(QStringLiteral("at")).toString(),
                     pad(e.value(QStringLiteral("actor")).toString(), 20),
                     pad(e.value(QStringLiteral("type")).toString(), 20),
                     e.value(QStringLiteral("kind")).toString(),
                     e.value(QStringLiteral("title")).toString()
                         + e.value(QStringLiteral("message")).toString()));
    }
    return 0;
}

} // namespace

int Cli::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QCommandLineOption profileOpt(QStringLiteral("profile"),
                                        QStringLiteral("Profile file."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption regionOpt(QStringLiteral("region"),
                                       QStringLiteral("Region."),
                                       QStringLiteral("R"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("JSON output."));
    const QCommandLineOption levelOpt(QStringLiteral("level"),
                                      QStringLiteral("quick | full | deep."),
                                      QStringLiteral("L"));
    const QCommandLineOption confirmOpt(QStringLiteral("confirm"),
                                        QStringLiteral("Names the target of a destructive step."),
                                        QStringLiteral("NAME"));
    const QCommandLineOption applyOpt(QStringLiteral("apply"),
                                      QStringLiteral("Apply, not only show."));
    const QCommandLineOption helpOpt({QStringLiteral("h"), QStringLiteral("help")},
                                     QStringLiteral("Help."));
    const QCommandLineOption versionOpt(QStringLiteral("version"), QStringLiteral("Version."));
    parser.addOptions(
        {profileOpt, regionOpt, jsonOpt, levelOpt, confirmOpt, applyOpt, helpOpt, versionOpt});

    auto usage = [](const QString &why) {
        err(QStringLiteral("ragdr: %1\n").arg(why) + QString::fromUtf8(kUsage));
        return 2;
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (parser.isSet(helpOpt)) {
        out(QString::fromUtf8(kUsage).trimmed());
        return 0;
    }
    if (parser.isSet(versionOpt)) {
        out(QStringLiteral("ragdr " RAGDR_VERSION));
        return 0;
    }
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        return usage(QStringLiteral("no command given"));
    if (!parser.isSet(profileOpt))
        return usage(QStringLiteral("--profile FILE is required"));
    const bool json = parser.isSet(jsonOpt);

    auto ws = Workspace::open(parser.value(profileOpt));
    if (!ws) {
        err(QStringLiteral("ragdr: %1").arg(ws.error().message));
        return exitCodeFor(ws.error().kind);
    }
    const Profile &profile = (*ws)->profile();
    const QString region = parser.value(regionOpt);
    if (!region.isEmpty() && !profile.region(region)) {
        return usage(QStringLiteral("the profile has no region \"%1\" (it has: %2)")
                         .arg(region, profile.regionNames().join(QStringLiteral(", "))));
    }
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    OperationRunner &runner = (*ws)->runner();
    const QString command = args.constFirst();

    if (command == QLatin1String("backup")) {
        if (args.size() != 1)
            return usage(QStringLiteral("backup takes no arguments"));
        return report(await(BackupOperations::backup(runner, profile, region), !json), json);
    }
    if (command == QLatin1String("backups")) {
        auto view = std::make_shared<CatalogView>();
        const OperationResult r
            = await(BackupOperations::list(runner,
                                           profile,
                                           region.isEmpty() ? QStringList() : QStringList{region},
                                           view),
                    !json);
        if (!r.ok() || json) {
            if (json && r.ok()) {
                QJsonObject listing = r.evidence;
                bool breached = false;
                listing.insert(QStringLiteral("rpo"),
                               BackupOperations::rpoText(view->regions, profile, &breached));
                listing.insert(QStringLiteral("rpo_breached"), breached);
                out(QString::fromUtf8(QJsonDocument(listing).toJson(QJsonDocument::Indented))
                        .trimmed());
                return 0;
            }
            return report(r, json);
        }
        return printBackups(*view, profile);
    }
    if (command == QLatin1String("verify")) {
        if (args.size() != 2)
            return usage(QStringLiteral("verify takes one backup id (or \"latest\")"));
        const auto level = levelFromName(parser.isSet(levelOpt) ? parser.value(levelOpt)
                                                                : QStringLiteral("full"));
        if (!level)
            return usage(QStringLiteral("--level expects quick, full or deep, not \"%1\"")
                             .arg(parser.value(levelOpt)));
        return report(await(BackupOperations::verify(runner, profile, region, args.at(1), *level),
                            !json),
                      json);
    }
    if (command == QLatin1String("retention")) {
        const bool apply = parser.isSet(applyOpt);
        const OperationResult r = await(BackupOperations::retention(runner,
                                                                    profile,
                                                                    region,
                                                                    !apply,
                                                                    parser.value(confirmOpt)),
                                        !json);
        if (!json) {
            for (const QJsonValue &v : r.evidence.value(QStringLiteral("plan"))
                                           .toObject()
                                           .value(QStringLiteral("decisions"))
                                           .toArray()) {
                const QJsonObject d = v.toObject();
                out(QStringLiteral("%1%2%3").arg(pad(d.value(QStringLiteral("action")).toString(),
                                                     8),
                                                 pad(d.value(QStringLiteral("backup")).toString(),
                                                     30),
                                                 d.value(QStringLiteral("reason")).toString()));
            }
        }
        return report(r, json);
    }
    if (command == QLatin1String("journal"))
        return journalCommand(**ws, args, json);
    return usage(QStringLiteral("unknown command \"%1\"").arg(command));
}

} // namespace ragdr::core
