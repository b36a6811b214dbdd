#include "restorejob.h"

#include "deploymentfanout.h"
#include "restorelock.h"
#include "restoreplan.h"

#include "core/backup/backuprepository.h"
#include "core/backup/backupverifier.h"
#include "core/backup/databasefacts.h"
#include "core/base/childprocess.h"
#include "core/base/files.h"
#include "core/cluster/deploymentactions.h"
#include "core/cluster/kubeapi.h"
#include "core/cluster/kubeconnections.h"
#include "core/cluster/kubepaths.h"
#include "core/db/pgsession.h"
#include "core/db/pgtools.h"
#include "core/incident/incidentactions.h"
#include "core/incident/journal.h"
#include "core/secrets/secretstore.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QSysInfo>
#include <QThread>
#include <QTimer>
#include <QtConcurrent>

#include <unistd.h>

Q_LOGGING_CATEGORY(lcRestore, "ragdr.restore", QtWarningMsg)

namespace ragdr::core {

namespace {

constexpr int kPollMs = 200;
constexpr int kCopyPollMs = 500;
constexpr int kSwapAttempts = 3;

const QStringList kDescsWithoutOwner{QStringLiteral("ENCODING"),
                                     QStringLiteral("STDSTRINGS"),
                                     QStringLiteral("SEARCHPATH"),
                                     QStringLiteral("DATABASE PROPERTIES")};

QString stepTitle(const QString &id)
{
    static const QHash<QString, QString>
        titles{{QStringLiteral("preflight"), QStringLiteral("Pre-flight")},
               {QStringLiteral("staging"), QStringLiteral("Staging")},
               {QStringLiteral("verify"), QStringLiteral("Verify staging")},
               {QStringLiteral("cutover"), QStringLiteral("Cut-over")},
               {QStringLiteral("bringback"), QStringLiteral("Bring back")},
               {QStringLiteral("postchecks"), QStringLiteral("Post-checks")}};
    return titles.value(id, id);
}

bool isLocalHost(const QString &host)
{
    if (host == QLatin1String("localhost") || host.startsWith(QLatin1Char('/')))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

QString tableOf(const TocEntry &e)
{
    // "public chunks rag_app": schema, name, owner.
    const QStringList words = e.rest.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return words.size() >= 2 ? words.at(0) + QLatin1Char('.') + words.at(1) : QString();
}

// ANALYZE of every table, but not of the embedding column: element statistics of a 384-float array
// cost most of ANALYZE's time (13 s of 13.3 s for 30,000 embeddings here) and no query filters on
// an embedding's elements.
Result<QString> analyzeStatement(PgSession &session, const RagSchema &schema)
{
    if (!schema.hasEmbeddings())
        return QStringLiteral("ANALYZE");
    auto rows = session.query(
        QStringLiteral(
            "SELECT format('%I.%I', n.nspname, c.relname) || CASE WHEN c.oid = to_regclass($1) "
            "THEN "
            "(SELECT ' (' || string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) || ')' "
            "FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "AND a.attname <> $2) ELSE '' END "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname <> 'information_schema' "
            "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1"),
        {PgSession::quoteQualified(schema.embeddingsTable), schema.embeddingColumn});
    if (!rows)
        return fail(rows.error());
    QStringList targets;
    for (const PgRow &r : std::as_const(*rows))
        targets.append(r.value(0).toString());
    return targets.isEmpty() ? QStringLiteral("ANALYZE")
                             : QStringLiteral("ANALYZE ") + targets.join(QStringLiteral(", "));
}

} // namespace

RestoreJob::RestoreJob(Profile profile,
                       Region region,
                       RestoreOptions options,
                       std::shared_ptr<RestoreRecorder> recorder,
                       Journal *journal,
                       KubeConnections *kube)
    : m_profile(std::move(profile))
    , m_region(std::move(region))
    , m_options(std::move(options))
    , m_recorder(std::move(recorder))
    , m_journal(journal)
    , m_kube(kube)
{}

RestoreJob::~RestoreJob() = default;

int RestoreJob::jobsFor(const Profile &profile, int requested)
{
    if (requested > 0)
        return requested;
    if (profile.restore.jobs > 0)
        return profile.restore.jobs;
    return std::max(1, QThread::idealThreadCount());
}

RestoreState RestoreJob::initialState(const Profile &profile,
                                      const Region &region,
                                      const RestoreOptions &options,
                                      const QString &kind)
{
    RestoreState s;
    s.id = options.restoreId.isEmpty() ? RestoreStore::newId(kind) : options.restoreId;
    s.kind = kind;
    s.pid = ::getpid();
    s.host = QSysInfo::machineHostName();
    s.actor = Journal::actor();
    s.profilePath = profile.path;
    s.region = region.name;
    s.database = region.database.name;
    s.server = QStringLiteral("%1:%2").arg(region.database.host).arg(region.database.port);
    s.backupId = options.backupKey;
    s.stepMode = options.stepMode;
    s.startedAt = QDateTime::currentDateTimeUtc();
    s.times.disruptedAt = options.disruptedAt.value_or(QDateTime());
    s.times.restoreStartedAt = s.startedAt;
    const QStringList ids = kind == QLatin1String("rollback") ? RestorePlan::rollbackStepIds()
                                                              : RestorePlan::restoreStepIds();
    for (const QString &id : ids) {
        StepRecord r;
        r.id = id;
        r.title = stepTitle(id);
        s.steps.append(r);
    }
    return s;
}

Status RestoreJob::waitForGo(const QString &what, const QString &token, const CancelToken &cancel)
{
    const RestoreStore &store = m_recorder->store();
    const QString id = m_recorder->snapshot().id;
    if (auto written = m_recorder->update([&](RestoreState &s) { s.waiting = what; }); !written)
        return written;
    for (;;) {
        if (QFile::exists(store.goPath(id, token))
            || QFile::exists(store.goPath(id, QStringLiteral("all"))))
            break;
        if (cancel.isCancelled())
            return fail(Error::cancelled());
        QThread::msleep(kPollMs);
    }
    return m_recorder->update([](RestoreState &s) { s.waiting.clear(); });
}

Status RestoreJob::step(const QString &id, const Progress &progress, const StepBody &body)
{
    if (m_options.stepMode && id != QLatin1String("preflight")) {
        if (auto go = waitForGo(QStringLiteral("continue:") + id, id, progress.cancelToken()); !go)
            return go;
    }
    QElapsedTimer clock;
    clock.start();
    (void) m_recorder->update([&](RestoreState &s) {
        s.step = id;
        if (StepRecord *r = s.stepById(id)) {
            r->status = QStringLiteral("running");
            r->startedAt = QDateTime::currentDateTimeUtc();
        }
    });
    progress.set(0.0, stepTitle(id));
    Status outcome = body(progress);
    if (outcome && progress.isCancelled())
        outcome = fail(Error::cancelled());
    const qint64 ms = clock.elapsed();
    QString message;
    (void) m_recorder->update([&](RestoreState &s) {
        if (StepRecord *r = s.stepById(id)) {
            r->durationMs = ms;
            r->status = outcome ? QStringLiteral("done")
                        : outcome.error().kind == Error::Kind::Cancelled
                            ? QStringLiteral("cancelled")
                            : QStringLiteral("failed");
            if (!outcome)
                r->message = outcome.error().message;
            message = r->message;
        }
    });
    if (m_journal) {
        QJsonObject fields{{QStringLiteral("restore"), m_recorder->snapshot().id},
                           {QStringLiteral("kind"),
                            m_rollback ? QStringLiteral("rollback") : QStringLiteral("restore")},
                           {QStringLiteral("step"), id},
                           {QStringLiteral("title"), stepTitle(id)},
                           {QStringLiteral("status"),
                            outcome ? QStringLiteral("done") : kindName(outcome.error().kind)},
                           {QStringLiteral("duration_ms"), ms},
                           {QStringLiteral("message"), message},
                           {QStringLiteral("database"), m_region.database.name}};
        (void) m_journal->append(QStringLiteral("restore.step"), fields);
    }
    return outcome;
}

OperationResult RestoreJob::finish(const Status &outcome, const QString &success)
{
    const RestoreState before = m_recorder->snapshot();
    OperationResult result;
    QJsonObject evidence = m_evidence;
    evidence.insert(QStringLiteral("restore"), before.id);
    evidence.insert(QStringLiteral("database"), m_region.database.name);
    evidence.insert(QStringLiteral("staging"), m_staging);
    evidence.insert(QStringLiteral("pre_restore"), m_preRestore);
    evidence.insert(QStringLiteral("swapped"), before.swapped);
    evidence.insert(QStringLiteral("times"), before.times.toJson(&m_profile));
    QJsonArray steps;
    for (const StepRecord &s : before.steps)
        steps.append(s.toJson());
    evidence.insert(QStringLiteral("steps"), steps);
    if (!m_unchecked.isEmpty())
        evidence.insert(QStringLiteral("unchecked"), QJsonArray::fromStringList(m_unchecked));
    if (outcome) {
        result = OperationResult::success(success, evidence);
    } else {
        result = OperationResult::failure(outcome.error(), evidence);
    }
    result.warnings = m_warnings;
    (void) m_recorder->update([&](RestoreState &s) {
        s.phase = result.ok() ? RestoreState::Phase::Done
                  : result.status == OperationResult::Status::Cancelled
                      ? RestoreState::Phase::Cancelled
                      : RestoreState::Phase::Failed;
        s.finishedAt = QDateTime::currentDateTimeUtc();
        s.message = result.message;
        s.untouched = result.untouched;
        s.evidence = evidence;
        s.waiting.clear();
        s.fraction = 1.0;
        for (StepRecord &r : s.steps) {
            if (r.status == QLatin1String("pending"))
                r.status = QStringLiteral("skipped");
        }
    });
    m_recorder->store().removeGoFiles(before.id);
    return result;
}

Status RestoreJob::common(const Progress &progress)
{
    const QString id = m_recorder->snapshot().id;
    const QString untouched = QStringLiteral("nothing: the restore did not start");
    const QJsonObject holder{{QStringLiteral("actor"), Journal::actor()},
                             {QStringLiteral("pid"), qint64(::getpid())},
                             {QStringLiteral("since"),
                              QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                             {QStringLiteral("restore"), id}};
    if (m_profile.readOnly)
        return fail(Error::refused(QStringLiteral("the profile is read-only"), untouched));
    if (m_options.confirmation != m_region.database.name) {
        return fail(Error::refused(
            QStringLiteral(
                "a %1 replaces the live database %2: confirm by naming it (--confirm %2)")
                .arg(m_rollback ? QStringLiteral("rollback") : QStringLiteral("restore"),
                     m_region.database.name),
            untouched));
    }
    m_db = m_profile.restore.connectionFor(m_region.database);
    auto local = RestoreLock::acquire(m_recorder->store().databaseLockPath(m_region.database),
                                      holder,
                                      QStringLiteral("a restore of %1").arg(m_region.database.name));
    if (!local)
        return fail(local.error());
    m_databaseLock = std::move(*local);

    progress.set(0.05, QStringLiteral("connecting to %1").arg(m_db.describe()));
    auto password = SecretStore::read(m_db.password);
    if (!password)
        return fail(password.error().withUntouched(untouched));
    m_password = *password;
    auto server = RestoreServer::connect(m_db, m_password, m_profile.restore.maintenanceDatabase);
    if (!server)
        return fail(server.error().withUntouched(untouched));
    m_server = std::move(*server);
    if (auto locked = m_server->lockDatabase(m_region.database.name,
                                             QStringLiteral("ragdr %1 by %2 pid %3")
                                                 .arg(id.section(QLatin1Char('-'), 0, 0),
                                                      Journal::actor())
                                                 .arg(::getpid()));
        !locked)
        return fail(locked.error());
    auto exists = m_server->exists(m_region.database.name);
    if (!exists)
        return fail(exists.error().withUntouched(untouched));
    if (*exists) {
        auto info = m_server->info(m_region.database.name);
        if (!info)
            return fail(info.error().withUntouched(untouched));
        m_live = *info;
    }
    if (m_kube && !m_profile.deployments.isEmpty()) {
        auto connection = m_kube->forRegion(m_region.name);
        if (!connection)
            return fail(connection.error().withUntouched(untouched));
        m_connection = *connection;
    }
    return {};
}

Status RestoreJob::checkCluster(const Progress &progress)
{
    const QString untouched = QStringLiteral("nothing: the restore did not start");
    if (!m_connection) {
        m_warnings.append(QStringLiteral("the profile names no deployments for region %1: stop "
                                         "what uses %2 yourself when the restore asks")
                              .arg(m_region.name, m_region.database.name));
        return {};
    }
    KubeApi api(m_connection);
    DeploymentActions actions(api);
    for (const DeploymentSpec &d : m_profile.deployments) {
        progress.setStep(QStringLiteral("asking whether %1 may be scaled").arg(d.name));
        for (const auto &[verb, sub] : {std::pair{QStringLiteral("update"), QStringLiteral("scale")},
                                        std::pair{QStringLiteral("patch"), QString()}}) {
            auto allowed = actions.mayI(verb,
                                        QStringLiteral("deployments"),
                                        sub,
                                        d.name,
                                        progress.cancelToken());
            if (!allowed)
                return fail(allowed.error().withUntouched(untouched));
            if (!allowed->allowed) {
                return fail(
                    Error::refused(QStringLiteral(
                                       "the cluster would not let the restore stop and restart the "
                                       "apps: the API server says you may not %1%2")
                                       .arg(allowed->describe,
                                            allowed->reason.isEmpty()
                                                ? QString()
                                                : QStringLiteral(" (") + allowed->reason
                                                      + QLatin1Char(')')),
                                   untouched));
            }
        }
        auto scale = api.json(KubeRequest::get(kubepaths::scale(m_region.kube.ns, d.name)),
                              progress.cancelToken(),
                              QStringLiteral("reading the scale of %1").arg(d.name));
        if (!scale)
            return fail(scale.error().withUntouched(untouched));
        m_replicas.insert(d.name,
                          scale->value(QStringLiteral("spec"))
                              .toObject()
                              .value(QStringLiteral("replicas"))
                              .toInt());
    }
    return {};
}

QList<RestoreProgress::Table> RestoreJob::tablesForProgress() const
{
    QList<RestoreProgress::Table> tables;
    for (const TocEntry &e : m_toc.entries) {
        if (e.desc != QLatin1String("TABLE DATA"))
            continue;
        RestoreProgress::Table t;
        t.name = tableOf(e);
        if (m_expected) {
            if (const TableCount *c = m_expected->table(t.name)) {
                t.bytes = c->bytes;
                t.rows = c->rows;
            }
        }
        tables.append(t);
    }
    return tables;
}

Status RestoreJob::preflight(const Progress &progress)
{
    if (auto ok = common(progress.sub(0.0, 0.2)); !ok)
        return ok;
    const QString untouched = QStringLiteral("nothing: the restore did not start");

    progress.set(0.2, QStringLiteral("finding backup %1").arg(m_options.backupKey));
    auto listing = BackupCatalog::list(m_profile,
                                       m_region,
                                       progress.cancelToken(),
                                       BackupCatalog::Scope::PrimaryOnly);
    if (!listing)
        return fail(listing.error().withUntouched(untouched));
    auto found = listing->find(m_options.backupKey);
    if (!found)
        return fail(found.error().withUntouched(untouched));
    m_entry = **found;
    if (!m_entry->inPrimary()) {
        return fail(Error::failed(QStringLiteral("%1 is not in the primary repository %2")
                                      .arg(m_entry->id, m_region.primaryRepository().location),
                                  untouched));
    }
    m_backupPath = LocalRepository(m_region.primaryRepository()).locationOf(m_entry->fileName);
    const BackupManifest *manifest = m_entry->manifest ? &*m_entry->manifest : nullptr;
    const QDateTime snapshot = manifest && manifest->startedAt.isValid() && !manifest->isAdopted()
                                   ? manifest->startedAt
                                   : m_entry->createdAt;
    // With no disruption start given, the open incident's measures the RPO and the RTO.
    std::optional<QDateTime> incidentStart;
    if (m_journal && !m_recorder->snapshot().times.disruptedAt.isValid()) {
        if (auto start = IncidentActions::disruptionStart(*m_journal))
            incidentStart = *start;
    }
    (void) m_recorder->update([&](RestoreState &s) {
        s.backupId = m_entry->id;
        s.backupFile = m_backupPath;
        s.times.snapshotAt = snapshot;
        if (incidentStart)
            s.times.disruptedAt = *incidentStart;
        s.liveExisted = m_live.has_value();
    });
    if (m_journal) {
        m_recorder->snapshot().times.record(*m_journal,
                                            QStringLiteral("restore_started"),
                                            m_profile,
                                            {{QStringLiteral("restore"), m_recorder->snapshot().id},
                                             {QStringLiteral("backup"), m_entry->id},
                                             {QStringLiteral("database"), m_region.database.name}});
    }

    // A backup a verification found corrupt stays refused, however its bytes look now: a deep
    // verification may have seen what no file check sees (counts, content, neighbours).
    if (m_entry->isCorrupt()) {
        return fail(Error::failed(QStringLiteral("the backup %1 is CORRUPT: %2")
                                      .arg(m_entry->id, m_entry->verificationText()),
                                  untouched));
    }
    // The backup: its bytes now against the manifest. A full verification on record for the same
    // sha256 vouches for every block; without one, the blocks are read now.
    BackupVerifier verifier(m_profile, m_region);
    const VerificationRecord *full = nullptr;
    if (manifest) {
        for (const VerificationRecord &v : manifest->verifications) {
            if (v.passed() && v.level != VerifyLevel::Quick)
                full = &v;
        }
    }
    const bool readNow = !full || manifest->sha256.isEmpty();
    progress.set(0.25,
                 readNow
                     ? QStringLiteral("verifying %1 (full read)").arg(m_entry->id)
                     : QStringLiteral("verifying %1 (sha256 against the manifest)").arg(m_entry->id));
    const FileVerification fv = verifier.verifyFile(m_backupPath,
                                                    manifest,
                                                    readNow ? VerifyLevel::Full : VerifyLevel::Quick,
                                                    progress.sub(0.25, 0.8));
    if (progress.isCancelled())
        return fail(Error::cancelled(untouched));
    if (fv.record.result == VerificationResult::Corrupt) {
        return fail(Error::failed(QStringLiteral("the backup %1 is CORRUPT: %2")
                                      .arg(m_entry->id, fv.record.reason),
                                  untouched));
    }
    if (!fv.record.passed()) {
        return fail(Error::failed(QStringLiteral("the backup %1 could not be verified: %2")
                                      .arg(m_entry->id, fv.record.reason),
                                  untouched));
    }
    m_toc = fv.toc;
    m_unchecked.append(fv.record.unchecked);
    m_evidence.insert(QStringLiteral("verification"),
                      readNow ? QStringLiteral("full read now: passed")
                              : QStringLiteral("sha256 equals the manifest's; full verification "
                                               "passed %1")
                                    .arg(full->at.toUTC().toString(Qt::ISODate)));
    if (manifest && !manifest->isAdopted() && !manifest->facts.tables.isEmpty())
        m_expected = manifest->facts;

    progress.set(0.8, QStringLiteral("checking the role's privileges"));
    QStringList owners;
    for (const TocEntry &e : m_toc.entries) {
        if (kDescsWithoutOwner.contains(e.desc))
            continue;
        const QString owner = e.rest.section(QLatin1Char(' '), -1);
        if (!owner.isEmpty() && owner != QLatin1String("-") && !owners.contains(owner))
            owners.append(owner);
    }
    auto missing = m_server->missingPrivileges(m_region.database.name, m_live.has_value(), owners);
    if (!missing)
        return fail(missing.error().withUntouched(untouched));
    if (!missing->isEmpty()) {
        return fail(Error::refused(QStringLiteral("%1 lacks what the restore needs: %2")
                                       .arg(m_db.user, missing->join(QStringLiteral("; "))),
                                   untouched));
    }
    auto sessions = m_live ? m_server->sessionsOn(m_region.database.name)
                           : Result<QList<ServerSession>>(QList<ServerSession>());
    if (sessions) {
        QStringList cannot;
        for (const ServerSession &s : std::as_const(*sessions)) {
            if (!s.canEnd)
                cannot.append(s.describe());
        }
        if (!cannot.isEmpty()) {
            m_warnings.append(
                QStringLiteral("%1 may not end these sessions on %2; if they are "
                               "still there when the apps have stopped, the "
                               "cut-over stops: %3")
                    .arg(m_db.user, m_region.database.name, cannot.join(QStringLiteral("; "))));
        }
    }

    progress.set(0.85, QStringLiteral("checking free space"));
    const qint64 need = m_live && m_live->bytes > 0 ? m_live->bytes
                        : m_expected                ? m_expected->totalBytes() * 2
                                                    : m_entry->size * 4;
    auto dataDir = m_server->session().scalar(
        QStringLiteral("SELECT current_setting('data_directory', true)"));
    const QString directory = dataDir && dataDir->isValid() ? dataDir->toString() : QString();
    const qint64 free = isLocalHost(m_db.host) && !directory.isEmpty() ? files::freeBytes(directory)
                                                                       : -1;
    if (free >= 0 && free < need) {
        return fail(Error::failed(QStringLiteral("the server's disk has %1 free, and a second copy "
                                                 "of %2 needs about %3")
                                      .arg(files::humanSize(free),
                                           m_region.database.name,
                                           files::humanSize(need)),
                                  untouched));
    }
    if (free < 0) {
        m_unchecked.append(QStringLiteral("free space: the server's data directory is not readable "
                                          "from here (about %1 is needed)")
                               .arg(files::humanSize(need)));
    }
    m_evidence.insert(QStringLiteral("space_needed"), need);
    m_evidence.insert(QStringLiteral("space_free"), free);

    progress.set(0.9, QStringLiteral("checking the cluster"));
    if (auto cluster = checkCluster(progress.sub(0.9, 1.0)); !cluster)
        return cluster;

    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_staging = RestoreServer::stagingName(m_region.database.name, now);
    m_preRestore = RestoreServer::preRestoreName(m_region.database.name, now);
    auto stagingTaken = m_server->exists(m_staging);
    if (stagingTaken && *stagingTaken) {
        return fail(Error::failed(QStringLiteral("a database %1 exists already").arg(m_staging),
                                  untouched));
    }
    return m_recorder->update([&](RestoreState &s) {
        s.staging = m_staging;
        s.preRestore = m_preRestore;
    });
}

Status RestoreJob::dropStaging()
{
    if (m_staging.isEmpty() || !m_server)
        return {};
    auto dropped = m_server->drop(m_staging);
    if (dropped) {
        (void) m_recorder->update([](RestoreState &s) { s.stagingCreated = false; });
    }
    return dropped;
}

Status RestoreJob::staging(const Progress &progress)
{
    const QString untouched
        = QStringLiteral("the live database %1 was not touched").arg(m_region.database.name);
    // The intent first: a process killed between here and CREATE leaves a name to look for.
    if (auto written = m_recorder->update([](RestoreState &s) { s.stagingCreated = true; });
        !written)
        return fail(written.error().withUntouched(untouched));
    progress.set(0.0, QStringLiteral("creating %1").arg(m_staging));
    if (auto created = m_server->createLike(m_staging, m_live); !created) {
        (void) dropStaging();
        return fail(created.error().withUntouched(untouched));
    }

    auto pgRestore = PgTools::locate(QStringLiteral("pg_restore"));
    if (!pgRestore)
        return fail(pgRestore.error().withUntouched(untouched));
    auto passFile = PgPassFile::create(m_db, m_password);
    if (!passFile)
        return fail(passFile.error().withUntouched(untouched));
    const int jobs = jobsFor(m_profile, m_options.jobs);
    ChildSpec spec;
    spec.program = *pgRestore;
    spec.arguments = PgTools::connectionArguments(m_db);
    spec.arguments << QStringLiteral("-d") << m_staging << QStringLiteral("-w")
                   << QStringLiteral("-v") << QStringLiteral("--exit-on-error")
                   << QStringLiteral("-j") << QString::number(jobs) << m_backupPath;
    spec.environment = PgPassFile::environmentFor(m_db, passFile->get());
    if (!m_profile.restore.maintenanceWorkMem.isEmpty()) {
        spec.environment.insert(QStringLiteral("PGOPTIONS"),
                                QStringLiteral("-c maintenance_work_mem=%1")
                                    .arg(m_profile.restore.maintenanceWorkMem));
    }

    RestoreProgress tracker(int(m_toc.entries.size()), tablesForProgress());
    auto show = [&] { progress.set(0.02 + 0.98 * tracker.fraction(), tracker.detail()); };
    // A second session reads how far COPY and CREATE INDEX are; it lives on this thread, and its
    // timer fires inside the event loop that waits for pg_restore.
    auto monitor = PgSession::connect(m_db, m_password, m_profile.restore.maintenanceDatabase);
    QTimer poll;
    poll.setInterval(kCopyPollMs);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (!monitor)
            return;
        auto copies = (*monitor)->query(
            QStringLiteral("SELECT n.nspname || '.' || c.relname, p.tuples_processed "
                           "FROM pg_stat_progress_copy p JOIN pg_class c ON c.oid = p.relid "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE p.datname = $1"),
            {m_staging});
        if (copies) {
            for (const PgRow &r : std::as_const(*copies))
                tracker.onCopy(r.value(0).toString(), r.value(1).toString().toLongLong());
        }
        auto indexes = (*monitor)->query(
            QStringLiteral(
                "SELECT i.relname, CASE WHEN p.blocks_total > 0 THEN p.blocks_done::float8 "
                "/ p.blocks_total ELSE -1 END FROM pg_stat_progress_create_index p "
                "JOIN pg_class i ON i.oid = p.index_relid WHERE p.datname = $1"),
            {m_staging});
        if (indexes && !indexes->isEmpty()) {
            tracker.onIndex(indexes->constFirst().value(0).toString(),
                            indexes->constFirst().value(1).toString().toDouble());
        }
        show();
    });
    poll.start();
    auto restored = ChildProcess::run(spec, progress.cancelToken(), [&](const QString &line) {
        if (tracker.onLine(line))
            show();
    });
    poll.stop();
    monitor = fail(Error::failed(QString())); // closes the monitoring session now

    QString failure;
    if (!restored)
        failure = restored.error().message;
    else if (restored->cancelled)
        failure = QStringLiteral("cancelled");
    else if (!restored->succeeded())
        failure = restored->failureText(QStringLiteral("pg_restore --exit-on-error"));
    if (!failure.isEmpty() || progress.isCancelled()) {
        progress.setStep(QStringLiteral("dropping %1").arg(m_staging));
        const Status dropped = dropStaging();
        const QString what = dropped ? QStringLiteral("%1; the staging database %2 was dropped")
                                           .arg(untouched, m_staging)
                                     : QStringLiteral(
                                           "%1; the staging database %2 could not be dropped: %3")
                                           .arg(untouched, m_staging, dropped.error().message);
        if (progress.isCancelled() || (restored && restored->cancelled))
            return fail(Error::cancelled(what));
        return fail(
            Error::failed(QStringLiteral("restoring into %1 failed: %2").arg(m_staging, failure),
                          what));
    }
    m_evidence.insert(QStringLiteral("jobs"), jobs);
    progress
        .set(1.0,
             QStringLiteral("restored %1 items into %2").arg(m_toc.entries.size()).arg(m_staging));
    return {};
}

Status RestoreJob::verifyStaging(const Progress &progress)
{
    const QString untouched
        = QStringLiteral(
              "the live database %1 was not touched; the staging database %2 was dropped")
              .arg(m_region.database.name, m_staging);
    auto failAndDrop = [&](const Error &e) {
        (void) dropStaging();
        return fail(e.kind == Error::Kind::Cancelled ? Error::cancelled(untouched)
                                                     : e.withUntouched(untouched));
    };
    // ANALYZE in a session of its own while this one counts and hashes (pg-measured.md: both fit
    // in the time of the hashing alone on two cores).
    const DatabaseConfig db = m_db;
    const QByteArray password = m_password;
    const QString staging = m_staging;
    const CancelToken cancel = progress.cancelToken();
    const RagSchema schema = m_profile.schema;
    QFuture<Status> analyze = QtConcurrent::run([db, password, staging, cancel, schema]() -> Status {
        auto session = PgSession::connect(db, password, staging);
        if (!session)
            return fail(session.error());
        if (cancel.isCancelled())
            return fail(Error::cancelled());
        auto statement = analyzeStatement(**session, schema);
        if (!statement)
            return fail(statement.error());
        return (*session)->execute(*statement);
    });
    progress.set(0.05, QStringLiteral("counting and hashing %1, ANALYZE beside it").arg(m_staging));
    // Two sessions in one snapshot hash the largest tables side by side; nothing else uses the
    // staging database, so the cores are free for it and for ANALYZE.
    Result<DatabaseFacts> facts
        = DatabaseFactsCollector::collect(m_db, m_password, m_staging, m_profile.schema, cancel, 2);
    if (!facts && cancel.isCancelled()) {
        // ANALYZE is stopped by dropping the database it runs in.
        (void) dropStaging();
        analyze.waitForFinished();
        return fail(Error::cancelled(untouched));
    }
    progress.set(0.8, QStringLiteral("waiting for ANALYZE"));
    analyze.waitForFinished();
    if (!facts)
        return failAndDrop(facts.error().prefixed(QStringLiteral("reading %1").arg(m_staging)));
    const Status analyzed = analyze.result();
    if (!analyzed)
        return failAndDrop(analyzed.error().prefixed(QStringLiteral("ANALYZE %1").arg(m_staging)));

    QStringList passed;
    QStringList diffs;
    qint64 rows = 0;
    for (const TableCount &t : facts->tables)
        rows += t.rows;
    if (m_expected) {
        // Counts, content hashes, dimension, chunks without embeddings, the probes' neighbours and
        // extensions, as deep verification compares them; an extension at another version is the
        // restoring server's default, reported but no reason to stop.
        for (const FactsDifference &d : DatabaseFactsCollector::differences(*m_expected, *facts)) {
            if (d.aspect == FactsDifference::Aspect::ExtensionVersion)
                m_warnings.append(d.text);
            else
                diffs.append(d.text);
        }
        if (diffs.isEmpty()) {
            passed.append(QStringLiteral("%1 tables, %2 rows, their content hashes%3: equal to "
                                         "the manifest")
                              .arg(facts->tables.size())
                              .arg(rows)
                              .arg(m_expected->rag && !m_expected->rag->probes.isEmpty()
                                       ? QStringLiteral(" and the probes' nearest neighbours")
                                       : QString()));
        }
        if (m_expected->contentHashMethod.isEmpty())
            m_unchecked.append(QStringLiteral("content hashes: the manifest was made by an older "
                                              "ragdr that did not record them"));
    } else {
        // A dump ragdr did not make: what its own table of contents says must be there.
        QStringList missing;
        int tables = 0;
        for (const TocEntry &e : m_toc.entries) {
            if (e.desc != QLatin1String("TABLE DATA"))
                continue;
            ++tables;
            if (!facts->table(tableOf(e)))
                missing.append(tableOf(e));
        }
        if (!missing.isEmpty())
            diffs.append(QStringLiteral("tables in the archive missing after restore: %1")
                             .arg(missing.join(QStringLiteral(", "))));
        else
            passed.append(
                QStringLiteral("every table of the archive's contents (%1) restored, %2 rows")
                    .arg(tables)
                    .arg(rows));
        m_unchecked.append(
            QStringLiteral("row counts, content hashes and the probes' neighbours: the backup has "
                           "no manifest that recorded them when it was made"));
    }
    if (facts->rag) {
        const RagFacts &rag = *facts->rag;
        if (rag.dimension == -2)
            diffs.append(QStringLiteral("embedding dimension: the rows disagree"));
        else if (rag.dimension > 0)
            passed.append(QStringLiteral("embedding dimension %1").arg(rag.dimension));
        if (rag.chunksWithoutEmbeddings >= 0)
            passed.append(
                QStringLiteral("%1 chunks without embeddings").arg(rag.chunksWithoutEmbeddings));
    }
    const int acl = m_toc.count(QStringLiteral("ACL"));
    passed.append(QStringLiteral("grants: %1 privilege items of the archive applied with "
                                 "--exit-on-error; the database's own privileges copied from %2")
                      .arg(acl)
                      .arg(m_live ? m_live->name : QStringLiteral("(no live database: defaults)")));
    m_evidence.insert(QStringLiteral("staging_checks"), QJsonArray::fromStringList(passed));
    m_evidence.insert(QStringLiteral("staging_facts"), facts->toJson());
    if (!m_expected)
        m_expected = *facts; // the post-checks compare the live database with what was verified
    if (!diffs.isEmpty()) {
        return failAndDrop(
            Error::failed(QStringLiteral("the staging database %1 differs from the backup: %2")
                              .arg(m_staging, diffs.join(QStringLiteral("; ")))));
    }
    if (auto verified = rememberVerified(); !verified)
        return failAndDrop(verified.error());
    progress.set(1.0, QStringLiteral("%1 equals the backup").arg(m_staging));
    return {};
}

Status RestoreJob::rememberVerified()
{
    auto info = m_server->info(m_staging);
    if (!info)
        return fail(info.error());
    m_verifiedOid = info->oid;
    return {};
}

Status RestoreJob::waitPodsGone(KubeApi &api,
                                const DeploymentSpec &deployment,
                                const Progress &progress) const
{
    QDeadlineTimer deadline(std::chrono::seconds{m_profile.restore.scaleTimeoutSecs});
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("labelSelector"), deployment.selector);
    for (;;) {
        auto pods = api.list(kubepaths::pods(m_region.kube.ns), query, progress.cancelToken());
        if (!pods)
            return fail(pods.error());
        if (pods->isEmpty())
            return {};
        progress.setStep(QStringLiteral("waiting for %1 pod(s) of %2 to go")
                             .arg(pods->size())
                             .arg(deployment.name));
        if (progress.isCancelled())
            return fail(Error::cancelled());
        if (deadline.hasExpired()) {
            return fail(Error::failed(QStringLiteral("%1 pod(s) of %2 were still there after %3 s")
                                          .arg(pods->size())
                                          .arg(deployment.name)
                                          .arg(m_profile.restore.scaleTimeoutSecs)));
        }
        QThread::msleep(500);
    }
}

