#include "recoverychecks.h"

#include "incident.h"

#include "core/backup/backupcatalog.h"
#include "core/db/pgsession.h"
#include "core/llm/endpointpool.h"
#include "core/llm/llmcheck.h"
#include "core/secrets/secretstore.h"

#include <QJsonArray>

namespace ragdr::core {

namespace {

CheckOutcome couldNotCheck(const Error &error)
{
    return CheckOutcome::couldNotCheck(error.message, {error.message});
}

} // namespace

CheckOutcome RecoveryChecks::restoredData(const CheckContext &context)
{
    const std::optional<RestoredBackup> restored = context.incident ? context.incident->restored
                                                                    : std::nullopt;
    if (!restored) {
        return CheckOutcome::passed(
            QStringLiteral("no restore was recorded in this incident: nothing to compare"));
    }
    const Region *region = context.profile.region(restored->region);
    if (!region) {
        return CheckOutcome::couldNotCheck(
            QStringLiteral(
                "the restore was recorded for region %1, which the profile does not have")
                .arg(restored->region));
    }
    const Progress &progress = context.progress;
    progress.set(0.1, QStringLiteral("reading the manifest of %1").arg(restored->backupId));
    auto listing = BackupCatalog::list(context.profile,
                                       *region,
                                       progress.cancelToken(),
                                       BackupCatalog::Scope::PrimaryOnly);
    if (!listing)
        return couldNotCheck(listing.error());
    auto found = listing->find(restored->backupId);
    if (!found)
        return couldNotCheck(found.error());
    const BackupEntry &entry = **found;
    if (!entry.manifest || entry.manifest->facts.tables.isEmpty()) {
        return CheckOutcome::couldNotCheck(
            QStringLiteral("%1 has no manifest with row counts to compare with").arg(entry.id));
    }
    auto password = SecretStore::read(region->database.password);
    if (!password)
        return couldNotCheck(password.error());
    auto session = PgSession::connect(region->database, *password);
    if (!session)
        return couldNotCheck(session.error());
    // One snapshot for every count, read-only.
    (void) (*session)->begin(PgSession::Isolation::RepeatableRead, true);
    CheckOutcome o;
    QStringList fewer;
    QJsonObject tables;
    const QList<TableCount> &expected = entry.manifest->facts.tables;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        if (progress.isCancelled())
            return CheckOutcome::couldNotCheck(QStringLiteral("cancelled"));
        const TableCount &t = expected.at(i);
        progress.set(0.2 + 0.8 * i / expected.size(),
                     QStringLiteral("counting %1").arg(t.qualifiedName()));
        auto exists = (*session)->scalar(QStringLiteral("SELECT to_regclass($1) IS NOT NULL"),
                                         {PgSession::quoteQualified(t.qualifiedName())});
        if (!exists)
            return couldNotCheck(exists.error());
        if (!exists->toBool()) {
            fewer.append(t.qualifiedName());
            o.lines.append(QStringLiteral("%1: in the backup (%2 rows), missing from the live %3")
                               .arg(t.qualifiedName())
                               .arg(t.rows)
                               .arg(region->database.name));
            continue;
        }
        auto count = (*session)->scalar(QStringLiteral("SELECT count(*) FROM %1")
                                            .arg(PgSession::quoteQualified(t.qualifiedName())));
        if (!count)
            return couldNotCheck(count.error());
        const qint64 live = count->toLongLong();
        if (live < t.rows)
            fewer.append(t.qualifiedName());
        o.lines.append(QStringLiteral("%1: %2 rows live, %3 in the backup%4")
                           .arg(t.qualifiedName())
                           .arg(live)
                           .arg(t.rows)
                           .arg(live > t.rows
                                    ? QStringLiteral(" (+%1 written since)").arg(live - t.rows)
                                : live < t.rows ? QStringLiteral(" (%1 missing)").arg(t.rows - live)
                                                : QString()));
        tables.insert(t.qualifiedName(),
                      QJsonObject{{QStringLiteral("live"), live},
                                  {QStringLiteral("backup"), t.rows}});
    }
    (*session)->rollback();
    o.data = {{QStringLiteral("backup"), entry.id},
              {QStringLiteral("region"), region->name},
              {QStringLiteral("database"), region->database.name},
              {QStringLiteral("tables"), tables}};
    if (fewer.isEmpty()) {
        o.summary = QStringLiteral("%1 holds every row of %2 (%3 tables)")
                        .arg(region->database.name, entry.id)
                        .arg(expected.size());
    } else {
        o.verdict = CheckOutcome::Verdict::Failed;
        o.summary = QStringLiteral("%1 has fewer rows than the restored %2: %3")
                        .arg(region->database.name, entry.id, fewer.join(QStringLiteral(", ")));
    }
    return o;
}

CheckOutcome RecoveryChecks::llmAnswers(const CheckContext &context)
{
    // A pool of its own: a checklist run asks every endpoint now, whatever the panel cooled down.
    EndpointPool pool(context.profile.llm.cooldownSecs);
    const OperationResult r
        = LlmCheck::run(context.profile, {context.regions.value(0), {}}, pool, context.progress);
    CheckOutcome o;
    bool keyless = true;
    const QJsonArray endpoints = r.evidence.value(QLatin1String("endpoints")).toArray();
    for (const QJsonValue &v : endpoints) {
        const QJsonObject e = v.toObject();
        const QJsonObject failure = e.value(QLatin1String("failure")).toObject();
        const QString cls = failure.value(QLatin1String("class")).toString();
        keyless = keyless && cls == QLatin1String("no-key");
        o.lines.append(
            QStringLiteral("%1: %2%3")
                .arg(e.value(QLatin1String("name")).toString(),
                     e.value(QLatin1String("state")).toString(),
                     cls.isEmpty()
                         ? QString()
                         : QStringLiteral(" (%1: %2)")
                               .arg(cls, failure.value(QLatin1String("message")).toString())));
    }
    o.lines.append(r.warnings);
    o.data = r.evidence;
    if (r.ok()) {
        o.summary = r.message;
        return o;
    }
    o.summary = r.message;
    o.lines.prepend(r.message);
    // No verdict on Gemini when ragdr could not even ask it: a missing key, bad input, a cancel.
    const bool asked = r.status == OperationResult::Status::Failed
                       && r.errorKind == Error::Kind::Failed && !(keyless && !endpoints.isEmpty());
    o.verdict = asked ? CheckOutcome::Verdict::Failed : CheckOutcome::Verdict::CouldNotCheck;
    return o;
}

QString RecoveryChecks::needsLlm(const Profile &profile)
{
    return profile.llmEndpoints.isEmpty() ? QStringLiteral("llm.endpoints") : QString();
}

} // namespace ragdr::core
