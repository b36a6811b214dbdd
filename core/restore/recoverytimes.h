#pragma once

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace ragdr::core {

class Journal;
struct Profile;

// The moments a recovery is measured by, kept in this one place so that the incident record
// (issue 11) can take them over: when the disruption started (entered by the commander or set by
// a drill), when the restore started, when its post-checks passed, and the snapshot time of the
// restored backup. RPO = disruption start - snapshot; RTO = post-checks passed - disruption start
// (or - restore start when the disruption start is not known).
struct RecoveryTimes
{
    QDateTime disruptedAt;
    QDateTime restoreStartedAt;
    QDateTime postChecksPassedAt;
    QDateTime snapshotAt;

    std::optional<qint64> rpoSecs() const;
    std::optional<qint64> rtoSecs() const;
    // "RPO 3h 12m (target 24h): within" and the like; empty when not known.
    QString rpoText(const Profile &profile) const;
    QString rtoText(const Profile &profile) const;

    QJsonObject toJson(const Profile *profile = nullptr) const;
    static RecoveryTimes fromJson(const QJsonObject &json);

    // Appends "recovery.<event>" with the times and, where known, RPO/RTO against the targets.
    void record(Journal &journal,
                const QString &event,
                const Profile &profile,
                const QJsonObject &extra = {}) const;

    // How times are written in the state file and the journal: UTC ISO 8601 with milliseconds.
    static QString iso(const QDateTime &t);
    static QDateTime fromIso(const QJsonValue &v);

    // "2026-01-22T08:15:00Z", "2026-01-22 08:15" (UTC), or a local time with an offset.
    static std::optional<QDateTime> parseTime(const QString &text);
};

} // namespace ragdr::core