Status RestoreJob::stopApps(const Progress &progress)
{
    if (!m_connection) {
        if (m_options.appsStopped)
            return {};
        // No cluster to ask: the commander stops what uses the database and says so.
        return waitForGo(QStringLiteral("apps-stopped: stop every client of %1 (the profile names "
                                        "no deployments to scale), then confirm")
                             .arg(m_region.database.name),
                         QStringLiteral("apps-stopped"),
                         progress.cancelToken());
    }
    // Recorded before any scale: an interrupted restore's cleanup puts these back.
    if (auto written = m_recorder->update([&](RestoreState &s) {
            for (const DeploymentSpec &d : std::as_const(m_profile.deployments))
                s.scaledDown.append({d.name, m_replicas.value(d.name)});
        });
        !written)
        return written;
    const int timeout = int(m_profile.restore.scaleTimeoutSecs);
    const QList<OperationResult> results = DeploymentFanOut::run(
        m_connection,
        deploymentNames(),
        progress,
        [&](DeploymentActions &actions, KubeApi &api, const QString &name, const Progress &part) {
            OperationResult scaled
                = actions.scale(name, 0, m_replicas.value(name), part.sub(0.0, 0.7), timeout);
            if (!scaled.ok())
                return scaled;
            if (auto gone = waitPodsGone(api, deployment(name), part.sub(0.7, 1.0)); !gone)
                return OperationResult::failure(gone.error());
            return scaled;
        });
    if (const QString failed = DeploymentFanOut::failures(deploymentNames(), results);
        !failed.isEmpty()) {
        return fail(progress.isCancelled()
                        ? Error::cancelled()
                        : Error::failed(QStringLiteral("scaling to 0: %1").arg(failed)));
    }
    return {};
}

