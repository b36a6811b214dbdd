#pragma once

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace ragdr::sandbox {

// What the drill's simulated service endpoints run (inside `ragdr-drill serve`, beside the
// simulated clusters): the RAG API of each region under its own path on one HTTPS port, and a
// Slack-compatible webhook receiver on another. Built by `up` from the drill profile; carried in
// DIR/kube/serve.json, so that a changed configuration restarts the server.
struct DrillServicesConfig
{
    struct Api
    {
        QString region;  // the profile's region
        QString context; // its kube context, so that `ragdr-drill fault --region drill-a` works too
        QString prefix;  // the path the region's API answers under: "/regions/drill"
    };

    quint16 apiPort = 0;
    QList<Api> apis;
    quint16 webhookPort = 0;
    QString webhookToken;          // the secret part of the webhook URL
    QString receivedFile;          // where the receiver records what it was sent (JSON lines)
    core::DatabaseConfig database; // what the RAG API reads (its password in a 0600 file)

    bool isEmpty() const { return apiPort == 0; }
    QJsonObject toJson() const;
    static core::Result<DrillServicesConfig> fromJson(const QJsonObject &json);

    // The ports and token of the sandbox in dir, kept across `up`s (DIR/services.json): the
    // profile names them. keepPorts: the server that holds them runs, so they are in use by it.
    static core::Result<DrillServicesConfig> ports(const QString &dir, bool keepPorts);
    core::Status savePorts(const QString &dir) const;

    // The RAG API of every region the profile's health.endpoints name on apiPort.
    void addApisFrom(const core::Profile &profile);
};

} // namespace ragdr::sandbox
