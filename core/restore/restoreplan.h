#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace ragdr::core {

struct Profile;
struct Region;

// One named step of a restore or rollback: what it does and why, what the runbook says instead,
// what to watch, and the commands it amounts to. The CLI's --plan prints these; the walkthrough
// shows them step by step.
struct PlanStep
{
    QString id;
    QString title;
    QString what;
    QString why;
    QString runbook;
    QString watch;
    QStringList commands;

    QJsonObject toJson() const;
};

struct RestorePlan
{
    QString kind = QStringLiteral("restore"); // or "rollback"
    QString region;
    QString context;
    QString ns;
    QString server;   // host:port
    QString database; // the live database
    QString role;     // who restores
    QString backupId;
    QString backupFile;
    QDateTime snapshotAt;
    QString staging;    // restore: the staging database; rollback: the kept database brought back
    QString preRestore; // what the live database becomes
    int jobs = 1;
    QStringList deployments; // "rag-api 3 → 0 → 5"
    QList<PlanStep> steps;

    QJsonObject toJson() const;
    QString toText() const;

    static QStringList restoreStepIds();
    static QStringList rollbackStepIds();

    static RestorePlan forRestore(const Profile &profile,
                                  const Region &region,
                                  const QString &backupId,
                                  const QString &backupFile,
                                  const QDateTime &snapshotAt,
                                  int jobs,
                                  const QDateTime &at);
    static RestorePlan forRollback(const Profile &profile,
                                   const Region &region,
                                   const QString &kept,
                                   const QDateTime &at);
};

} // namespace ragdr::core