Status RestoreJob::scaleBack()
{
    const RestoreState s = m_recorder->snapshot();
    if (s.scaledDown.isEmpty() || !m_connection)
        return {};
    QStringList names;
    QHash<QString, int> before;
    for (const ScaledDeployment &d : s.scaledDown) {
        names.append(d.name);
        before.insert(d.name, d.replicasBefore);
    }
    const int timeout = int(m_profile.restore.scaleTimeoutSecs);
    // Not cancellable: putting the apps back is what a cancel asks for.
    const QList<OperationResult> results = DeploymentFanOut::run(
        m_connection,
        names,
        Progress(nullptr, CancelToken()),
        [&](DeploymentActions &actions, KubeApi &, const QString &name, const Progress &part) {
            return actions.scale(name, before.value(name), std::nullopt, part, timeout);
        });
    if (const QString failed = DeploymentFanOut::failures(names, results); !failed.isEmpty())
        return fail(Error::failed(QStringLiteral("scaling the apps back failed: %1").arg(failed)));
    (void) m_recorder->update([](RestoreState &st) { st.scaledDown.clear(); });
    return {};
}

void RestoreJob::undoBeforeSwap(bool dropIt)
{
    if (auto back = scaleBack(); !back)
        m_warnings.append(back.error().message);
    if (dropIt) {
        if (auto dropped = dropStaging(); !dropped)
            m_warnings.append(QStringLiteral("the staging database %1 could not be dropped: %2")
                                  .arg(m_staging, dropped.error().message));
    }
}

