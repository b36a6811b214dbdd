#include "backuprepository.h"

#include "core/base/childprocess.h"
#include "core/base/files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QStandardPaths>

namespace ragdr::core {

namespace {

constexpr int kRcloneDirectoryNotFound = 3;

QString hiddenTempName(const QString &fileName)
{
    return QLatin1Char('.') + fileName + QStringLiteral(".tmp-")
           + QString::number(QRandomGenerator::global()->generate(), 16);
}

} // namespace

std::unique_ptr<BackupRepository> BackupRepository::create(const RepositoryConfig &config)
{
    if (config.kind == RepositoryConfig::Kind::Local)
        return std::make_unique<LocalRepository>(config);
    return std::make_unique<RcloneRepository>(config);
}

// ---- local directory ----

LocalRepository::LocalRepository(RepositoryConfig config)
    : BackupRepository(std::move(config))
{}

QString LocalRepository::locationOf(const QString &fileName) const
{
    return QDir(directory()).filePath(fileName);
}

Result<QList<RepoFile>> LocalRepository::list(const CancelToken &)
{
    const QDir dir(directory());
    if (!dir.exists()) {
        return fail(Error::failed(QStringLiteral("repository %1: the directory %2 does not exist")
                                      .arg(name(), directory())));
    }
    if (!QFileInfo(directory()).isReadable()) {
        return fail(Error::failed(QStringLiteral("repository %1: the directory %2 is not readable")
                                      .arg(name(), directory())));
    }
    QList<RepoFile> files;
    // Symbolic links are listed too: the "latest" name is one.
    for (const QFileInfo &info : dir.entryInfoList(QDir::Files | QDir::Hidden | QDir::System)) {
        files.append({info.fileName(), info.size(), info.lastModified().toUTC()});
    }
    return files;
}

Status LocalRepository::upload(const QString &localPath,
                               const QString &fileName,
                               const Progress &progress)
{
    if (!QDir().mkpath(directory())) {
        return fail(Error::failed(
            QStringLiteral("repository %1: cannot create %2").arg(name(), directory())));
    }
    QFile in(localPath);
    if (!in.open(QIODevice::ReadOnly))
        return fail(
            Error::failed(QStringLiteral("cannot read %1: %2").arg(localPath, in.errorString())));
    const QString temp = locationOf(hiddenTempName(fileName));
    QFile out(temp);
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        return fail(Error::failed(QStringLiteral("repository %1: cannot write %2: %3")
                                      .arg(name(), temp, out.errorString())));
    }
    const qint64 total = in.size();
    qint64 done = 0;
    QByteArray block(4 << 20, Qt::Uninitialized);
    auto abandon = [&](Error e) -> Status {
        out.close();
        QFile::remove(temp);
        return fail(std::move(e));
    };
    for (;;) {
        if (progress.isCancelled())
            return abandon(Error::cancelled());
        const qint64 n = in.read(block.data(), block.size());
        if (n < 0)
            return abandon(Error::failed(
                QStringLiteral("cannot read %1: %2").arg(localPath, in.errorString())));
        if (n == 0)
            break;
        if (out.write(block.constData(), n) != n) {
            return abandon(Error::failed(QStringLiteral("repository %1: cannot write %2: %3")
                                             .arg(name(), temp, out.errorString())));
        }
        done += n;
        progress.setFraction(total > 0 ? double(done) / double(total) : 1.0);
    }
    if (!out.flush())
        return abandon(
            Error::failed(QStringLiteral("repository %1: %2").arg(name(), out.errorString())));
    out.close();
    if (auto synced = files::fsyncFile(temp); !synced) {
        QFile::remove(temp);
        return synced;
    }
    if (auto renamed = files::renameDurably(temp, locationOf(fileName)); !renamed) {
        QFile::remove(temp);
        return renamed;
    }
    return {};
}

Result<QByteArray> LocalRepository::sha256(const QString &fileName, const Progress &progress)
{
    return files::sha256Hex(locationOf(fileName),
                            progress.cancelToken(),
                            [&](qint64 done, qint64 total) {
                                progress.setFraction(total > 0 ? double(done) / double(total) : 1.0);
                            });
}

