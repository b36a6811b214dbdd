#include "backupjob.h"

#include "backupcatalog.h"
#include "backupnaming.h"
#include "backuprepository.h"
#include "backupverifier.h"
#include "databasefacts.h"
#include "dumpprogress.h"
#include "manifeststore.h"

#include "core/base/childprocess.h"
#include "core/base/files.h"
#include "core/cluster/kubeapi.h"
#include "core/cluster/manifestexport.h"
#include "core/db/pgsession.h"
#include "core/db/pgtools.h"
#include "core/incident/journal.h"
#include "core/secrets/secretstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLockFile>
#include <QRandomGenerator>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QtConcurrent>

namespace ragdr::core {

namespace {

const QString kUntouched = QStringLiteral(
    "the database was only read; existing backups and the \"latest\" link are as they were; no "
    "partial file was left");

// Deletes the temporary dump unless released: every early return cleans up.
class PartialFile final
{
public:
    explicit PartialFile(QString path)
        : m_path(std::move(path))
    {}
    ~PartialFile()
    {
        if (!m_path.isEmpty())
            QFile::remove(m_path);
    }
    const QString &path() const { return m_path; }
    void release() { m_path.clear(); }

private:
    QString m_path;
};

// Every file name already used in any repository that could be listed: a new backup must not
// take one, or a copy would overwrite an older backup in a mirror.
QSet<QString> takenNames(const Region &region, const CancelToken &cancel)
{
    QSet<QString> taken;
    for (const RepositoryConfig &config : region.repositories) {
        auto repo = BackupRepository::create(config);
        if (auto files = repo->list(cancel)) {
            for (const RepoFile &f : std::as_const(*files))
                taken.insert(f.name);
        }
    }
    return taken;
}

} // namespace

BackupJob::BackupJob(Profile profile, Region region)
    : m_profile(std::move(profile))
    , m_region(std::move(region))
{}

OperationResult BackupJob::run(const Progress &progress) const
{
    const DatabaseConfig &db = m_region.database;
    const CancelToken &cancel = progress.cancelToken();
    QJsonObject evidence{{QStringLiteral("region"), m_region.name},
                         {QStringLiteral("database"), db.describe()}};
    auto failed = [&](const Error &e) {
        Error error = e;
        if (error.untouched.isEmpty())
            error.untouched = kUntouched;
        return OperationResult::failure(error, evidence);
    };

    progress.set(0.0, QStringLiteral("preparing"));
    LocalRepository primary(m_region.primaryRepository());
    if (!QDir().mkpath(primary.directory())) {
        return failed(
            Error::failed(QStringLiteral("cannot create the primary repository directory %1")
                              .arg(primary.directory())));
    }
    QLockFile lock(primary.locationOf(QStringLiteral(".ragdr-backup.lock")));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        lock.getLockInfo(&pid, &host, &app);
        return failed(
            Error::refused(QStringLiteral("another backup of region %1 is running (pid %2 on %3)")
                               .arg(m_region.name)
                               .arg(pid)
                               .arg(host)));
    }
    // Holding the lock, any hidden partial file is left over from a run that died: remove it.
    for (const QString &name : QDir(primary.directory()).entryList(QDir::Files | QDir::Hidden)) {
        if (BackupNaming::isPartialName(name))
            QFile::remove(primary.locationOf(name));
    }

    auto password = SecretStore::read(db.password);
    if (!password)
        return failed(password.error());
    auto pgDump = PgTools::locate(QStringLiteral("pg_dump"));
    if (!pgDump)
        return failed(pgDump.error());
    auto pgDumpVersion = PgTools::version(*pgDump);
    if (!pgDumpVersion)
        return failed(pgDumpVersion.error());

    progress.set(0.01, QStringLiteral("connecting to %1").arg(db.describe()));
    auto session = PgSession::connect(db, *password);
    if (!session)
        return failed(session.error());
    if (auto begun = (*session)->begin(PgSession::Isolation::RepeatableRead, true); !begun)
        return failed(begun.error());
    auto snapshot = (*session)->scalar(QStringLiteral("SELECT pg_export_snapshot()"));
    if (!snapshot)
        return failed(snapshot.error());
    const QString snapshotId = snapshot->toString();
    evidence.insert(QStringLiteral("snapshot"), snapshotId);

