#include "sessionkeys.h"

#include <QHash>
#include <QMutex>

namespace ragdr::core {

namespace {

QMutex s_mutex;

QHash<QString, QByteArray> &store()
{
    static QHash<QString, QByteArray> keys;
    return keys;
}

// Overwrites the bytes before the memory goes back to the allocator.
void wipe(QByteArray &secret)
{
    secret.fill('\0');
    secret.clear();
}

} // namespace

void SessionKeys::set(const QString &name, const QByteArray &secret)
{
    const QMutexLocker lock(&s_mutex);
    auto it = store().find(name);
    if (it != store().end())
        wipe(*it);
    store().insert(name, secret);
}

QByteArray SessionKeys::get(const QString &name)
{
    const QMutexLocker lock(&s_mutex);
    return store().value(name);
}

bool SessionKeys::has(const QString &name)
{
    const QMutexLocker lock(&s_mutex);
    return store().contains(name);
}

void SessionKeys::remove(const QString &name)
{
    const QMutexLocker lock(&s_mutex);
    auto it = store().find(name);
    if (it == store().end())
        return;
    wipe(*it);
    store().erase(it);
}

QStringList SessionKeys::names()
{
    const QMutexLocker lock(&s_mutex);
    QStringList out = store().keys();
    out.sort();
    return out;
}

} // namespace ragdr::core