Error RestoreJob::beforeSwap(const Error &error)
{
    const RestoreState s = m_recorder->snapshot();
    if (s.swapped || !error.untouched.isEmpty())
        return error;
    // Stopped between steps (a cancel while the walkthrough waited): undo what the steps did.
    const bool staged = s.stagingCreated && !m_rollback;
    if (staged || !s.scaledDown.isEmpty())
        undoBeforeSwap(staged);
    QString untouched
        = m_server
              ? QStringLiteral("the live database %1 was not touched").arg(m_region.database.name)
              : QStringLiteral("nothing: the restore did not start");
    if (staged)
        untouched += QStringLiteral("; the staging database %1 was dropped").arg(m_staging);
    return error.withUntouched(untouched);
}

Status RestoreJob::cutover(const Progress &progress)
{
    const QString db = m_region.database.name;
    const bool liveExists = m_live.has_value();
    auto putBack = [&](const Error &e) {
        undoBeforeSwap(!m_rollback);
        QString untouched
            = QStringLiteral("the live database %1 was not changed (both names are as they were)")
                  .arg(db);
        const RestoreState s = m_recorder->snapshot();
        untouched += s.scaledDown.isEmpty()
                         ? QStringLiteral("; the apps were scaled back to what they had")
                         : QStringLiteral("; scaling the apps back FAILED: see the warnings");
        if (!m_rollback)
            untouched += QStringLiteral("; the staging database %1 was dropped").arg(m_staging);
        return fail(e.kind == Error::Kind::Cancelled ? Error::cancelled(untouched)
                                                     : e.withUntouched(untouched));
    };

    progress.set(0.0, QStringLiteral("stopping the apps"));
    if (auto stopped = stopApps(progress.sub(0.0, 0.7)); !stopped)
        return putBack(stopped.error().prefixed(QStringLiteral("stopping the apps")));

    QList<QPair<QString, QString>> renames;
    if (liveExists)
        renames.append({db, m_preRestore});
    renames.append({m_staging, db});
    Status swapped = fail(Error::failed(QString()));
    for (int attempt = 1; attempt <= kSwapAttempts; ++attempt) {
        if (liveExists) {
            progress.set(0.7, QStringLiteral("ending the sessions left on %1").arg(db));
            const qint64 grace = attempt == 1 ? m_profile.restore.sessionsGraceSecs : 0;
            if (auto ended = m_server->endSessions(db, grace, progress.cancelToken()); !ended)
                return putBack(ended.error());
        }
        if (progress.isCancelled())
            return putBack(Error::cancelled());
        // The intent, then the renames in one transaction: a process killed anywhere leaves either
        // the old names or the new ones, and the state says which to look for.
        if (auto written = m_recorder->update([](RestoreState &s) { s.swapStarted = true; });
            !written)
            return putBack(written.error());
        progress.set(0.85,
                     liveExists ? QStringLiteral("renaming %1 to %2 and %3 to %1")
                                      .arg(db, m_preRestore, m_staging)
                                : QStringLiteral("renaming %1 to %2").arg(m_staging, db));
        swapped = m_server->renameAll(renames);
        if (swapped
            || !swapped.error().message.contains(QLatin1String("being accessed by other users")))
            break;
        // A client came back between ending the sessions and the rename: end it and try again.
    }
    if (!swapped) {
        (void) m_recorder->update([](RestoreState &s) { s.swapStarted = false; });
        return putBack(swapped.error());
    }
    (void) m_recorder->update([](RestoreState &s) { s.swapped = true; });
    progress.set(1.0,
                 liveExists
                     ? QStringLiteral("%1 is the restored database; the old one is kept as %2")
                           .arg(db, m_preRestore)
                     : QStringLiteral("%1 is the restored database").arg(db));
    return {};
}