    // A second connection watches pg_dump's COPY through pg_stat_progress_copy.
    const QString appName
        = QStringLiteral("ragdr-backup-%1")
              .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    auto monitor = PgSession::connect(db, *password);
    QList<DumpProgress::Table> weights;
    if (monitor) {
        auto rows = (*monitor)->query(QStringLiteral(
            // From the catalog only: pg_relation_size would wait behind a lock on the table.
            "SELECT n.nspname || '.' || c.relname, c.relpages::bigint * "
            "current_setting('block_size')::bigint, "
            "greatest(c.reltuples, 0) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE "
            "'pg\\_%'"));
        if (rows) {
            for (const PgRow &r : std::as_const(*rows))
                weights.append({r.value(0).toString(),
                                r.value(1).toString().toLongLong(),
                                r.value(2).toString().toDouble()});
        }
    }
    DumpProgress dumpProgress(weights);

    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    const BackupNaming naming(m_profile.backup.naming, m_profile.backup.latestName);
    const QString fileName = naming.freeFileNameFor(startedAt, takenNames(m_region, cancel));
    const QString finalPath = primary.locationOf(fileName);
    PartialFile partial(primary.locationOf(BackupNaming::partialNameOf(fileName)));
    evidence.insert(QStringLiteral("backup"), BackupNaming::idOf(fileName));

    // The facts are taken in the exporting transaction, on another thread, while pg_dump runs.
    PgSession *factsSession = session->get();
    QFuture<Result<DatabaseFacts>> facts = QtConcurrent::run(
        [factsSession, schema = m_profile.schema, cancel] {
            return DatabaseFactsCollector::collect(*factsSession, schema, cancel);
        });
    const int factsPid = (*session)->backendPid();
    auto stopFacts = [&] {
        if (!facts.isFinished())
            PgSession::cancelBackend(db, *password, factsPid);
        facts.waitForFinished();
    };

    // The namespace's Kubernetes objects are saved with the backup (runbook §3.2), read while
    // pg_dump runs; a cluster that cannot be reached costs a warning, not the backup.
    QFuture<Result<ManifestExport>> kubernetes;
    if (!m_region.kube.context.isEmpty()) {
        kubernetes = QtConcurrent::run([target = m_region.kube, cancel]() -> Result<ManifestExport> {
            auto connection = KubeConnection::open(target);
            if (!connection)
                return fail(connection.error());
            KubeApi api(*connection);
            return ManifestExport::collect(api, cancel);
        });
    }
    auto stopKubernetes = [&] {
        if (kubernetes.isValid())
            kubernetes.waitForFinished();
    };

    auto passFile = PgPassFile::create(db, *password);
    if (!passFile) {
        stopFacts();
        stopKubernetes();
        return failed(passFile.error());
    }
    ChildSpec dump;
    dump.program = *pgDump;
    dump.arguments = PgTools::connectionArguments(db);
    dump.arguments << QStringLiteral("-d") << db.name << QStringLiteral("-F") << QStringLiteral("c")
                   << QStringLiteral("-b") << QStringLiteral("-v") << QStringLiteral("-w")
                   << QStringLiteral("--snapshot=") + snapshotId << QStringLiteral("-f")
                   << partial.path();
    if (m_profile.backup.compression)
        dump.arguments << QStringLiteral("-Z") << QString::number(*m_profile.backup.compression);
    dump.environment = PgPassFile::environmentFor(db, passFile->get());
    dump.environment.insert(QStringLiteral("PGAPPNAME"), appName);

    const Progress dumpRange = progress.sub(0.02, 0.8);
    QTimer copyPoll; // fires inside ChildProcess::run's event loop, on this thread
    if (monitor) {
        QObject::connect(&copyPoll, &QTimer::timeout, [&] {
            auto rows
                = (*monitor)->query(QStringLiteral(
                                        "SELECT p.relid::regclass::text, p.tuples_processed "
                                        "FROM pg_stat_progress_copy p JOIN pg_stat_activity a "
                                        "USING (pid) WHERE a.application_name = $1"),
                                    {appName});
            if (!rows || rows->isEmpty())
                return;
            QString table = rows->constFirst().value(0).toString();
            if (!table.contains(QLatin1Char('.')))
                table.prepend(QStringLiteral("public."));
            dumpProgress.onCopyProgress(table, rows->constFirst().value(1).toString().toLongLong());
            dumpRange.set(dumpProgress.fraction(), dumpProgress.step());
        });
        copyPoll.start(500);
    }
    dumpRange.set(0.0, QStringLiteral("starting pg_dump"));
    auto dumped = ChildProcess::run(dump, cancel, [&](const QString &line) {
        if (dumpProgress.onLine(line))
            dumpRange.set(dumpProgress.fraction(), dumpProgress.step());
    });
    copyPoll.stop();
    passFile->reset();
    if (!dumped) {
        stopFacts();
        stopKubernetes();
        return failed(dumped.error());
    }
    evidence.insert(QStringLiteral("pg_dump_exit_code"), dumped->exitCode);
    if (!dumped->succeeded()) {
        stopFacts();
        stopKubernetes();
        if (dumped->cancelled)
            return failed(Error::cancelled(kUntouched));
        return failed(Error::failed(dumped->failureText(QStringLiteral("pg_dump"))));
    }

