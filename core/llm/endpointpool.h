#pragma once

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QString>

namespace ragdr::core {

// Which endpoints are cooling down after a failure (LiteLLM's cooldown): a cooled endpoint is
// skipped until its time is up, so that the next one answers the probes. Shared by the checks of
// one console (or one CLI run); thread-safe.
class EndpointPool final
{
public:
    explicit EndpointPool(qint64 cooldownSecs = 60);

    QDateTime cooledUntil(const QString &endpoint) const; // invalid: not cooling
    bool isCooling(const QString &endpoint) const;
    void failed(const QString &endpoint);
    void succeeded(const QString &endpoint);
    // Forgets every cooldown (after a key changed: the old failures say nothing about the new one).
    void clear();

private:
    mutable QMutex m_mutex;
    qint64 m_cooldownSecs;
    QHash<QString, QDateTime> m_until;
};

} // namespace ragdr::core