Result<QByteArray> LocalRepository::read(const QString &fileName, const CancelToken &)
{
    QFile file(locationOf(fileName));
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(Error::failed(QStringLiteral("repository %1: cannot read %2: %3")
                                      .arg(name(), file.fileName(), file.errorString())));
    }
    return file.readAll();
}

Result<std::optional<QByteArray>> LocalRepository::readIfPresent(const QString &fileName,
                                                                 const CancelToken &cancel)
{
    if (!QFileInfo::exists(locationOf(fileName)))
        return std::optional<QByteArray>();
    auto bytes = read(fileName, cancel);
    if (!bytes)
        return fail(bytes.error());
    return std::optional<QByteArray>(*bytes);
}

Status LocalRepository::write(const QString &fileName, const QByteArray &data, const CancelToken &)
{
    if (!QDir().mkpath(directory())) {
        return fail(Error::failed(
            QStringLiteral("repository %1: cannot create %2").arg(name(), directory())));
    }
    return files::writeAtomically(locationOf(fileName), data);
}

Status LocalRepository::remove(const QString &fileName, const CancelToken &)
{
    QFile file(locationOf(fileName));
    if (!file.exists() && !QFileInfo(file.fileName()).isSymLink())
        return {};
    if (!file.remove()) {
        return fail(Error::failed(QStringLiteral("repository %1: cannot delete %2: %3")
                                      .arg(name(), file.fileName(), file.errorString())));
    }
    return files::fsyncDirectory(directory());
}

// ---- rclone remote ----

RcloneRepository::RcloneRepository(RepositoryConfig config)
    : BackupRepository(std::move(config))
{}

QString RcloneRepository::locationOf(const QString &fileName) const
{
    const QString &base = config().location;
    if (base.endsWith(QLatin1Char(':')) || base.endsWith(QLatin1Char('/')))
        return base + fileName;
    return base + QLatin1Char('/') + fileName;
}

Result<QByteArray> RcloneRepository::rclone(const QStringList &args,
                                            const CancelToken &cancel,
                                            const QByteArray &input,
                                            const std::function<void(const QString &)> &onLine,
                                            bool *notFound)
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("rclone"));
    if (program.isEmpty()) {
        return fail(
            Error::failed(QStringLiteral("repository %1 needs rclone, which is not installed "
                                         "(apt-get install rclone)")
                              .arg(name())));
    }
    ChildSpec spec;
    spec.program = program;
    if (!config().rcloneConfig.isEmpty())
        spec.arguments << QStringLiteral("--config") << config().rcloneConfig;
    spec.arguments << QStringLiteral("--contimeout") << QStringLiteral("15s") << args;
    spec.environment = ChildProcess::baseEnvironment();
    spec.standardInput = input;
    auto run = ChildProcess::run(spec, cancel, onLine);
    if (!run)
        return fail(run.error().prefixed(QStringLiteral("repository %1").arg(name())));
    if (run->cancelled)
        return fail(Error::cancelled());
    if (!run->succeeded()) {
        Error e = Error::failed(
            QStringLiteral("repository %1: %2")
                .arg(name(), run->failureText(QStringLiteral("rclone ") + args.value(0))));
        if (run->exitCode == kRcloneDirectoryNotFound) {
            e.message += QStringLiteral(" (not found)");
            if (notFound)
                *notFound = true;
        }
        return fail(e);
    }
    return run->standardOutput;
}

Result<QList<RepoFile>> RcloneRepository::list(const CancelToken &cancel)
{
    auto out = rclone({QStringLiteral("lsjson"),
                       QStringLiteral("--files-only"),
                       QStringLiteral("--no-mimetype"),
                       config().location},
                      cancel);
    if (!out)
        return fail(out.error());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(*out, &error);
    if (!doc.isArray()) {
        return fail(Error::failed(QStringLiteral("repository %1: rclone lsjson gave no list (%2)")
                                      .arg(name(), error.errorString())));
    }
    QList<RepoFile> files;
    for (const QJsonValue &v : doc.array()) {
        const QJsonObject o = v.toObject();
        files.append(
            {o.value(QStringLiteral("Name")).toString(),
             o.value(QStringLiteral("Size")).toInteger(),
             QDateTime::fromString(o.value(QStringLiteral("ModTime")).toString(), Qt::ISODateWithMs)
                 .toUTC()});
    }
    return files;
}

