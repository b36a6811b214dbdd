#include "journal.h"

#include "core/base/files.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLockFile>
#include <QSysInfo>

#include <pwd.h>
#include <unistd.h>

namespace ragdr::core {

namespace {

const QByteArray kGenesis = QByteArray(64, '0');

QByteArray chainHash(const QByteArray &prev, const QJsonObject &entryWithoutHash)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(prev);
    h.addData(QByteArrayView("\n"));
    h.addData(QJsonDocument(entryWithoutHash).toJson(QJsonDocument::Compact));
    return h.result().toHex();
}

// The last complete line of the file, or an empty array for an empty or missing file.
QByteArray lastLine(QFile &file)
{
    const qint64 size = file.size();
    qint64 window = 64 * 1024;
    for (;;) {
        const qint64 from = qMax<qint64>(0, size - window);
        file.seek(from);
        QByteArray tail = file.read(size - from);
        while (tail.endsWith('\n'))
            tail.chop(1);
        const qsizetype nl = tail.lastIndexOf('\n');
        if (nl >= 0)
            return tail.mid(nl + 1);
        if (from == 0)
            return tail;
        window *= 4;
    }
}

} // namespace

Journal::Journal(QString path)
    : m_path(std::move(path))
{}

QString Journal::actor()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty()) {
        const struct passwd *pw = ::getpwuid(::geteuid());
        user = pw ? QString::fromLocal8Bit(pw->pw_name) : QStringLiteral("uid%1").arg(::geteuid());
    }
    return user + QLatin1Char('@') + QSysInfo::machineHostName();
}

Status Journal::append(const QString &type, const QJsonObject &fields)
{
    QMutexLocker locker(&m_mutex);
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath())) {
        return fail(Error::failed(
            QStringLiteral("cannot create the journal directory %1").arg(info.absolutePath())));
    }
    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(30000);
    if (!lock.tryLock(10000)) {
        return fail(Error::failed(
            QStringLiteral("the journal %1 is locked by another process").arg(m_path)));
    }
    QFile file(m_path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::Append)) {
        return fail(Error::failed(
            QStringLiteral("cannot open the journal %1: %2").arg(m_path, file.errorString())));
    }
    QByteArray prev = kGenesis;
    qint64 seq = 1;
    const QByteArray last = lastLine(file);
    if (!last.isEmpty()) {
        const QJsonObject previous = QJsonDocument::fromJson(last).object();
        prev = previous.value(QStringLiteral("hash")).toString().toLatin1();
        seq = previous.value(QStringLiteral("seq")).toInteger() + 1;
        if (prev.isEmpty())
            prev = QCryptographicHash::hash(last, QCryptographicHash::Sha256).toHex();
    }
    QJsonObject entry = fields;
    entry.insert(QStringLiteral("seq"), seq);
    entry.insert(QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    entry.insert(QStringLiteral("actor"), actor());
    entry.insert(QStringLiteral("type"), type);
    entry.insert(QStringLiteral("prev"), QString::fromLatin1(prev));
    entry.insert(QStringLiteral("hash"), QString::fromLatin1(chainHash(prev, entry)));
    const QByteArray line = QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n';
    file.seek(file.size());
    if (file.write(line) != line.size() || !file.flush()) {
        return fail(Error::failed(
            QStringLiteral("cannot write the journal %1: %2").arg(m_path, file.errorString())));
    }
    file.close();
    return files::fsyncFile(m_path);
}

Result<QList<QJsonObject>> Journal::readAll(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return QList<QJsonObject>();
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(Error::failed(
            QStringLiteral("cannot read the journal %1: %2").arg(path, file.errorString())));
    }
    QList<QJsonObject> entries;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (!line.isEmpty())
            entries.append(QJsonDocument::fromJson(line).object());
    }
    return entries;
}

Result<Journal::Check> Journal::verify(const QString &path)
{
    QFile file(path);
    Check check;
    if (!file.exists())
        return check;
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(Error::failed(
            QStringLiteral("cannot read the journal %1: %2").arg(path, file.errorString())));
    }
    QByteArray prev = kGenesis;
    qint64 lineNo = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        ++lineNo;
        if (line.isEmpty())
            continue;
        QJsonParseError parseError;
        QJsonObject entry = QJsonDocument::fromJson(line, &parseError).object();
        const QByteArray hash = entry.take(QStringLiteral("hash")).toString().toLatin1();
        QString problem;
        if (parseError.error != QJsonParseError::NoError)
            problem = QStringLiteral("not valid JSON: %1").arg(parseError.errorString());
        else if (entry.value(QStringLiteral("prev")).toString().toLatin1() != prev)
            problem = QStringLiteral(
                "does not follow the line before it (a line was removed or inserted)");
        else if (chainHash(prev, entry) != hash)
            problem = QStringLiteral("its content does not match its hash (the line was edited)");
        if (!problem.isEmpty()) {
            check.intact = false;
            check.firstBadLine = lineNo;
            check.problem = problem;
            return check;
        }
        prev = hash;
        ++check.entries;
    }
    return check;
}

} // namespace ragdr::core
