#include "childprocess.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QProcess>
#include <QTimer>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace ragdr::core {

namespace {

constexpr int kTailLines = 30;
constexpr int kCancelPollMs = 50;
constexpr int kTerminateGraceMs = 3000;

void appendTail(QStringList &tail, const QString &line)
{
    tail.append(line);
    if (tail.size() > kTailLines)
        tail.removeFirst();
}

} // namespace

QString ChildResult::failureText(const QString &what) const
{
    QString text;
    if (cancelled)
        text = QStringLiteral("%1 was cancelled").arg(what);
    else if (crashed)
        text = QStringLiteral("%1 was killed").arg(what);
    else
        text = QStringLiteral("%1 exited with code %2").arg(what).arg(exitCode);
    // The last error line is usually the one that says why; warnings before it rarely do.
    for (auto it = standardErrorTail.crbegin(); it != standardErrorTail.crend(); ++it) {
        if (it->contains(QLatin1String("error")) || it->contains(QLatin1String("ERROR"))
            || it->contains(QLatin1String("FATAL"))) {
            return text + QStringLiteral(": ") + it->trimmed();
        }
    }
    if (!standardErrorTail.isEmpty())
        text += QStringLiteral(": ") + standardErrorTail.constLast().trimmed();
    return text;
}

QProcessEnvironment ChildProcess::baseEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Never hand a password to a child through its environment; and the profile, not stray
    // variables, says which database a tool talks to.
    for (const char *name : {"PGPASSWORD",
                             "PGPASSFILE",
                             "PGSERVICE",
                             "PGSERVICEFILE",
                             "PGHOST",
                             "PGHOSTADDR",
                             "PGPORT",
                             "PGDATABASE",
                             "PGUSER",
                             "PGOPTIONS"}) {
        env.remove(QString::fromLatin1(name));
    }
    env.insert(QStringLiteral("LC_MESSAGES"), QStringLiteral("C"));
    env.remove(QStringLiteral("LC_ALL"));
    env.remove(QStringLiteral("LANGUAGE"));
    return env;
}

Result<ChildResult> ChildProcess::run(const ChildSpec &spec,
                                      const CancelToken &cancel,
                                      const LineHandler &onStderrLine,
                                      const StartHandler &onStarted)
{
    ChildResult result;
    QProcess process;
    process.setProgram(spec.program);
    process.setArguments(spec.arguments);
    process.setProcessEnvironment(spec.environment);
    if (!spec.workingDirectory.isEmpty())
        process.setWorkingDirectory(spec.workingDirectory);
    if (!spec.standardOutputFile.isEmpty())
        process.setStandardOutputFile(spec.standardOutputFile);
    process.setChildProcessModifier([] {
        ::setpgid(0, 0);
        // If ragdr dies, its children die with it instead of writing on unattended.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });

    QByteArray pendingErr;
    auto drainStderr = [&](bool flushPartial) {
        pendingErr += process.readAllStandardError();
        qsizetype start = 0;
        for (;;) {
            const qsizetype nl = pendingErr.indexOf('\n', start);
            if (nl < 0)
                break;
            const QString line = QString::fromUtf8(pendingErr.mid(start, nl - start)).trimmed();
            start = nl + 1;
            if (line.isEmpty())
                continue;
            appendTail(result.standardErrorTail, line);
            if (onStderrLine)
                onStderrLine(line);
        }
        pendingErr.remove(0, start);
        if (flushPartial && !pendingErr.trimmed().isEmpty()) {
            const QString line = QString::fromUtf8(pendingErr).trimmed();
            appendTail(result.standardErrorTail, line);
            if (onStderrLine)
                onStderrLine(line);
            pendingErr.clear();
        }
    };

    QEventLoop loop;
    QObject::connect(&process, &QProcess::readyReadStandardError, &loop, [&] {
        drainStderr(false);
    });
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &loop, [&] {
        result.standardOutput += process.readAllStandardOutput();
    });
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);

    process.start();
    if (!process.waitForStarted(-1)) {
        return fail(
            Error::failed(QStringLiteral("cannot start %1: %2")
                              .arg(QFileInfo(spec.program).fileName(), process.errorString())));
    }
    result.pid = process.processId();
    if (onStarted)
        onStarted(result.pid);
    if (!spec.standardInput.isEmpty())
        process.write(spec.standardInput);
    process.closeWriteChannel();

    QTimer poll;
    QTimer killTimer;
    killTimer.setSingleShot(true);
    QObject::connect(&killTimer, &QTimer::timeout, &loop, [&] {
        if (process.state() != QProcess::NotRunning)
            ::kill(-pid_t(result.pid), SIGKILL);
    });
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (!result.cancelled && cancel.isCancelled()) {
            result.cancelled = true;
            ::kill(-pid_t(result.pid), SIGTERM);
            killTimer.start(kTerminateGraceMs);
        }
    });
    poll.start(kCancelPollMs);
    if (process.state() != QProcess::NotRunning)
        loop.exec();
    process.waitForFinished(-1);
    poll.stop();
    killTimer.stop();

    result.standardOutput += process.readAllStandardOutput();
    drainStderr(true);
    result.crashed = process.exitStatus() == QProcess::CrashExit;
    result.exitCode = result.crashed ? -1 : process.exitCode();
    // A child of a cancelled group can be reaped after its group leader; make sure none stays.
    if (result.cancelled)
        ::kill(-pid_t(result.pid), SIGKILL);
    return result;
}

} // namespace ragdr::core