Status RcloneRepository::moveInto(const QString &from, const QString &to, const CancelToken &cancel)
{
    auto moved = rclone({QStringLiteral("moveto"), locationOf(from), locationOf(to)}, cancel);
    if (!moved)
        return fail(moved.error());
    return {};
}

Status RcloneRepository::upload(const QString &localPath,
                                const QString &fileName,
                                const Progress &progress)
{
    const QString temp = hiddenTempName(fileName);
    auto copied
        = rclone({QStringLiteral("copyto"),
                  localPath,
                  locationOf(temp),
                  QStringLiteral("--stats"),
                  QStringLiteral("1s"),
                  QStringLiteral("--use-json-log"),
                  QStringLiteral("-v")},
                 progress.cancelToken(),
                 {},
                 [&](const QString &line) {
                     const QJsonObject stats = QJsonDocument::fromJson(line.toUtf8())
                                                   .object()
                                                   .value(QStringLiteral("stats"))
                                                   .toObject();
                     const double total = stats.value(QStringLiteral("totalBytes")).toDouble();
                     if (total > 0)
                         progress.setFraction(stats.value(QStringLiteral("bytes")).toDouble()
                                              / total);
                 });
    if (!copied) {
        remove(temp, CancelToken());
        return fail(copied.error());
    }
    if (auto moved = moveInto(temp, fileName, progress.cancelToken()); !moved) {
        remove(temp, CancelToken());
        return moved;
    }
    return {};
}

Result<QByteArray> RcloneRepository::sha256(const QString &fileName, const Progress &progress)
{
    // --download hashes the bytes as stored, on every backend, not a hash the remote remembers.
    auto out = rclone({QStringLiteral("hashsum"),
                       QStringLiteral("sha256"),
                       QStringLiteral("--download"),
                       locationOf(fileName)},
                      progress.cancelToken());
    if (!out)
        return fail(out.error());
    const QByteArray hash = out->trimmed().split(' ').value(0);
    if (hash.size() != 64) {
        return fail(Error::failed(
            QStringLiteral("repository %1: %2 is not there").arg(name(), locationOf(fileName))));
    }
    return hash;
}

Result<QByteArray> RcloneRepository::read(const QString &fileName, const CancelToken &cancel)
{
    return rclone({QStringLiteral("cat"), locationOf(fileName)}, cancel);
}

Result<std::optional<QByteArray>> RcloneRepository::readIfPresent(const QString &fileName,
                                                                  const CancelToken &cancel)
{
    bool notFound = false;
    auto bytes = rclone({QStringLiteral("cat"), locationOf(fileName)}, cancel, {}, {}, &notFound);
    if (bytes)
        return std::optional<QByteArray>(*bytes);
    if (notFound)
        return std::optional<QByteArray>();
    return fail(bytes.error());
}

Status RcloneRepository::write(const QString &fileName,
                               const QByteArray &data,
                               const CancelToken &cancel)
{
    const QString temp = hiddenTempName(fileName);
    auto written = rclone({QStringLiteral("rcat"), locationOf(temp)}, cancel, data);
    if (!written)
        return fail(written.error());
    return moveInto(temp, fileName, cancel);
}

Status RcloneRepository::remove(const QString &fileName, const CancelToken &cancel)
{
    bool notFound = false;
    auto removed = rclone({QStringLiteral("deletefile"),
                           QStringLiteral("--retries"),
                           QStringLiteral("1"),
                           locationOf(fileName)},
                          cancel,
                          {},
                          {},
                          &notFound);
    // Gone already is what was wanted.
    if (!removed && !notFound && !removed.error().message.contains(QLatin1String("doesn't exist")))
        return fail(removed.error());
    return {};
}

} // namespace ragdr::core
