#pragma once

#include "geminifailure.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace ragdr::core {

// What one check found about one endpoint: the JSON of an llm.check operation's evidence holds
// one per endpoint, and the panel and `ragdr llm check` show them.
struct EndpointReport
{
    enum class State {
        Unknown,     // not checked yet
        Ok,          // every probe passed
        Failed,      // a probe failed: failure says which class
        CoolingDown, // failed recently: skipped until cooledUntil
        Standby,     // not probed: an endpoint before it answers
    };

    QString name;
    QString url;
    QString model;
    QString embeddingModel;
    QString keyName; // where the key lives (keychain entry, file), never the key
    QString keyMask; // "…abcd"
    State state = State::Unknown;
    bool live = false; // the endpoint that answers the probes now
    QDateTime checkedAt;
    qint64 latencyMs = -1; // the generate probe's round trip
    QString failedStep;
    GeminiFailure failure;
    int embeddingDimension = -1;
    int databaseDimension = -1;
    QDateTime cooledUntil;
    QJsonArray steps; // {"step": "models.list", ok, latency_ms, tries, waits_ms, failure}

    static QString stateName(State state);
    QJsonObject toJson() const;
    static EndpointReport fromJson(const QJsonObject &json);
    // "generate 120 ms; embed 384 values" or "overloaded at generate: …".
    QString summary() const;
};

} // namespace ragdr::core
