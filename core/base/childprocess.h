#pragma once

#include "canceltoken.h"
#include "error.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QStringList>

#include <functional>

namespace ragdr::core {

struct ChildSpec
{
    QString program;
    QStringList arguments;
    QProcessEnvironment environment = QProcessEnvironment(QProcessEnvironment::InheritFromParent);
    QString workingDirectory;
    QByteArray standardInput;   // written to the child, then its stdin is closed
    QString standardOutputFile; // when set, stdout goes to this file instead of into the result
};

struct ChildResult
{
    qint64 pid = 0;
    int exitCode = -1;
    bool crashed = false; // ended by a signal
    bool cancelled = false;
    QByteArray standardOutput;
    QStringList standardErrorTail; // the last lines, for messages

    bool succeeded() const { return !crashed && !cancelled && exitCode == 0; }
    // "pg_dump exited with code 1: <last stderr line>" and the like.
    QString failureText(const QString &what) const;
};

// Runs a program to completion on the calling (worker) thread, in its own process group, streaming
// stderr line by line. A cancel terminates the whole group (SIGTERM, then SIGKILL after a grace
// period), so that nothing the child started keeps running.
class ChildProcess final
{
public:
    using LineHandler = std::function<void(const QString &line)>;
    using StartHandler = std::function<void(qint64 pid)>;

    static Result<ChildResult> run(const ChildSpec &spec,
                                   const CancelToken &cancel,
                                   const LineHandler &onStderrLine = {},
                                   const StartHandler &onStarted = {});

    // The environment children start from: ours, minus variables that could carry a secret or
    // change what a PostgreSQL tool connects to, with messages in English for parsing.
    static QProcessEnvironment baseEnvironment();
};

} // namespace ragdr::core
