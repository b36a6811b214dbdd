#pragma once

#include "recoverytimes.h"

#include "core/base/error.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace ragdr::core {

// One step of a restore as it is recorded and shown.
struct StepRecord
{
    QString id;    // "preflight", "staging", "verify", "cutover", "bringback", "postchecks"
    QString title; // "Pre-flight"
    QString status = QStringLiteral("pending"); // pending | running | done | failed | skipped
    QDateTime startedAt;
    qint64 durationMs = -1;
    QString message;

    QJsonObject toJson() const;
    static StepRecord fromJson(const QJsonObject &json);
};

// A deployment's replicas before the cut-over scaled it to 0: what an interrupted restore's cleanup
// puts back.
struct ScaledDeployment
{
    QString name;
    int replicasBefore = 0;
};

// The state of one restore (or rollback) process, written atomically to
// <data dir>/restores/<id>.json whenever it changes, so that any console and `ragdr restores` can
// follow it, and so that a later process can finish or undo what a killed one began. Every
// destructive step records its intent here before it acts.
struct RestoreState
{
    static constexpr int kFormat = 1;

    enum class Phase { Running, Done, Failed, Cancelled };

    QString id;
    QString kind = QStringLiteral("restore"); // or "rollback"
    qint64 pid = 0;
    QString host;
    QString actor;
    QString profilePath;
    QString region;
    QString database; // the live database's name
    QString server;   // host:port
    QString backupId;
    QString backupFile;
    QString staging;    // the database restored into (rollback: the kept database brought back)
    QString preRestore; // what the live database is renamed to
    bool liveExisted = true;
    bool stepMode = false;
    Phase phase = Phase::Running;
    QString step; // the running step's id
    double fraction = 0;
    QString detail;  // what the running step does right now
    QString waiting; // "" | "continue:<step>" | "apps-stopped": the process waits for the user
    QList<StepRecord> steps;
    QList<ScaledDeployment> scaledDown;
    bool stagingCreated = false;
    bool swapStarted = false;
    bool swapped = false;
    bool cleanedUp = false; // an interrupted restore's cleanup ran
    RecoveryTimes times;
    QDateTime startedAt;
    QDateTime updatedAt;
    QDateTime finishedAt;
    QString message;   // the result
    QString untouched; // what the result left as it was
    QJsonObject evidence;

    StepRecord *stepById(const QString &stepId);
    const StepRecord *stepById(const QString &stepId) const;
    QString phaseName() const;
    bool isFinished() const { return phase != Phase::Running; }

    QJsonObject toJson() const;
    static Result<RestoreState> fromJson(const QByteArray &json, const QString &source);
};

} // namespace ragdr::core
