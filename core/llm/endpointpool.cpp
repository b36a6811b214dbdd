#include "endpointpool.h"

namespace ragdr::core {

EndpointPool::EndpointPool(qint64 cooldownSecs)
    : m_cooldownSecs(cooldownSecs)
{}

QDateTime EndpointPool::cooledUntil(const QString &endpoint) const
{
    const QMutexLocker lock(&m_mutex);
    const QDateTime until = m_until.value(endpoint);
    return until.isValid() && until > QDateTime::currentDateTimeUtc() ? until : QDateTime();
}

bool EndpointPool::isCooling(const QString &endpoint) const
{
    return cooledUntil(endpoint).isValid();
}

void EndpointPool::failed(const QString &endpoint)
{
    const QMutexLocker lock(&m_mutex);
    m_until.insert(endpoint, QDateTime::currentDateTimeUtc().addSecs(m_cooldownSecs));
}

void EndpointPool::succeeded(const QString &endpoint)
{
    const QMutexLocker lock(&m_mutex);
    m_until.remove(endpoint);
}

void EndpointPool::clear()
{
    const QMutexLocker lock(&m_mutex);
    m_until.clear();
}

} // namespace ragdr::core
