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
const QString kIncidentClosed = QStringLiteral("incident.closed");

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

QString lastEntryText(qint64 seq)
{
    return seq > 0 ? QStringLiteral("entry %1").arg(seq) : QStringLiteral("its start");
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

QString Journal::headPath(const QString &journalPath)
{
    return journalPath + QStringLiteral(".head");
}

QString Journal::openIncident(const QJsonObject &last)
{
    if (last.value(QLatin1String("type")).toString() == kIncidentClosed)
        return {};
    return last.value(QLatin1String("incident")).toString();
}

Result<QString> Journal::openIncident() const
{
    QFile file(m_path);
    if (!file.exists())
        return QString();
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(Error::failed(
            QStringLiteral("cannot read the journal %1: %2").arg(m_path, file.errorString())));
    }
    return openIncident(QJsonDocument::fromJson(lastLine(file)).object());
}

Status Journal::append(const QString &type, const QJsonObject &fields)
{
    JournalRecord record;
    record.type = type;
    record.fields = fields;
    return append(record, {});
}

Status Journal::append(const JournalRecord &record)
{
    return append(record, {});
}

Status Journal::append(const JournalRecord &record, const Guard &guard)
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
    const QJsonObject previous = QJsonDocument::fromJson(last).object();
    if (!last.isEmpty()) {
        prev = previous.value(QStringLiteral("hash")).toString().toLatin1();
        seq = previous.value(QStringLiteral("seq")).toInteger() + 1;
        if (prev.isEmpty())
            prev = QCryptographicHash::hash(last, QCryptographicHash::Sha256).toHex();
    }
    if (guard) {
        if (Status allowed = guard(previous); !allowed)
            return allowed;
    }
    QJsonObject entry = record.fields;
    // Lines cut off the end (or a journal rewritten) since the last append: the head file says so.
    // This entry records it, so that moving the head on does not hide the cut.
    if (auto head = readHead(m_path); head && !head->isNull()) {
        const qint64 lastSeq = seq - 1;
        if (head->seq > lastSeq || (head->seq == lastSeq && head->hash.toLatin1() != prev)) {
            entry.insert(QStringLiteral("journal_gap"),
                         QJsonObject{{QStringLiteral("head_seq"), head->seq},
                                     {QStringLiteral("head_hash"), head->hash},
                                     {QStringLiteral("last_seq"), lastSeq}});
        }
    }
    const QString source = !record.source.isEmpty() ? record.source
                           : record.type.startsWith(QLatin1String("operation."))
                               ? QStringLiteral("operation")
                               : QStringLiteral("user");
    const QString incident = !record.incident.isEmpty() ? record.incident : openIncident(previous);
    entry.insert(QStringLiteral("seq"), seq);
    entry.insert(QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    entry.insert(QStringLiteral("actor"), actor());
    entry.insert(QStringLiteral("type"), record.type);
    entry.insert(QStringLiteral("source"), source);
    if (!record.text.isEmpty())
        entry.insert(QStringLiteral("text"), record.text);
    if (!record.evidence.isEmpty())
        entry.insert(QStringLiteral("evidence"), record.evidence);
    if (!incident.isEmpty())
        entry.insert(QStringLiteral("incident"), incident);
    entry.insert(QStringLiteral("prev"), QString::fromLatin1(prev));
    const QByteArray hash = chainHash(prev, entry);
    entry.insert(QStringLiteral("hash"), QString::fromLatin1(hash));
    const QByteArray line = QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n';
    file.seek(file.size());
    if (file.write(line) != line.size() || !file.flush()) {
        return fail(Error::failed(
            QStringLiteral("cannot write the journal %1: %2").arg(m_path, file.errorString())));
    }
    file.close();
    if (Status synced = files::fsyncFile(m_path); !synced)
        return synced;
    // The head goes last: a crash in between leaves a head one entry behind, which verify
    // accepts (the chain itself vouches for the newer entry).
    JournalHead head;
    head.seq = seq;
    head.hash = QString::fromLatin1(hash);
    head.at = QDateTime::fromString(entry.value(QLatin1String("at")).toString(), Qt::ISODateWithMs);
    QJsonObject headJson = head.toJson();
    headJson.insert(QStringLiteral("journal"), info.fileName());
    return files::writeAtomically(headPath(m_path), QJsonDocument(headJson).toJson());
}