    progress.set(0.8, QStringLiteral("waiting for the row counts"));
    while (!facts.isFinished()) {
        if (cancel.isCancelled()) {
            stopFacts();
            break;
        }
        QThread::msleep(20);
    }
    const Result<DatabaseFacts> counted = facts.result();
    (*session)->rollback();
    session->reset();
    if (!counted) {
        if (cancel.isCancelled())
            return failed(Error::cancelled(kUntouched));
        return failed(
            counted.error().prefixed(QStringLiteral("counting rows in the backup's snapshot")));
    }
    if (auto synced = files::fsyncFile(partial.path()); !synced)
        return failed(synced.error());

    // Check the new file before it gets a backup's name.
    const VerifyLevel level
        = levelFromName(m_profile.backup.verifyAfterBackup).value_or(VerifyLevel::Full);
    const BackupVerifier verifier(m_profile, m_region);
    FileVerification check = verifier.verifyFile(partial.path(),
                                                 nullptr,
                                                 level == VerifyLevel::Quick ? VerifyLevel::Quick
                                                                             : VerifyLevel::Full,
                                                 progress.sub(0.8, 0.88),
                                                 true);
    if (cancel.isCancelled())
        return failed(Error::cancelled(kUntouched));
    if (!check.record.passed()) {
        return failed(
            Error::failed(QStringLiteral("pg_dump finished, but its output does not check out: %1")
                              .arg(check.record.reason)));
    }

    BackupManifest manifest;
    manifest.id = BackupNaming::idOf(fileName);
    manifest.fileName = fileName;
    manifest.sha256 = QString::fromLatin1(check.sha256);
    manifest.size = check.size;
    manifest.tocEntries = check.toc.headerEntries;
    manifest.tocListed = int(check.toc.entries.size());
    manifest.tocTableData = check.toc.count(QStringLiteral("TABLE DATA"));
    manifest.archiveVersion = check.toc.dumpVersion;
    manifest.compression = check.toc.compression;
    manifest.pgDumpVersion = *pgDumpVersion;
    manifest.service = m_profile.service;
    manifest.profilePath = m_profile.path;
    manifest.region = m_region.name;
    manifest.database = db.describe();
    manifest.snapshot = snapshotId;
    manifest.startedAt = startedAt;
    manifest.finishedAt = QDateTime::currentDateTimeUtc();
    manifest.createdBy = Journal::actor();
    manifest.ragdrVersion = QStringLiteral(RAGDR_VERSION);
    manifest.facts = *counted;
    manifest.verifications.append(check.record);
    manifest.setCopy({primary.name(),
                      finalPath,
                      QStringLiteral("ok"),
                      manifest.sha256,
                      manifest.size,
                      manifest.finishedAt,
                      {}});

    QStringList warnings;
    const QString kubernetesName = BackupNaming::kubernetesNameOf(fileName);
    const QString kubernetesPath = primary.locationOf(kubernetesName);
    bool kubernetesSaved = false;
    if (kubernetes.isValid()) {
        progress.set(0.87, QStringLiteral("saving the Kubernetes objects"));
        kubernetes.waitForFinished();
        const Result<ManifestExport> exported = kubernetes.result();
        if (!exported) {
            manifest.kubernetes = {{QStringLiteral("error"), exported.error().message}};
            warnings.append(QStringLiteral("Kubernetes objects not saved with the backup: %1")
                                .arg(exported.error().message));
        } else {
            const QByteArray yaml = exported->combinedYaml();
            if (auto written = files::writeAtomically(kubernetesPath, yaml); !written) {
                manifest.kubernetes = {{QStringLiteral("error"), written.error().message}};
                warnings.append(written.error().message);
            } else {
                kubernetesSaved = true;
                manifest.kubernetes = exported->summary();
                manifest.kubernetes.insert(QStringLiteral("file"), kubernetesName);
                manifest.kubernetes
                    .insert(QStringLiteral("sha256"),
                            QString::fromLatin1(
                                QCryptographicHash::hash(yaml, QCryptographicHash::Sha256).toHex()));
            }
        }
    }

    progress.set(0.88, QStringLiteral("writing the manifest"));
    ManifestStore store(m_profile, m_region);
    if (auto written = store.create(manifest, cancel); !written) {
        QFile::remove(kubernetesPath);
        return failed(written.error());
    }
    if (auto renamed = files::renameDurably(partial.path(), finalPath); !renamed) {
        QFile::remove(primary.locationOf(BackupNaming::manifestNameOf(fileName)));
        QFile::remove(kubernetesPath);
        return failed(renamed.error());
    }
    partial.release();
    evidence.insert(QStringLiteral("file"), finalPath);
    evidence.insert(QStringLiteral("sha256"), manifest.sha256);
    evidence.insert(QStringLiteral("size"), manifest.size);
    evidence.insert(QStringLiteral("verification"), check.record.toJson());
    evidence.insert(QStringLiteral("facts"), manifest.facts.toJson());

