#pragma once

#include "core/ops/operationresult.h"

#include <QJsonValue>
#include <QStringList>

namespace ragdr::core {
class Operation;
class Workspace;
} // namespace ragdr::core

namespace ragdr::cli {

// What a command gets: the workspace, its arguments and options, and the ways it talks back.
struct CliContext
{
    core::Workspace &ws;
    QStringList args; // the command and its positional arguments
    bool json = false;
    QString region;
    std::function<QString(const QString &)> option;     // value of --name, empty if not given
    std::function<bool(const QString &)> flag;          // whether --name was given
    std::function<QStringList(const QString &)> values; // every value of a repeated --name

    // Runs an operation to its end, showing its step on a terminal; Ctrl-C cancels it.
    core::OperationResult await(core::Operation *operation, bool showProgress = true) const;
    // Prints the result (message or JSON) and returns its exit code.
    int report(const core::OperationResult &result) const;
    int usage(const QString &why) const;
};

namespace term {
void out(const QString &text);
void err(const QString &text);
void outJson(const QJsonValue &value);
// Columns as kubectl prints them: upper-case headers, three spaces between, left-aligned.
void printTable(const QStringList &headers, const QList<QStringList> &rows);
void installInterruptHandler();
} // namespace term

using CliCommand = int (*)(const CliContext &);
int backupCommand(const CliContext &c);
int backupsCommand(const CliContext &c);
int verifyCommand(const CliContext &c);
int retentionCommand(const CliContext &c);
int journalCommand(const CliContext &c);
int incidentCommand(const CliContext &c);
int checklistCommand(const CliContext &c);
int healthCommand(const CliContext &c);
int reportCommand(const CliContext &c);
int notifyCommand(const CliContext &c);
int podsCommand(const CliContext &c);
int deploymentsCommand(const CliContext &c);
int scaleCommand(const CliContext &c);
int restartCommand(const CliContext &c);
int rolloutStatusCommand(const CliContext &c);
int logsCommand(const CliContext &c);
int eventsCommand(const CliContext &c);
int exportManifestsCommand(const CliContext &c);
int llmCommand(const CliContext &c);
// --session-key: reads the key from stdin and holds it for this run; non-zero: the exit code.
int holdSessionKey(const CliContext &c);
int restoreCommand(const CliContext &c);
int rollbackCommand(const CliContext &c);
int restoresCommand(const CliContext &c);
int discardPreRestoreCommand(const CliContext &c);

} // namespace ragdr::cli