Status RestoreJob::bringBack(const Progress &progress)
{
    const QString untouched = keptText();
    if (!m_connection) {
        m_warnings.append(
            QStringLiteral("no deployments in the profile: start the clients of %1 again yourself")
                .arg(m_region.database.name));
        return {};
    }
    const int timeout = int(m_profile.restore.scaleTimeoutSecs);
    // Cancel stops the waiting, not the database: from here on the restore has happened.
    const QList<OperationResult> results = DeploymentFanOut::run(
        m_connection,
        deploymentNames(),
        progress,
        [&](DeploymentActions &actions, KubeApi &, const QString &name, const Progress &part) {
            const int replicas = deployment(name).recoveryReplicas;
            OperationResult scaled
                = actions.scale(name, replicas, std::nullopt, part.sub(0.0, 0.4), timeout);
            if (!scaled.ok())
                return scaled;
            return actions.restart(name, part.sub(0.4, 1.0), timeout);
        });
    if (const QString failed = DeploymentFanOut::failures(deploymentNames(), results);
        !failed.isEmpty()) {
        return fail(
            Error::failed(QStringLiteral("bringing the apps back: %1").arg(failed), untouched));
    }
    (void) m_recorder->update([](RestoreState &s) { s.scaledDown.clear(); });
    return {};
}

