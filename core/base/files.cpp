#include "files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QStorageInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <openssl/evp.h>
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
    // libcrypto rather than QCryptographicHash: it uses the CPU's SHA instructions (a 57 MB dump
    // here: 0.05 s against 0.3 s), and hashing is most of a quick verification.
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> hash(EVP_MD_CTX_new(),
                                                                       &EVP_MD_CTX_free);
    if (!hash || EVP_DigestInit_ex(hash.get(), EVP_sha256(), nullptr) != 1)
        return fail(Error::failed(QStringLiteral("cannot start a sha256 digest (libcrypto)")));
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
        EVP_DigestUpdate(hash.get(), block.constData(), size_t(n));
        done += n;
        if (progress)
            progress(done, total);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(hash.get(), digest, &length);
    return QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex();
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
