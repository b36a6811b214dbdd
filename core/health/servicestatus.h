#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace ragdr::core {

// A service's /status answer, read the way health-check conventions agree on: the HTTP code
// first (2xx-3xx may be healthy, 4xx-5xx is not, whatever the body says), then a "status" field
// as services write it (pass/ok/up/healthy, warn/degraded, fail/down/error, any case), and the
// per-component entries: Spring Boot's "components" map or the health-check draft's "checks".
struct ServiceStatus
{
    enum class Level { Pass, Warn, Fail, Unknown };

    struct Component
    {
        QString name;
        Level level = Level::Unknown;
        QString status; // as the service wrote it
        QString detail;
    };

    int httpStatus = 0;
    Level level = Level::Unknown; // overall, with the HTTP code taken into account
    QString status;               // the body's status, as written; empty when there was none
    QString problem;              // why the body could not be read, if it could not
    QList<Component> components;

    bool healthy() const; // pass overall and in every component
    QStringList lines() const;
    QJsonObject toJson() const;

    static ServiceStatus read(int httpStatus, const QByteArray &body);
    static Level levelOf(const QString &status);
    static QString levelName(Level level);
};

} // namespace ragdr::core
