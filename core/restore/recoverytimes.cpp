#include "recoverytimes.h"

#include "core/base/duration.h"
#include "core/incident/journal.h"
#include "core/profile/profile.h"

namespace ragdr::core {

namespace {

QString against(const char *name, std::optional<qint64> secs, qint64 target)
{
    if (!secs)
        return {};
    return QStringLiteral("%1 %2 (target %3): %4")
        .arg(QLatin1String(name),
             formatDuration(*secs),
             formatDuration(target),
             *secs <= target ? QStringLiteral("within") : QStringLiteral("BREACHED"));
}

} // namespace

QString RecoveryTimes::iso(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime RecoveryTimes::fromIso(const QJsonValue &v)
{
    return v.toString().isEmpty() ? QDateTime()
                                  : QDateTime::fromString(v.toString(), Qt::ISODateWithMs).toUTC();
}

std::optional<qint64> RecoveryTimes::rpoSecs() const
{
    if (!disruptedAt.isValid() || !snapshotAt.isValid())
        return std::nullopt;
    return std::max<qint64>(0, snapshotAt.secsTo(disruptedAt));
}

std::optional<qint64> RecoveryTimes::rtoSecs() const
{
    const QDateTime from = disruptedAt.isValid() ? disruptedAt : restoreStartedAt;
    if (!from.isValid() || !postChecksPassedAt.isValid())
        return std::nullopt;
    return std::max<qint64>(0, from.secsTo(postChecksPassedAt));
}

QString RecoveryTimes::rpoText(const Profile &profile) const
{
    return against("RPO", rpoSecs(), profile.rpoSecs);
}

QString RecoveryTimes::rtoText(const Profile &profile) const
{
    return against("RTO", rtoSecs(), profile.rtoSecs);
}

QJsonObject RecoveryTimes::toJson(const Profile *profile) const
{
    QJsonObject json{{QStringLiteral("disrupted_at"), iso(disruptedAt)},
                     {QStringLiteral("restore_started_at"), iso(restoreStartedAt)},
                     {QStringLiteral("post_checks_passed_at"), iso(postChecksPassedAt)},
                     {QStringLiteral("snapshot_at"), iso(snapshotAt)}};
    if (const auto rpo = rpoSecs())
        json.insert(QStringLiteral("rpo_secs"), *rpo);
    if (const auto rto = rtoSecs())
        json.insert(QStringLiteral("rto_secs"), *rto);
    if (profile) {
        json.insert(QStringLiteral("rpo_target_secs"), profile->rpoSecs);
        json.insert(QStringLiteral("rto_target_secs"), profile->rtoSecs);
    }
    return json;
}

RecoveryTimes RecoveryTimes::fromJson(const QJsonObject &json)
{
    RecoveryTimes t;
    t.disruptedAt = fromIso(json.value(QStringLiteral("disrupted_at")));
    t.restoreStartedAt = fromIso(json.value(QStringLiteral("restore_started_at")));
    t.postChecksPassedAt = fromIso(json.value(QStringLiteral("post_checks_passed_at")));
    t.snapshotAt = fromIso(json.value(QStringLiteral("snapshot_at")));
    return t;
}

void RecoveryTimes::record(Journal &journal,
                           const QString &event,
                           const Profile &profile,
                           const QJsonObject &extra) const
{
    QJsonObject fields = toJson(&profile);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        fields.insert(it.key(), it.value());
    (void) journal.append(QStringLiteral("recovery.") + event, fields);
}

std::optional<QDateTime> RecoveryTimes::parseTime(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    QDateTime parsed = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!parsed.isValid()) {
        for (const QString &format :
             {QStringLiteral("yyyy-MM-dd HH:mm:ss"), QStringLiteral("yyyy-MM-dd HH:mm")}) {
            parsed = QDateTime::fromString(t, format);
            if (parsed.isValid()) {
                parsed.setTimeSpec(Qt::UTC);
                break;
            }
        }
    }
    if (!parsed.isValid())
        return std::nullopt;
    // A time without a zone is taken as UTC, as every time ragdr shows is.
    if (parsed.timeSpec() == Qt::LocalTime && !t.endsWith(QLatin1Char('Z')))
        parsed.setTimeSpec(Qt::UTC);
    return parsed.toUTC();
}

} // namespace ragdr::core
