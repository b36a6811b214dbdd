#include "restorestore.h"

#include "restorelock.h"

#include "core/base/files.h"
#include "core/profile/profile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>

namespace ragdr::core {

RestoreStore::RestoreStore(QString dataDir)
    : m_dir(QDir(dataDir).filePath(QStringLiteral("restores")))
{}

QString RestoreStore::statePath(const QString &id) const
{
    return QDir(m_dir).filePath(id + QStringLiteral(".json"));
}

QString RestoreStore::processLockPath(const QString &id) const
{
    return QDir(m_dir).filePath(id + QStringLiteral(".lock"));
}

QString RestoreStore::goPath(const QString &id, const QString &token) const
{
    return QDir(m_dir).filePath(QStringLiteral("%1.go-%2").arg(id, token));
}

void RestoreStore::removeGoFiles(const QString &id) const
{
    QDir dir(m_dir);
    for (const QString &name : dir.entryList({id + QStringLiteral(".go-*")}, QDir::Files))
        dir.remove(name);
}

QString RestoreStore::databaseLockPath(const DatabaseConfig &db) const
{
    QString key = QStringLiteral("%1_%2_%3").arg(db.host).arg(db.port).arg(db.name);
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9_.-]"));
    key.replace(unsafe, QStringLiteral("_"));
    return QDir(m_dir).filePath(QStringLiteral("locks/") + key + QStringLiteral(".lock"));
}

Status RestoreStore::write(RestoreState &state) const
{
    QDir().mkpath(m_dir);
    state.updatedAt = QDateTime::currentDateTimeUtc();
    return files::writeAtomically(statePath(state.id),
                                  QJsonDocument(state.toJson()).toJson(QJsonDocument::Indented));
}

Result<RestoreState> RestoreStore::read(const QString &id) const
{
    QFile file(statePath(id));
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(
            Error::badInput(QStringLiteral("no restore %1 is recorded in %2").arg(id, m_dir)));
    }
    return RestoreState::fromJson(file.readAll(), file.fileName());
}

QList<RestoreState> RestoreStore::list() const
{
    QList<RestoreState> states;
    const QDir dir(m_dir);
    for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        auto state = RestoreState::fromJson(file.readAll(), file.fileName());
        if (state)
            states.append(*state);
    }
    std::sort(states.begin(), states.end(), [](const RestoreState &a, const RestoreState &b) {
        return a.startedAt > b.startedAt;
    });
    return states;
}

std::optional<RestoreState> RestoreStore::current() const
{
    for (const RestoreState &s : list()) {
        if (!s.isFinished() && !s.cleanedUp)
            return s;
    }
    return std::nullopt;
}

bool RestoreStore::isProcessAlive(const RestoreState &state) const
{
    return RestoreLock::holder(processLockPath(state.id)).has_value();
}

bool RestoreStore::isInterrupted(const RestoreState &state) const
{
    return !state.isFinished() && !state.cleanedUp && !isProcessAlive(state);
}

QString RestoreStore::newId(const QString &kind)
{
    return QStringLiteral("%1-%2-%3")
        .arg(kind, QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")))
        .arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QLatin1Char('0'));
}

} // namespace ragdr::core