    // From here on the backup exists and is verified; what follows adds redundancy.
    const QString kept = QStringLiteral("the backup %1 is complete and verified in %2")
                             .arg(fileName, primary.directory());
    QStringList problems;
    const int mirrors = int(m_region.repositories.size()) - 1;
    for (int i = 1; i < m_region.repositories.size(); ++i) {
        const RepositoryConfig &config = m_region.repositories.at(i);
        const Progress copyRange = progress.sub(0.88 + 0.1 * (i - 1) / mirrors,
                                                0.88 + 0.1 * i / mirrors);
        auto repo = BackupRepository::create(config);
        CopyRecord rec;
        rec.repository = config.name;
        rec.location = repo->locationOf(fileName);
        copyRange.set(0.0, QStringLiteral("copying to %1").arg(config.name));
        auto uploaded = repo->upload(finalPath, fileName, copyRange.sub(0.0, 0.7));
        if (uploaded) {
            copyRange.set(0.7, QStringLiteral("re-hashing the copy in %1").arg(config.name));
            auto sha = repo->sha256(fileName, copyRange.sub(0.7, 1.0));
            if (!sha) {
                rec.state = QStringLiteral("error");
                rec.detail = sha.error().message;
            } else {
                rec.sha256 = QString::fromLatin1(*sha);
                rec.size = manifest.size;
                rec.state = *sha == check.sha256 ? QStringLiteral("ok")
                                                 : QStringLiteral("mismatch");
                if (rec.state == QLatin1String("mismatch"))
                    rec.detail = QStringLiteral("sha256 %1 after copying, %2 expected")
                                     .arg(rec.sha256.left(12), manifest.sha256.left(12));
            }
            if (kubernetesSaved) {
                if (auto copied = repo->upload(kubernetesPath, kubernetesName, copyRange); !copied)
                    warnings.append(copied.error().message);
            }
        } else {
            if (uploaded.error().kind == Error::Kind::Cancelled)
                warnings.append(QStringLiteral("the copy to %1 was cancelled").arg(config.name));
            rec.state = QStringLiteral("error");
            rec.detail = uploaded.error().message;
        }
        rec.checkedAt = QDateTime::currentDateTimeUtc();
        if (rec.state != QLatin1String("ok"))
            problems.append(QStringLiteral("%1: %2").arg(config.name, rec.detail));
        manifest.setCopy(rec);
    }
    auto recorded = store.update(
        fileName, [&](BackupManifest &m) { m.copies = manifest.copies; }, CancelToken(), &warnings);
    if (!recorded)
        warnings.append(recorded.error().message);
    QJsonArray copyJson;
    for (const CopyRecord &c : std::as_const(manifest.copies))
        copyJson.append(c.toJson());
    evidence.insert(QStringLiteral("copies"), copyJson);

    progress.set(0.99,
                 QStringLiteral("pointing %1 at the newest verified backup")
                     .arg(m_profile.backup.latestName));
    if (auto linked = BackupCatalog::relinkLatest(m_profile, m_region, CancelToken()))
        evidence.insert(QStringLiteral("latest"), *linked);
    else
        warnings.append(linked.error().message);

    progress.set(1.0, QStringLiteral("done"));
    qint64 rows = 0;
    for (const TableCount &t : manifest.facts.tables)
        rows += t.rows;
    const QString summary
        = QStringLiteral("%1 backed up and verified (%2): %3, %4 tables, %5 rows, sha256 %6…")
              .arg(manifest.id, levelName(check.record.level), files::humanSize(manifest.size))
              .arg(manifest.facts.tables.size())
              .arg(rows)
              .arg(manifest.sha256.left(12));
    OperationResult result;
    if (problems.isEmpty()) {
        result = OperationResult::success(QStringLiteral("%1; %2 cop%3")
                                              .arg(summary)
                                              .arg(manifest.copies.size())
                                              .arg(manifest.copies.size() == 1
                                                       ? QStringLiteral("y")
                                                       : QStringLiteral("ies")),
                                          evidence);
    } else {
        result
            = OperationResult::failure(Error::failed(QStringLiteral(
                                                         "%1; but not every copy was made: %2")
                                                         .arg(summary,
                                                              problems.join(QStringLiteral("; "))),
                                                     kept),
                                       evidence);
    }
    result.warnings = warnings;
    return result;
}

} // namespace ragdr::core
