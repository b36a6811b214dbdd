#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace ragdr::core {

// How a row should look to someone scanning a table during an incident.
enum class Health { Good, Progressing, Bad };

// A pod as `kubectl get pods -o wide` shows it (cells from KubePrinters, the one derivation), plus
// what the console needs beside the cells. Built off the GUI thread.
struct PodRow
{
    QString name;
    QString ready;    // "1/1"
    QString status;   // "Running", "CrashLoopBackOff", "Init:0/1", "Terminating" ...
    QString restarts; // "3 (5m ago)"
    int restartCount = 0;
    QDateTime created; // AGE is derived from it when shown, so that it moves on
    QString ip;
    QString node;
    QString owner; // the deployment it belongs to, from the profile's selectors; "" if none
    QStringList containers;
    bool hasPreviousContainer = false; // a restarted container: its previous log can be read
    Health health = Health::Good;

    static PodRow from(const QJsonObject &pod, const QDateTime &now);
    static Health healthOf(const QString &status, const QString &ready);
    // An update that changes nothing shown (an annotation, a resourceVersion) is no change.
    bool operator==(const PodRow &) const = default;
};

struct DeploymentRow
{
    QString name;
    int desired = 0;
    int updated = 0;
    int ready = 0;
    int available = 0;
    int total = 0;
    QDateTime created;
    QString images;
    QString selector;
    bool paused = false;
    QString rollout; // kubectl rollout status's message
    bool rolloutDone = false;
    bool rolloutFailed = false;
    qint64 generation = 0;
    QString resourceVersion;
    Health health = Health::Good;

    static DeploymentRow from(const QJsonObject &deployment, const QDateTime &now);
};

struct EventRow
{
    // The console shows the newest this many events of a namespace: a long incident's thousands
    // more would only cost memory and time.
    static constexpr int kShown = 2000;

    QString key; // metadata.name
    QString lastSeen;
    QDateTime lastTimestamp;
    QString type; // Normal | Warning
    QString reason;
    QString object; // "pod/rag-api-7d9f-abcde"
    QString message;
    int count = 1;

    static EventRow from(const QJsonObject &event, const QDateTime &now);
    // Keeps the kShown newest of a batch's derived EventRows (and their names).
    static void keepNewest(struct WatchBatch &batch);
};

// "app=rag-api" style equality selectors against an object's labels.
bool selectorMatches(const QString &selector, const QJsonObject &labels);

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::PodRow)
Q_DECLARE_METATYPE(ragdr::core::DeploymentRow)
Q_DECLARE_METATYPE(ragdr::core::EventRow)