QStringList RestoreJob::deploymentNames() const
{
    QStringList names;
    for (const DeploymentSpec &d : m_profile.deployments)
        names.append(d.name);
    return names;
}

const DeploymentSpec &RestoreJob::deployment(const QString &name) const
{
    for (const DeploymentSpec &d : m_profile.deployments) {
        if (d.name == name)
            return d;
    }
    return m_profile.deployments.constFirst();
}

QString RestoreJob::keptText() const
{
    return QStringLiteral("the restored database is live as %1%2")
        .arg(m_region.database.name,
             m_live ? QStringLiteral("; the old one is kept as %1 (ragdr rollback brings it back)")
                          .arg(m_preRestore)
                    : QString());
}

Status RestoreJob::postChecks(const Progress &progress)
{
    const QString untouched = keptText();
    const QString db = m_region.database.name;
    // What is live under the name must be the very database verified before the swap: a rename
    // keeps a database's oid, so this holds exactly when the swap did what it says.
    progress.set(0.05, QStringLiteral("checking that %1 is the verified database").arg(db));
    auto live = m_server->info(db);
    if (!live)
        return fail(live.error().withUntouched(untouched));
    if (live->oid != m_verifiedOid) {
        return fail(Error::failed(QStringLiteral("post-checks: the database live as %1 (oid %2) is "
                                                 "not the one verified before the swap (oid %3)")
                                      .arg(db)
                                      .arg(live->oid)
                                      .arg(m_verifiedOid),
                                  untouched));
    }
    progress.set(0.1, QStringLiteral("counting and hashing the live %1").arg(db));
    auto session = PgSession::connect(m_db, m_password, db);
    if (!session)
        return fail(session.error().withUntouched(untouched));
    (void) (*session)->begin(PgSession::Isolation::RepeatableRead, true);
    // The tables' facts only: the similarity probes ran on these very rows in the verify step.
    auto facts = DatabaseFactsCollector::collect(**session, RagSchema(), progress.cancelToken());
    (*session)->rollback();
    if (!facts)
        return fail(facts.error().withUntouched(untouched));
    if (m_expected) {
        DatabaseFacts expected = *m_expected;
        expected.rag.reset();
        const QStringList diffs = DatabaseFactsCollector::compare(expected, *facts);
        // The content was verified before the swap and the name is proven to be it: what differs
        // now was written by the apps since they came back (rag-worker ingests), not lost.
        if (!diffs.isEmpty()) {
            m_warnings.append(QStringLiteral("the live %1 changed since the apps came back (%2): "
                                             "the apps write to it; the restored content was "
                                             "verified before the swap")
                                  .arg(db, diffs.join(QStringLiteral("; "))));
        }
    }
    (void) m_recorder->update(
        [](RestoreState &s) { s.times.postChecksPassedAt = QDateTime::currentDateTimeUtc(); });
    const RestoreState s = m_recorder->snapshot();
    if (m_journal) {
        s.times.record(*m_journal,
                       QStringLiteral("post_checks_passed"),
                       m_profile,
                       {{QStringLiteral("restore"), s.id},
                        {QStringLiteral("backup"), s.backupId},
                        {QStringLiteral("database"), m_region.database.name}});
        // The incident's record: what data is live now (its RPO) and when the restore was done.
        if (m_rollback) {
            (void) IncidentActions::recordRollback(*m_journal,
                                                   m_region.name,
                                                   m_region.database.name);
        } else {
            (void) IncidentActions::recordRestore(*m_journal,
                                                  {s.backupId,
                                                   m_region.name,
                                                   s.times.snapshotAt,
                                                   s.times.postChecksPassedAt});
            (void) IncidentActions::recordPostChecksPassed(
                *m_journal,
                s.times.postChecksPassedAt,
                QStringLiteral("the restore of %1 into %2 passed its post-checks")
                    .arg(s.backupId, m_region.database.name));
        }
    }
    m_evidence.insert(QStringLiteral("post_checks"), facts->toJson());
    return {};
}

