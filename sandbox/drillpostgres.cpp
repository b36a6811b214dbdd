#include "drillpostgres.h"

#include "core/db/pgtools.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryFile>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <pwd.h>
#include <unistd.h>

using namespace ragdr::core;

namespace ragdr::sandbox {

DrillPostgres::DrillPostgres(QString dir)
    : m_dir(std::move(dir))
{}

QString DrillPostgres::dataDir() const
{
    return m_dir + QStringLiteral("/pg/data");
}

QString DrillPostgres::logFile() const
{
    return m_dir + QStringLiteral("/pg/server.log");
}

bool DrillPostgres::isInitialized() const
{
    return QFileInfo::exists(dataDir() + QStringLiteral("/PG_VERSION"));
}

bool DrillPostgres::runningAsRoot()
{
    return ::geteuid() == 0;
}

Result<ChildResult> DrillPostgres::runAsOwner(const QString &tool, const QStringList &args) const
{
    auto program = PgTools::locate(tool);
    if (!program)
        return fail(program.error());
    ChildSpec spec;
    spec.environment = ChildProcess::baseEnvironment();
    spec.workingDirectory = m_dir + QStringLiteral("/pg");
    if (runningAsRoot()) {
        spec.program = QStandardPaths::findExecutable(QStringLiteral("runuser"));
        if (spec.program.isEmpty())
            return fail(
                Error::failed(QStringLiteral("running as root needs runuser (util-linux) to start "
                                             "PostgreSQL as the postgres user")));
        spec.arguments << QStringLiteral("-u") << ownerUser() << QStringLiteral("--") << *program
                       << args;
    } else {
        spec.program = *program;
        spec.arguments = args;
    }
    return ChildProcess::run(spec, CancelToken());
}

// As root the cluster belongs to postgres, which must be able to walk into DIR.
Status DrillPostgres::ensureOwnerCanReach() const
{
    if (!runningAsRoot())
        return {};
    const struct passwd *pw = ::getpwnam("postgres");
    if (!pw) {
        return fail(Error::failed(
            QStringLiteral("running as root, but there is no postgres user to run the "
                           "server as; install postgresql-15 (it creates the user)")));
    }
    const QString pgDir = m_dir + QStringLiteral("/pg");
    QDir().mkpath(pgDir);
    // DIR itself may be 0700 (a temporary directory): let others pass through it, not list it.
    QFile::setPermissions(m_dir,
                          QFileInfo(m_dir).permissions() | QFileDevice::ExeOther
                              | QFileDevice::ExeGroup);
    if (::chown(QFile::encodeName(pgDir).constData(), pw->pw_uid, pw->pw_gid) != 0) {
        return fail(Error::failed(QStringLiteral("cannot give %1 to the postgres user: %2")
                                      .arg(pgDir, QString::fromLocal8Bit(std::strerror(errno)))));
    }
    ChildSpec test;
    test.program = QStandardPaths::findExecutable(QStringLiteral("runuser"));
    test.arguments = {QStringLiteral("-u"),
                      ownerUser(),
                      QStringLiteral("--"),
                      QStringLiteral("/usr/bin/test"),
                      QStringLiteral("-w"),
                      pgDir};
    auto reach = ChildProcess::run(test, CancelToken());
    if (!reach || !reach->succeeded()) {
        QStringList closed;
        for (QDir d(m_dir); !d.isRoot(); d.cdUp()) {
            const QFileInfo fi(d.absolutePath());
            if (!(fi.permissions() & QFileDevice::ExeOther))
                closed.append(fi.absoluteFilePath());
        }
        return fail(Error::badInput(
            QStringLiteral("the postgres user cannot reach %1 (closed: %2); choose a "
                           "directory under /tmp or /var/tmp")
                .arg(pgDir, closed.join(QStringLiteral(", ")))));
    }
    return {};
}

Status DrillPostgres::initialize(const QByteArray &superuserPassword)
{
    if (auto reach = ensureOwnerCanReach(); !reach)
        return reach;
    // initdb reads the superuser password from a file the postgres user can read; it lives only
    // for the call.
    QTemporaryFile pwfile(m_dir + QStringLiteral("/pg/.pwfile-XXXXXX"));
    if (!pwfile.open())
        return fail(Error::failed(QStringLiteral("cannot write in %1/pg").arg(m_dir)));
    pwfile.write(superuserPassword + '\n');
    pwfile.flush();
    if (runningAsRoot()) {
        const struct passwd *pw = ::getpwnam("postgres");
        if (::fchown(pwfile.handle(), pw->pw_uid, pw->pw_gid) != 0)
            return fail(Error::failed(QStringLiteral("cannot hand the password file to postgres")));
    }
    auto init = runAsOwner(QStringLiteral("initdb"),
                           {QStringLiteral("-D"),
                            dataDir(),
                            QStringLiteral("-U"),
                            QStringLiteral("postgres"),
                            QStringLiteral("--pwfile=") + pwfile.fileName(),
                            QStringLiteral("--auth-local=scram-sha-256"),
                            QStringLiteral("--auth-host=scram-sha-256"),
                            QStringLiteral("-E"),
                            QStringLiteral("UTF8"),
                            QStringLiteral("--locale=C.UTF-8"),
                            QStringLiteral("--no-sync")});
    if (!init)
        return fail(init.error());
    if (!init->succeeded())
        return fail(Error::failed(init->failureText(QStringLiteral("initdb"))));

    // A sandbox: reachable on loopback only, no Unix socket (paths in DIR can be too long for
    // one), and no fsync (a drill database is rebuilt, never recovered).
    QFile conf(dataDir() + QStringLiteral("/postgresql.conf"));
    if (!conf.open(QIODevice::Append))
        return fail(Error::failed(QStringLiteral("cannot append to %1").arg(conf.fileName())));
    conf.write("\n# ragdr-drill\n"
               "listen_addresses = '127.0.0.1'\n"
               "unix_socket_directories = ''\n"
               "fsync = off\n"
               "synchronous_commit = off\n"
               "full_page_writes = off\n"
               "max_connections = 60\n"
               "shared_buffers = 128MB\n"
               "maintenance_work_mem = 256MB\n"
               "max_wal_size = 2GB\n"
               "log_min_messages = warning\n"
               "password_encryption = 'scram-sha-256'\n");
    return {};
}

Status DrillPostgres::start(int port)
{
    if (auto reach = ensureOwnerCanReach(); !reach)
        return reach;
    auto started = runAsOwner(QStringLiteral("pg_ctl"),
                              {QStringLiteral("-D"),
                               dataDir(),
                               QStringLiteral("-l"),
                               logFile(),
                               QStringLiteral("-w"),
                               QStringLiteral("-t"),
                               QStringLiteral("60"),
                               QStringLiteral("-o"),
                               QStringLiteral("-p %1").arg(port),
                               QStringLiteral("start")});
    if (!started)
        return fail(started.error());
    if (!started->succeeded()) {
        QString tail;
        QFile log(logFile());
        if (log.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> lines = log.readAll().trimmed().split('\n');
            tail = QString::fromUtf8(lines.mid(qMax<qsizetype>(0, lines.size() - 3)).join(" | "));
        }
        return fail(
            Error::failed(QStringLiteral("%1; server log: %2")
                              .arg(started->failureText(QStringLiteral("pg_ctl start")), tail)));
    }
    return {};
}

Status DrillPostgres::stop()
{
    if (!isRunning())
        return {};
    auto stopped = runAsOwner(QStringLiteral("pg_ctl"),
                              {QStringLiteral("-D"),
                               dataDir(),
                               QStringLiteral("-m"),
                               QStringLiteral("fast"),
                               QStringLiteral("-w"),
                               QStringLiteral("stop")});
    if (!stopped)
        return fail(stopped.error());
    if (!stopped->succeeded())
        return fail(Error::failed(stopped->failureText(QStringLiteral("pg_ctl stop"))));
    return {};
}

qint64 DrillPostgres::pid() const
{
    QFile file(dataDir() + QStringLiteral("/postmaster.pid"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const qint64 pid = file.readLine().trimmed().toLongLong();
    if (pid <= 0 || (::kill(pid_t(pid), 0) != 0 && errno == ESRCH))
        return 0;
    return pid;
}

bool DrillPostgres::isRunning() const
{
    return pid() > 0;
}

int DrillPostgres::port() const
{
    QFile file(dataDir() + QStringLiteral("/postmaster.pid"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> lines = file.readAll().split('\n');
    return lines.size() > 3 ? lines.at(3).trimmed().toInt() : 0;
}

} // namespace ragdr::sandbox
