#include "restoreprocess.h"

#include "restorestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSysInfo>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ragdr::core {

namespace {
constexpr int kPollMs = 250;
}

QString RestoreProcess::program()
{
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("ragdr"));
}

Result<QString> RestoreProcess::launch(const QString &profilePath,
                                       const QString &dataDir,
                                       const QString &kind,
                                       const RestoreOptions &options)
{
    const QString ragdr = program();
    if (!QFileInfo(ragdr).isExecutable()) {
        return fail(Error::failed(
            QStringLiteral("%1 is missing: the console starts restores with it").arg(ragdr)));
    }
    const RestoreStore store(dataDir);
    QDir().mkpath(store.directory());
    const QString id = options.restoreId.isEmpty() ? RestoreStore::newId(kind) : options.restoreId;
    QStringList args{QStringLiteral("--profile"), profilePath, QStringLiteral("--json")};
    if (!options.region.isEmpty())
        args << QStringLiteral("--region") << options.region;
    args << kind;
    if (kind == QLatin1String("restore"))
        args << options.backupKey;
    else if (!options.backupKey.isEmpty())
        args << QStringLiteral("--to") << options.backupKey;
    args << QStringLiteral("--confirm") << options.confirmation << QStringLiteral("--restore-id")
         << id;
    if (options.stepMode)
        args << QStringLiteral("--step-mode");
    if (options.appsStopped)
        args << QStringLiteral("--apps-stopped");
    if (options.jobs > 0)
        args << QStringLiteral("--jobs") << QString::number(options.jobs);
    if (options.disruptedAt)
        args << QStringLiteral("--disrupted-at")
             << options.disruptedAt->toUTC().toString(Qt::ISODate);

    // Everything the child needs is made before fork: after it, only async-signal-safe calls.
    QList<QByteArray> argBytes{QFile::encodeName(ragdr)};
    for (const QString &a : std::as_const(args))
        argBytes.append(a.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &a : argBytes)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const QByteArray log = QFile::encodeName(store.directory() + QLatin1Char('/') + id
                                             + QStringLiteral(".log"));

    const pid_t child = ::fork();
    if (child < 0)
        return fail(Error::failed(QStringLiteral("cannot start %1: %2")
                                      .arg(ragdr, QString::fromLocal8Bit(std::strerror(errno)))));
    if (child == 0) {
        // A session of its own, and a grandchild of init: the console may go, the restore stays.
        ::setsid();
        if (::fork() != 0)
            ::_exit(0);
        const int in = ::open("/dev/null", O_RDONLY);
        const int out = ::open(log.constData(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (in >= 0)
            ::dup2(in, STDIN_FILENO);
        if (out >= 0) {
            ::dup2(out, STDOUT_FILENO);
            ::dup2(out, STDERR_FILENO);
        }
        ::execv(argv.front(), argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return id;
}

Status RestoreProcess::cancel(const RestoreStore &store, const RestoreState &state)
{
    if (!store.isProcessAlive(state))
        return fail(Error::failed(QStringLiteral("%1 is not running").arg(state.id)));
    if (state.host != QSysInfo::machineHostName()) {
        return fail(Error::refused(
            QStringLiteral("%1 runs on %2: cancel it there (Ctrl-C, or kill -TERM %3)")
                .arg(state.id, state.host)
                .arg(state.pid)));
    }
    if (::kill(pid_t(state.pid), SIGTERM) != 0) {
        return fail(Error::failed(QStringLiteral("cannot signal pid %1: %2")
                                      .arg(state.pid)
                                      .arg(QString::fromLocal8Bit(std::strerror(errno)))));
    }
    return {};
}

Status RestoreProcess::allow(const RestoreStore &store, const QString &id, const QString &token)
{
    // An empty file per permission: created, never truncated (a truncate can wait on the disk).
    QFile go(store.goPath(id, token));
    if (!go.open(QIODevice::WriteOnly | QIODevice::Append))
        return fail(Error::failed(
            QStringLiteral("cannot write %1: %2").arg(go.fileName(), go.errorString())));
    return {};
}

RestoreWatcher::RestoreWatcher(QString dataDir, QString id, QObject *parent)
    : QObject(parent)
    , m_dataDir(std::move(dataDir))
    , m_id(std::move(id))
{
    m_timer.setInterval(kPollMs);
    connect(&m_timer, &QTimer::timeout, this, &RestoreWatcher::poll);
    m_timer.start();
}

void RestoreWatcher::poll()
{
    const RestoreStore store(m_dataDir);
    std::optional<RestoreState> now;
    if (m_id.isEmpty()) {
        now = store.current();
        if (now)
            m_id = now->id;
    } else if (auto read = store.read(m_id)) {
        now = *read;
    }
    if (!now)
        return;
    const bool alive = !now->isFinished() && store.isProcessAlive(*now);
    if (m_state && m_state->updatedAt == now->updatedAt && m_alive == alive)
        return;
    m_state = now;
    m_alive = alive;
    Q_EMIT changed(*now, alive);
}

} // namespace ragdr::core
