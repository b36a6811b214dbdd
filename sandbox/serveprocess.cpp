#include "serveprocess.h"

#include <QCoreApplication>
#include <QFile>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace ragdr::sandbox {

namespace {

int s_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    // Only async-signal-safe work here: the event loop reads the byte and quits.
    [[maybe_unused]] const auto written = ::write(s_signalPipe[1], &byte, 1);
}

} // namespace

int ServeProcess::run(const QString &name,
                      const std::function<core::Status()> &start,
                      const std::function<void()> &stop)
{
    // Our own session: a terminal closing, or whoever ran `up` exiting, does not stop us.
    ::setsid();
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s_signalPipe) != 0)
        return 1;
    QSocketNotifier notifier(s_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, qApp, [] {
        char byte = 0;
        [[maybe_unused]] const auto n = ::read(s_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    ::sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGPIPE, SIG_IGN);

    if (auto started = start(); !started) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(name), qPrintable(started.error().message));
        return 1;
    }
    std::fprintf(stderr, "%s: up\n", qPrintable(name));
    const int rc = QCoreApplication::exec();
    stop();
    return rc;
}

bool ServeProcess::isServing(qint64 pid, const char *command, const QString &dir)
{
    if (pid <= 0 || ::kill(pid_t(pid), 0) != 0)
        return false;
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!cmdline.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> args = cmdline.readAll().split('\0');
    return args.contains(command) && args.contains(QFile::encodeName(dir));
}

} // namespace ragdr::sandbox