Status RestoreJob::runSteps(const Progress &progress, const QList<PlannedStep> &steps)
{
    Status outcome;
    for (const PlannedStep &s : steps) {
        outcome = step(s.id, progress.sub(s.from, s.to), s.body);
        // Whatever stops the restore before the swap undoes what came before it.
        if (!outcome && !m_recorder->snapshot().swapped)
            return fail(beforeSwap(outcome.error()));
        if (!outcome)
            return outcome;
    }
    return outcome;
}

OperationResult RestoreJob::restore(const Progress &progress)
{
    const Status outcome = runSteps(
        progress,
        {{QStringLiteral("preflight"), 0.0, 0.08, [this](const Progress &p) { return preflight(p); }},
         {QStringLiteral("staging"), 0.08, 0.7, [this](const Progress &p) { return staging(p); }},
         {QStringLiteral("verify"), 0.7, 0.8, [this](const Progress &p) { return verifyStaging(p); }},
         {QStringLiteral("cutover"), 0.8, 0.86, [this](const Progress &p) { return cutover(p); }},
         {QStringLiteral("bringback"),
          0.86,
          0.96,
          [this](const Progress &p) { return bringBack(p); }},
         {QStringLiteral("postchecks"), 0.96, 1.0, [this](const Progress &p) {
              return postChecks(p);
          }}});
    const RestoreState s = m_recorder->snapshot();
    QString message = QStringLiteral("restored %1 into %2 and verified it")
                          .arg(s.backupId, m_region.database.name);
    if (m_live)
        message += QStringLiteral("; the old database is kept as %1").arg(m_preRestore);
    if (const QString rto = s.times.rtoText(m_profile); !rto.isEmpty())
        message += QStringLiteral("; ") + rto;
    if (const QString rpo = s.times.rpoText(m_profile); !rpo.isEmpty())
        message += QStringLiteral("; ") + rpo;
    if (!m_unchecked.isEmpty())
        message += QStringLiteral("; not checked: %1").arg(m_unchecked.join(QStringLiteral("; ")));
    return finish(outcome, message);
}

