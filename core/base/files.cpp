#include "files.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QStorageInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace ragdr::core::files {

namespace {

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

Status fsyncPath(const QString &path, int flags)
{
    const int fd = ::open(QFile::encodeName(path).constData(), flags | O_CLOEXEC);
    if (fd < 0)
        return fail(
            Error::failed(QStringLiteral("cannot open %1 to flush it: %2").arg(path, errnoText())));
    const int rc = ::fsync(fd);
    const QString why = rc != 0 ? errnoText() : QString();
    ::close(fd);
    if (rc != 0)
        return fail(Error::failed(QStringLiteral("cannot flush %1 to disk: %2").arg(path, why)));
    return {};
}

} // namespace

Status fsyncFile(const QString &path)
{
    return fsyncPath(path, O_RDONLY);
}

Status fsyncDirectory(const QString &dir)
{
    return fsyncPath(dir, O_RDONLY | O_DIRECTORY);
}

Status renameDurably(const QString &from, const QString &to)
{
    if (::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0) {
        return fail(
            Error::failed(QStringLiteral("cannot rename %1 to %2: %3").arg(from, to, errnoText())));
    }
    return fsyncDirectory(QFileInfo(to).absolutePath());
}

Status writeAtomically(const QString &path,
                       const QByteArray &data,
                       QFileDevice::Permissions permissions)
{
    const QFileInfo info(path);
    const QString temp = info.absolutePath() + QStringLiteral("/.") + info.fileName()
                         + QStringLiteral(".tmp-")
                         + QString::number(QRandomGenerator::global()->generate(), 16);
    QFile file(temp);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        return fail(Error::failed(
            QStringLiteral("cannot write %1: %2").arg(info.absoluteFilePath(), file.errorString())));
    }
    file.setPermissions(permissions);
    const bool written = file.write(data) == data.size() && file.flush();
    const QString why = file.errorString();
    file.close();
    if (!written) {
        QFile::remove(temp);
        return fail(Error::failed(QStringLiteral("cannot write %1: %2").arg(path, why)));
    }
    if (auto synced = fsyncFile(temp); !synced) {
        QFile::remove(temp);
        return synced;
    }
    if (auto renamed = renameDurably(temp, path); !renamed) {
        QFile::remove(temp);
        return renamed;
    }
    return {};
}

Result<QByteArray> sha256Hex(const QString &path,
                             const CancelToken &cancel,
                             const ByteProgress &progress)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(
            Error::failed(QStringLiteral("cannot read %1: %2").arg(path, file.errorString())));
    const qint64 total = file.size();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray block(1 << 20, Qt::Uninitialized);
    qint64 done = 0;
    for (;;) {
        if (cancel.isCancelled())
            return fail(Error::cancelled());
        const qint64 n = file.read(block.data(), block.size());
        if (n < 0) {
            return fail(
                Error::failed(QStringLiteral("cannot read %1: %2").arg(path, file.errorString())));
        }
        if (n == 0)
            break;
        hash.addData(QByteArrayView(block.constData(), n));
        done += n;
        if (progress)
            progress(done, total);
    }
    return hash.result().toHex();
}

QString humanSize(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("?");
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1000.0 && unit < 5) {
        value /= 1000.0;
        ++unit;
    }
    if (unit == 0)
        return QStringLiteral("%1 B").arg(bytes);
    return QStringLiteral("%1 %2")
        .arg(value, 0, 'f', value < 10 ? 1 : 0)
        .arg(QLatin1String(units[unit]));
}

qint64 freeBytes(const QString &path)
{
    const QStorageInfo storage(path);
    return storage.isValid() ? storage.bytesAvailable() : -1;
}

} // namespace ragdr::core::files
