#include "restorelock.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace ragdr::core {

namespace {

QJsonObject readHolder(int fd)
{
    QByteArray content;
    char buffer[4096];
    ::lseek(fd, 0, SEEK_SET);
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        content.append(buffer, n);
    }
    return QJsonDocument::fromJson(content).object();
}

} // namespace

Result<std::unique_ptr<RestoreLock>> RestoreLock::acquire(const QString &path,
                                                          const QJsonObject &holder,
                                                          const QString &what)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail(Error::failed(QStringLiteral("cannot open the lock file %1: %2")
                                      .arg(path, QString::fromLocal8Bit(std::strerror(errno)))));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int why = errno;
        // The holder writes its name right after it locks: give it a moment.
        QJsonObject current = readHolder(fd);
        for (int i = 0; i < 20 && current.isEmpty(); ++i) {
            ::usleep(10000);
            current = readHolder(fd);
        }
        ::close(fd);
        if (why == EWOULDBLOCK) {
            return fail(Error::refused(QStringLiteral("%1 is already running: %2")
                                           .arg(what, describe(current)),
                                       QStringLiteral("nothing: this attempt did not start")));
        }
        return fail(Error::failed(QStringLiteral("cannot lock %1: %2")
                                      .arg(path, QString::fromLocal8Bit(std::strerror(why)))));
    }
    const QByteArray text = QJsonDocument(holder).toJson(QJsonDocument::Compact) + '\n';
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.constData(), text.size(), 0) != text.size()) {
        const QString why = QString::fromLocal8Bit(std::strerror(errno));
        ::close(fd);
        return fail(
            Error::failed(QStringLiteral("cannot write the lock file %1: %2").arg(path, why)));
    }
    std::unique_ptr<RestoreLock> lock(new RestoreLock);
    lock->m_fd = fd;
    return lock;
}

RestoreLock::~RestoreLock()
{
    if (m_fd >= 0) {
        // Empty it first, so that a reader never names a holder that has gone.
        (void) ::ftruncate(m_fd, 0);
        ::close(m_fd);
    }
}

std::optional<QJsonObject> RestoreLock::holder(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
        ::flock(fd, LOCK_UN);
        ::close(fd);
        return std::nullopt;
    }
    QJsonObject current = readHolder(fd);
    ::close(fd);
    return current;
}

QString RestoreLock::describe(const QJsonObject &holder)
{
    if (holder.isEmpty())
        return QStringLiteral("by a process that has not said who it is yet");
    const QDateTime since = QDateTime::fromString(holder.value(QStringLiteral("since")).toString(),
                                                  Qt::ISODateWithMs);
    return QStringLiteral("started by %1 (pid %2) at %3 UTC, %4")
        .arg(holder.value(QStringLiteral("actor")).toString())
        .arg(holder.value(QStringLiteral("pid")).toInteger())
        .arg(since.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
             holder.value(QStringLiteral("restore")).toString());
}

} // namespace ragdr::core
