#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ragdr::core {

struct FollowUp
{
    QString owner;
    QString text;
};

// What the restore recorded: the backup it restored and the moment that backup's data is from.
struct RestoredBackup
{
    QString backupId;
    QString region;
    QDateTime snapshotAt; // when the restored data was current (the dump's snapshot)
    QDateTime restoredAt;
};

// An incident as the journal tells it: replayed from its incident.* entries (IncidentLog).
struct Incident
{
    enum class Status { Investigating, Mitigating, Monitoring, Resolved };

    QString id;
    QString title;
    QString severity;
    QString commander;
    QString summary;
    QString impact;
    QString rootCause;
    QStringList contributingFactors;
    QList<FollowUp> followUps;
    QStringList regions;
    Status status = Status::Investigating;
    // The three moments an incident has, kept apart: when users were first hurt, when someone
    // noticed, and when the incident was declared (opened here).
    QDateTime disruptionStart;
    QDateTime detectedAt;
    QDateTime declaredAt;
    QDateTime closedAt;
    std::optional<RestoredBackup> restored;
    QDateTime postChecksPassedAt; // the restore's own post-checks
    QString postChecksSummary;

    bool isOpen() const { return !closedAt.isValid(); }
    QJsonObject toJson() const;
    // Applies the fields of an incident.opened, .updated or .closed entry.
    void apply(const QJsonObject &fields);

    static QString statusName(Status status);
    static std::optional<Status> statusFromName(const QString &name);
    static QStringList statusNames();
};

// What changes in an incident: only the fields that are set.
struct IncidentChange
{
    std::optional<QString> title;
    std::optional<QString> severity;
    std::optional<QString> commander;
    std::optional<QString> summary;
    std::optional<QString> impact;
    std::optional<QString> rootCause;
    std::optional<QStringList> contributingFactors;
    std::optional<QList<FollowUp>> followUps;
    std::optional<QStringList> regions;
    std::optional<Incident::Status> status;
    std::optional<QDateTime> disruptionStart;
    std::optional<QDateTime> detectedAt;

    bool isEmpty() const { return fields().isEmpty(); }
    QJsonObject fields() const;   // as the journal entry carries them
    QStringList describe() const; // "severity SEV2", "status monitoring"
};

} // namespace ragdr::core
