#include "recoverymetrics.h"

#include "core/base/duration.h"

#include <QJsonArray>

namespace ragdr::core {

QString RecoveryMetrics::verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Met:
        return QStringLiteral("met");
    case Verdict::Missed:
        return QStringLiteral("missed");
    case Verdict::Pending:
        return QStringLiteral("pending");
    case Verdict::Unknown:
        return QStringLiteral("unknown");
    }
    return QStringLiteral("unknown");
}

RecoveryMetrics RecoveryMetrics::measure(const Profile &profile,
                                         const Incident &incident,
                                         const ChecklistState &checklist,
                                         const QDateTime &now)
{
    RecoveryMetrics m;
    m.rtoTargetSecs = profile.rtoSecs;
    m.rpoTargetSecs = profile.rpoSecs;
    m.waived = checklist.waived();
    const QDateTime start = incident.disruptionStart.isValid() ? incident.disruptionStart
                                                               : incident.declaredAt;
    if (!start.isValid())
        return m;
    m.started = true;
    if (checklist.allRequiredDoneAt.isValid())
        m.rtoSecs = std::max<qint64>(0, start.secsTo(checklist.allRequiredDoneAt));
    const QDateTime end = incident.closedAt.isValid() ? incident.closedAt : now;
    m.elapsedSecs = std::max<qint64>(0, start.secsTo(end));
    if (incident.restored && incident.restored->snapshotAt.isValid()) {
        m.rpoSecs = std::max<qint64>(0, incident.restored->snapshotAt.secsTo(start));
        m.restoredBackup = incident.restored->backupId;
    }
    return m;
}

RecoveryMetrics::Verdict RecoveryMetrics::rto() const
{
    if (rtoSecs)
        return *rtoSecs <= rtoTargetSecs ? Verdict::Met : Verdict::Missed;
    if (!started)
        return Verdict::Unknown;
    return elapsedSecs > rtoTargetSecs ? Verdict::Missed : Verdict::Pending;
}

RecoveryMetrics::Verdict RecoveryMetrics::rpo() const
{
    if (!rpoSecs)
        return Verdict::Unknown;
    return *rpoSecs <= rpoTargetSecs ? Verdict::Met : Verdict::Missed;
}

QString RecoveryMetrics::rtoText() const
{
    const QString target = formatDuration(rtoTargetSecs);
    if (rtoSecs) {
        QString text = QStringLiteral("RTO %1 (target %2): %3")
                           .arg(formatDuration(*rtoSecs), target, verdictName(rto()));
        if (!waived.isEmpty())
            text += QStringLiteral(", with %1 required item(s) waived").arg(waived.size());
        return text;
    }
    if (rto() == Verdict::Unknown)
        return QStringLiteral("RTO not measured (target %1)").arg(target);
    return QStringLiteral("RTO running: %1 since the disruption started (target %2)%3")
        .arg(formatDuration(elapsedSecs),
             target,
             rto() == Verdict::Missed ? QStringLiteral(": missed") : QString());
}

QString RecoveryMetrics::rpoText() const
{
    const QString target = formatDuration(rpoTargetSecs);
    if (!rpoSecs)
        return QStringLiteral("RPO not measured: no restore recorded (target %1)").arg(target);
    return QStringLiteral("RPO %1 (target %2): %3, from backup %4")
        .arg(formatDuration(*rpoSecs), target, verdictName(rpo()), restoredBackup);
}

QJsonObject RecoveryMetrics::toJson() const
{
    return {{QStringLiteral("rto_seconds"), rtoSecs ? QJsonValue(*rtoSecs) : QJsonValue()},
            {QStringLiteral("rto_target_seconds"), rtoTargetSecs},
            {QStringLiteral("rto"), verdictName(rto())},
            {QStringLiteral("elapsed_seconds"), elapsedSecs},
            {QStringLiteral("rpo_seconds"), rpoSecs ? QJsonValue(*rpoSecs) : QJsonValue()},
            {QStringLiteral("rpo_target_seconds"), rpoTargetSecs},
            {QStringLiteral("rpo"), verdictName(rpo())},
            {QStringLiteral("restored_backup"), restoredBackup},
            {QStringLiteral("waived"), QJsonArray::fromStringList(waived)},
            {QStringLiteral("rto_text"), rtoText()},
            {QStringLiteral("rpo_text"), rpoText()}};
}

} // namespace ragdr::core