Result<JournalHead> Journal::readHead(const QString &journalPath)
{
    QFile file(headPath(journalPath));
    if (!file.exists())
        return JournalHead();
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(Error::failed(
            QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString())));
    }
    return JournalHead::fromJson(QJsonDocument::fromJson(file.readAll()).object());
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
    return verify(path, JournalHead());
}

Result<Journal::Check> Journal::verify(const QString &path, const JournalHead &expected)
{
    auto recorded = readHead(path);
    if (!recorded)
        return fail(recorded.error());
    struct Known
    {
        JournalHead head;
        QString where;
    };
    QList<Known> heads;
    if (!recorded->isNull())
        heads.append({*recorded, QStringLiteral("the head file %1").arg(headPath(path))});
    if (!expected.isNull())
        heads.append({expected, QStringLiteral("the head the export names")});

    Check check;
    check.headKnown = !heads.isEmpty();
    QFile file(path);
    if (!file.exists() && heads.isEmpty())
        return check;
    if (file.exists() && !file.open(QIODevice::ReadOnly)) {
        return fail(Error::failed(
            QStringLiteral("cannot read the journal %1: %2").arg(path, file.errorString())));
    }
    auto broken = [&check](qint64 line, qint64 entry, const QString &problem) {
        check.intact = false;
        check.firstBadLine = line;
        check.firstBadEntry = entry;
        check.problem = problem;
        return check;
    };
    QByteArray prev = kGenesis;
    qint64 lineNo = 0;
    qint64 lastSeq = 0;
    while (file.isOpen() && !file.atEnd()) {
        const QByteArray raw = file.readLine();
        const QByteArray line = raw.trimmed();
        ++lineNo;
        if (line.isEmpty())
            continue;
        QJsonParseError parseError;
        QJsonObject entry = QJsonDocument::fromJson(line, &parseError).object();
        const QByteArray hash = entry.take(QStringLiteral("hash")).toString().toLatin1();
        if (parseError.error != QJsonParseError::NoError) {
            return broken(lineNo,
                          lastSeq + 1,
                          raw.endsWith('\n')
                              ? QStringLiteral("is not valid JSON: %1").arg(parseError.errorString())
                              : QStringLiteral("is cut off in the middle (not valid JSON: %1)")
                                    .arg(parseError.errorString()));
        }
        if (entry.value(QStringLiteral("prev")).toString().toLatin1() != prev)
            return broken(lineNo,
                          lastSeq + 1,
                          QStringLiteral("does not follow the line before it (a line was removed "
                                         "or inserted)"));
        if (chainHash(prev, entry) != hash)
            return broken(lineNo,
                          lastSeq + 1,
                          QStringLiteral("was edited: its content does not match its hash"));
        const qint64 seq = entry.value(QStringLiteral("seq")).toInteger();
        if (const QJsonObject gap = entry.value(QStringLiteral("journal_gap")).toObject();
            !gap.isEmpty()) {
            const qint64 ended = gap.value(QStringLiteral("last_seq")).toInteger();
            const qint64 recorded = gap.value(QStringLiteral("head_seq")).toInteger();
            return broken(lineNo,
                          ended + 1,
                          recorded > ended
                              ? QStringLiteral("was written after entries %1 to %2 had been cut "
                                               "off the end (the head file recorded entry %2)")
                                    .arg(ended + 1)
                                    .arg(recorded)
                              : QStringLiteral("was written after the journal had been rewritten "
                                               "(entry %1 was not the one the head file recorded)")
                                    .arg(recorded));
        }
        for (const Known &k : std::as_const(heads)) {
            if (k.head.seq == seq && k.head.hash.toLatin1() != hash)
                return broken(lineNo,
                              seq,
                              QStringLiteral("is not the entry %1 recorded (the journal was "
                                             "rewritten from here or before)")
                                  .arg(k.where));
        }
        prev = hash;
        lastSeq = seq;
        ++check.entries;
        check.head.seq = seq;
        check.head.hash = QString::fromLatin1(hash);
        check.head.at = QDateTime::fromString(entry.value(QStringLiteral("at")).toString(),
                                              Qt::ISODateWithMs);
    }
    for (const Known &k : std::as_const(heads)) {
        if (k.head.seq > lastSeq) {
            return broken(lineNo + 1,
                          lastSeq + 1,
                          QStringLiteral("is missing: the journal ends after %1, but %2 records "
                                         "entry %3 (lines were cut off the end)")
                              .arg(lastEntryText(lastSeq), k.where)
                              .arg(k.head.seq));
        }
    }
    return check;
}

} // namespace ragdr::core