Status RestoreJob::rollbackPreflight(const Progress &progress)
{
    if (auto ok = common(progress.sub(0.0, 0.3)); !ok)
        return ok;
    const QString untouched = QStringLiteral("nothing: the rollback did not start");
    auto kept = m_server->keptDatabases(m_region.database.name);
    if (!kept)
        return fail(kept.error().withUntouched(untouched));
    QString name = m_options.backupKey;
    if (name.isEmpty()) {
        for (const KeptDatabase &k : std::as_const(*kept)) {
            if (k.kind == QLatin1String("pre-restore") && (name.isEmpty() || k.name > name))
                name = k.name;
        }
    }
    bool found = false;
    for (const KeptDatabase &k : std::as_const(*kept))
        found = found || k.name == name;
    if (name.isEmpty() || !found) {
        return fail(Error::badInput(
            name.isEmpty()
                ? QStringLiteral(
                      "no pre-restore database of %1 is kept: there is nothing to roll back to")
                      .arg(m_region.database.name)
                : QStringLiteral("%1 is not a kept database of %2").arg(name, m_region.database.name),
            untouched));
    }
    m_staging = name;
    m_preRestore = RestoreServer::rolledBackName(m_region.database.name,
                                                 QDateTime::currentDateTimeUtc());
    auto missing = m_server->missingPrivileges(m_region.database.name, m_live.has_value(), {});
    if (!missing)
        return fail(missing.error().withUntouched(untouched));
    if (!missing->isEmpty())
        return fail(Error::refused(QStringLiteral("%1 lacks what the rollback needs: %2")
                                       .arg(m_db.user, missing->join(QStringLiteral("; "))),
                                   untouched));
    progress.set(0.5, QStringLiteral("counting the rows of %1").arg(name));
    auto session = PgSession::connect(m_db, m_password, name);
    if (!session)
        return fail(session.error().withUntouched(untouched));
    (void) (*session)->begin(PgSession::Isolation::RepeatableRead, true);
    auto facts = DatabaseFactsCollector::collect(**session,
                                                 m_profile.schema,
                                                 progress.cancelToken());
    (*session)->rollback();
    if (!facts)
        return fail(facts.error().withUntouched(untouched));
    m_expected = *facts;
    if (auto verified = rememberVerified(); !verified)
        return fail(verified.error().withUntouched(untouched));
    if (auto cluster = checkCluster(progress.sub(0.8, 1.0)); !cluster)
        return cluster;
    return m_recorder->update([&](RestoreState &s) {
        s.staging = m_staging;
        s.preRestore = m_preRestore;
        s.backupId = m_staging;
        s.liveExisted = m_live.has_value();
    });
}

OperationResult RestoreJob::rollback(const Progress &progress)
{
    m_rollback = true;
    const Status outcome = runSteps(
        progress,
        {{QStringLiteral("preflight"),
          0.0,
          0.2,
          [this](const Progress &p) { return rollbackPreflight(p); }},
         {QStringLiteral("cutover"), 0.2, 0.5, [this](const Progress &p) { return cutover(p); }},
         {QStringLiteral("bringback"), 0.5, 0.9, [this](const Progress &p) { return bringBack(p); }},
         {QStringLiteral("postchecks"), 0.9, 1.0, [this](const Progress &p) {
              return postChecks(p);
          }}});
    return finish(outcome,
                  QStringLiteral("rolled %1 back to %2; the restored database is kept as %3")
                      .arg(m_region.database.name, m_staging, m_preRestore));
}

} // namespace ragdr::core
