#include "pgtools.h"

#include "core/base/childprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QVersionNumber>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace ragdr::core {

namespace {

// ragdr-pgpass-<pid>-XXXXXX: the pid tells a leftover from a file in use.
const QString kPassFilePrefix = QStringLiteral("ragdr-pgpass-");

} // namespace

Result<QString> PgTools::locate(const QString &program)
{
    const QString fromEnv = qEnvironmentVariable("RAGDR_PG_BINDIR");
    if (!fromEnv.isEmpty()) {
        const QFileInfo f(QDir(fromEnv).filePath(program));
        if (f.isExecutable())
            return f.absoluteFilePath();
        return fail(Error::badInput(
            QStringLiteral("RAGDR_PG_BINDIR is %1, but it has no %2").arg(fromEnv, program)));
    }
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    QVersionNumber best;
    QString bestPath;
    for (const QString &version : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QFileInfo f(root.filePath(version + QStringLiteral("/bin/") + program));
        const QVersionNumber v = QVersionNumber::fromString(version);
        if (f.isExecutable() && v > best) {
            best = v;
            bestPath = f.absoluteFilePath();
        }
    }
    if (!bestPath.isEmpty())
        return bestPath;
    const QString onPath = QStandardPaths::findExecutable(program);
    if (!onPath.isEmpty())
        return onPath;
    return fail(
        Error::failed(QStringLiteral("%1 not found in /usr/lib/postgresql/*/bin or PATH; "
                                     "install it with: apt-get install postgresql-client-15")
                          .arg(program)));
}

Result<QString> PgTools::version(const QString &programPath)
{
    ChildSpec spec;
    spec.program = programPath;
    spec.arguments = {QStringLiteral("--version")};
    spec.environment = ChildProcess::baseEnvironment();
    auto run = ChildProcess::run(spec, CancelToken());
    if (!run)
        return fail(run.error());
    if (!run->succeeded())
        return fail(Error::failed(run->failureText(QFileInfo(programPath).fileName())));
    return QString::fromUtf8(run->standardOutput).trimmed();
}

QStringList PgTools::connectionArguments(const DatabaseConfig &db)
{
    return {QStringLiteral("-h"),
            db.host,
            QStringLiteral("-p"),
            QString::number(db.port),
            QStringLiteral("-U"),
            db.user};
}

Result<std::unique_ptr<PgPassFile>> PgPassFile::create(const DatabaseConfig &db,
                                                       const QByteArray &password)
{
    std::unique_ptr<PgPassFile> pass(new PgPassFile);
    pass->m_file = std::make_unique<QTemporaryFile>(QDir::tempPath()
                                                    + QStringLiteral("/%1%2-XXXXXX")
                                                          .arg(kPassFilePrefix)
                                                          .arg(QCoreApplication::applicationPid()));
    if (!pass->m_file->open()) {
        return fail(
            Error::failed(QStringLiteral("cannot create a temporary password file in %1: %2")
                              .arg(QDir::tempPath(), pass->m_file->errorString())));
    }
    // libpq ignores a pgpass file that others can read; QTemporaryFile creates it 0600.
    pass->m_file->setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QByteArray line = escape(db.host.toUtf8()) + ':' + QByteArray::number(db.port)
                            + ":*:" + escape(db.user.toUtf8()) + ':' + escape(password) + '\n';
    if (pass->m_file->write(line) != line.size() || !pass->m_file->flush()) {
        return fail(Error::failed(QStringLiteral("cannot write the temporary password file: %1")
                                      .arg(pass->m_file->errorString())));
    }
    return pass;
}

PgPassFile::~PgPassFile() = default;

QStringList PgPassFile::removeOrphans(QStringList *problems)
{
    QStringList removed;
    const QDir temp(QDir::tempPath());
    const uid_t self = ::geteuid();
    for (const QFileInfo &f :
         temp.entryInfoList({kPassFilePrefix + QStringLiteral("*")}, QDir::Files | QDir::Hidden)) {
        bool numeric = false;
        const qint64 pid = f.fileName()
                               .mid(kPassFilePrefix.size())
                               .section(QLatin1Char('-'), 0, 0)
                               .toLongLong(&numeric);
        if (!numeric || pid <= 0 || f.ownerId() != self)
            continue;
        if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH)
            continue; // its process still runs (or may: then the file is left alone)
        if (QFile::remove(f.absoluteFilePath()))
            removed.append(f.absoluteFilePath());
        else if (problems)
            problems->append(QStringLiteral("cannot remove %1").arg(f.absoluteFilePath()));
    }
    return removed;
}

QString PgPassFile::path() const
{
    return m_file->fileName();
}

QByteArray PgPassFile::escape(const QByteArray &field)
{
    QByteArray out;
    out.reserve(field.size());
    for (char c : field) {
        if (c == ':' || c == '\\')
            out.append('\\');
        out.append(c);
    }
    return out;
}

QProcessEnvironment PgPassFile::environmentFor(const DatabaseConfig &db, const PgPassFile *passFile)
{
    QProcessEnvironment env = ChildProcess::baseEnvironment();
    if (passFile) {
        env.insert(QStringLiteral("PGPASSFILE"), passFile->path());
    } else if (qEnvironmentVariableIsSet("PGPASSFILE")) {
        // No password from ragdr: the user's own pgpass setting applies, as it does for psql.
        env.insert(QStringLiteral("PGPASSFILE"), qEnvironmentVariable("PGPASSFILE"));
    }
    if (!db.sslmode.isEmpty())
        env.insert(QStringLiteral("PGSSLMODE"), db.sslmode);
    env.insert(QStringLiteral("PGCONNECT_TIMEOUT"), QString::number(db.connectTimeoutSecs));
    env.insert(QStringLiteral("PGAPPNAME"), QStringLiteral("ragdr"));
    return env;
}

} // namespace ragdr::core
