#include "backupjob.h"

#include "backupcatalog.h"
#include "backupnaming.h"
#include "backuprepository.h"
#include "backupverifier.h"
#include "databasefacts.h"
#include "dumpprogress.h"
#include "helpertask.h"
#include "leftoversweeper.h"
#include "manifestlock.h"
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
#include <QTimer>

#include <algorithm>
#include <optional>

namespace ragdr::core {

namespace {

const QString kUntouched = QStringLiteral(
    "the database was only read; existing backups and the \"latest\" link are as they were; no "
    "partial file was left");

// The dump is this much larger than the tables' pages at most (pg-measured.md: default
// compression about 1.1 for float arrays; without compression the text form, 2.6).
constexpr double kCompressedPerPage = 1.2;
constexpr double kUncompressedPerPage = 3.0;
// A backup grows from one day to the next; the newest one, plus this, is what the next needs.
constexpr double kGrowth = 1.25;

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
    PartialFile(const PartialFile &) = delete;
    PartialFile &operator=(const PartialFile &) = delete;
    const QString &path() const { return m_path; }
    void release() { m_path.clear(); }

private:
    QString m_path;
};

// One run of a backup, phase by phase. Each phase either moves the run on or stops it with an
// error; what a phase holds (locks, sessions, the partial file, helper threads) lives in members
// that clean up in the destructor, whatever phase stopped the run.
class BackupRun final
{
public:
    BackupRun(const Profile &profile, const Region &region, const Progress &progress)
        : m_profile(profile)
        , m_region(region)
        , m_db(region.database)
        , m_progress(progress)
        , m_cancel(progress.cancelToken())
        , m_primary(region.primaryRepository())
        , m_evidence{{QStringLiteral("region"), region.name},
                     {QStringLiteral("database"), region.database.describe()}}
    {}

    OperationResult run()
    {
        using Phase = Status (BackupRun::*)();
        for (Phase phase : {&BackupRun::lockRegion,
                            &BackupRun::sweepLeftovers,
                            &BackupRun::openSnapshot,
                            &BackupRun::checkFreeSpace,
                            &BackupRun::dump,
                            &BackupRun::awaitFacts,
                            &BackupRun::checkDump,
                            &BackupRun::saveKubernetes,
                            &BackupRun::publish}) {
            if (auto done = (this->*phase)(); !done)
                return failed(done.error());
        }
        // From here on the backup exists, is verified and is listed: what follows adds
        // redundancy, and a cancel or failure there is reported as what it is.
        copyToMirrors();
        return report();
    }

private:
    OperationResult failed(Error error)
    {
        if (error.untouched.isEmpty())
            error.untouched = kUntouched;
        OperationResult result = OperationResult::failure(error, m_evidence);
        result.warnings = m_warnings;
        return result;
    }

    // Two backups of a region never run at once; the second is refused.
    Status lockRegion()
    {
        m_progress.set(0.0, QStringLiteral("preparing"));
        if (!QDir().mkpath(m_primary.directory())) {
            return fail(Error::failed(QStringLiteral("cannot create the primary repository "
                                                     "directory %1")
                                          .arg(m_primary.directory())));
        }
        m_backupLock = std::make_unique<QLockFile>(
            m_primary.locationOf(QStringLiteral(".ragdr-backup.lock")));
        m_backupLock->setStaleLockTime(0);
        if (!m_backupLock->tryLock(0)) {
            qint64 pid = 0;
            QString host, app;
            m_backupLock->getLockInfo(&pid, &host, &app);
            m_backupLock.reset();
            return fail(Error::refused(
                QStringLiteral("another backup of region %1 is running (pid %2 on %3)")
                    .arg(m_region.name)
                    .arg(pid)
                    .arg(host)));
        }
        return {};
    }

    // Holding both locks, whatever an earlier run left half-done is a leftover: removed, and
    // named in the journal (the operation's evidence).
    Status sweepLeftovers()
    {
        m_progress.set(0.0, QStringLiteral("looking for what an interrupted run left"));
        auto lock = ManifestLock::acquire(m_region, m_cancel, [&](const QString &why) {
            m_progress.setStep(why);
        });
        if (!lock)
            return fail(lock.error());
        LeftoverSweeper::Swept swept = LeftoverSweeper::sweep(m_profile, m_region, **lock, m_cancel);
        m_dumps = swept.dumps;
        if (!swept.removed.isEmpty()) {
            m_evidence.insert(QStringLiteral("swept"), QJsonArray::fromStringList(swept.removed));
            m_warnings.append(QStringLiteral("removed what an interrupted run left: %1")
                                  .arg(swept.removed.join(QStringLiteral(", "))));
        }
        m_warnings.append(swept.problems);
        if (m_cancel.isCancelled())
            return fail(Error::cancelled(kUntouched));
        return {};
    }

    // A REPEATABLE READ transaction exports the snapshot pg_dump will dump; a second session
    // watches pg_dump's COPY.
    Status openSnapshot()
    {
        auto password = SecretStore::read(m_db.password);
        if (!password)
            return fail(password.error());
        m_password = *password;
        auto pgDump = PgTools::locate(QStringLiteral("pg_dump"));
        if (!pgDump)
            return fail(pgDump.error());
        m_pgDump = *pgDump;
        auto version = PgTools::version(m_pgDump);
        if (!version)
            return fail(version.error());
        m_pgDumpVersion = *version;

        m_progress.set(0.01, QStringLiteral("connecting to %1").arg(m_db.describe()));
        auto session = PgSession::connect(m_db, m_password);
        if (!session)
            return fail(session.error());
        m_session = std::move(*session);
        if (auto begun = m_session->begin(PgSession::Isolation::RepeatableRead, true); !begun)
            return fail(begun.error());
        auto snapshot = m_session->scalar(QStringLiteral("SELECT pg_export_snapshot()"));
        if (!snapshot)
            return fail(snapshot.error());
        m_snapshot = snapshot->toString();
        m_evidence.insert(QStringLiteral("snapshot"), m_snapshot);

        m_appName = QStringLiteral("ragdr-backup-%1")
                        .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
        if (auto monitor = PgSession::connect(m_db, m_password)) {
            m_monitor = std::move(*monitor);
            // From the catalog only: pg_relation_size would wait behind a lock on the table.
            auto rows = m_monitor->query(QStringLiteral(
                "SELECT n.nspname || '.' || c.relname, (c.relpages::bigint "
                "+ coalesce(t.relpages, 0)) * current_setting('block_size')::bigint, "
                "greatest(c.reltuples, 0) "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "LEFT JOIN pg_class t ON t.oid = c.reltoastrelid "
                "WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT "
                "LIKE "
                "'pg\\_%'"));
            if (rows) {
                for (const PgRow &r : std::as_const(*rows))
                    m_tables.append({r.value(0).toString(),
                                     r.value(1).toString().toLongLong(),
                                     r.value(2).toString().toDouble()});
            }
        }
        return {};
    }

    // The dump must fit: the newest backup's size plus growth, or without one an estimate from
    // the tables' pages.
    Status checkFreeSpace()
    {
        qint64 expected = 0;
        QString basis;
        const BackupNaming naming(m_profile.backup.naming, m_profile.backup.latestName);
        const auto newest = std::max_element(m_dumps.cbegin(),
                                             m_dumps.cend(),
                                             [](const RepoFile &a, const RepoFile &b) {
                                                 return a.modified < b.modified;
                                             });
        if (newest != m_dumps.cend() && newest->size > 0) {
            expected = qint64(newest->size * kGrowth);
            basis = QStringLiteral("%1 was %2").arg(newest->name, files::humanSize(newest->size));
        } else {
            qint64 pages = 0;
            for (const DumpProgress::Table &t : std::as_const(m_tables))
                pages += t.bytes;
            const bool uncompressed = m_profile.backup.compression == 0;
            expected = qint64(pages * (uncompressed ? kUncompressedPerPage : kCompressedPerPage));
            basis = QStringLiteral("the tables hold %1").arg(files::humanSize(pages));
        }
        const qint64 free = files::freeBytes(m_primary.directory());
        m_evidence.insert(QStringLiteral("free_bytes"), free);
        m_evidence.insert(QStringLiteral("expected_bytes"), expected);
        if (free >= 0 && expected > 0 && free < expected) {
            return fail(Error::failed(
                QStringLiteral("not enough free space for the dump in %1: about %2 needed (%3), "
                               "%4 free")
                    .arg(m_primary.directory(),
                         files::humanSize(expected),
                         basis,
                         files::humanSize(free))));
        }
        return {};
    }

    // pg_dump writes the snapshot to a hidden name while helper threads count and hash the rows
    // in the same snapshot and read the namespace's Kubernetes objects.
    Status dump()
    {
        m_startedAt = QDateTime::currentDateTimeUtc();
        const BackupNaming naming(m_profile.backup.naming, m_profile.backup.latestName);
        QSet<QString> taken;
        for (const RepoFile &f : std::as_const(m_dumps))
            taken.insert(f.name);
        m_fileName = naming.freeFileNameFor(m_startedAt, taken);
        m_partial = std::make_unique<PartialFile>(
            m_primary.locationOf(BackupNaming::partialNameOf(m_fileName)));
        m_evidence.insert(QStringLiteral("backup"), BackupNaming::idOf(m_fileName));

        PgSession *factsSession = m_session.get();
        m_facts = std::make_unique<HelperTask<Result<DatabaseFacts>>>(
            [factsSession, schema = m_profile.schema, cancel = m_cancel] {
                return DatabaseFactsCollector::collect(*factsSession, schema, cancel);
            },
            [db = m_db, password = m_password, pid = m_session->backendPid()] {
                (void) PgSession::cancelBackend(db, password, pid);
            });
        // A cluster that cannot be reached costs a warning, not the backup (runbook §3.2).
        if (!m_region.kube.context.isEmpty()) {
            m_kubernetes = std::make_unique<HelperTask<Result<ManifestExport>>>(
                [target = m_region.kube, cancel = m_cancel]() -> Result<ManifestExport> {
                    auto connection = KubeConnection::open(target);
                    if (!connection)
                        return fail(connection.error());
                    KubeApi api(*connection);
                    return ManifestExport::collect(api, cancel);
                });
        }

        auto passFile = PgPassFile::create(m_db, m_password);
        if (!passFile)
            return fail(passFile.error());
        ChildSpec spec;
        spec.program = m_pgDump;
        spec.arguments = PgTools::connectionArguments(m_db);
        spec.arguments << QStringLiteral("-d") << m_db.name << QStringLiteral("-F")
                       << QStringLiteral("c") << QStringLiteral("-b") << QStringLiteral("-v")
                       << QStringLiteral("-w") << QStringLiteral("--snapshot=") + m_snapshot
                       << QStringLiteral("-f") << m_partial->path();
        if (m_profile.backup.compression)
            spec.arguments << QStringLiteral("-Z")
                           << QString::number(*m_profile.backup.compression);
        spec.environment = PgPassFile::environmentFor(m_db, passFile->get());
        spec.environment.insert(QStringLiteral("PGAPPNAME"), m_appName);

        DumpProgress dumpProgress(m_tables);
        const Progress range = m_progress.sub(0.02, 0.8);
        QTimer copyPoll; // fires inside ChildProcess::run's event loop, on this thread
        if (m_monitor) {
            QObject::connect(&copyPoll, &QTimer::timeout, [&] {
                auto rows
                    = m_monitor->query(QStringLiteral(
                                           "SELECT p.relid::regclass::text, p.tuples_processed "
                                           "FROM pg_stat_progress_copy p JOIN pg_stat_activity a "
                                           "USING (pid) WHERE a.application_name = $1"),
                                       {m_appName});
                if (!rows || rows->isEmpty())
                    return;
                QString table = rows->constFirst().value(0).toString();
                if (!table.contains(QLatin1Char('.')))
                    table.prepend(QStringLiteral("public."));
                dumpProgress.onCopyProgress(table,
                                            rows->constFirst().value(1).toString().toLongLong());
                range.set(dumpProgress.fraction(), dumpProgress.step());
            });
            copyPoll.start(500);
        }
        range.set(0.0, QStringLiteral("starting pg_dump"));
        auto dumped = ChildProcess::run(spec, m_cancel, [&](const QString &line) {
            if (dumpProgress.onLine(line))
                range.set(dumpProgress.fraction(), dumpProgress.step());
        });
        copyPoll.stop();
        if (!dumped)
            return fail(dumped.error());
        m_evidence.insert(QStringLiteral("pg_dump_exit_code"), dumped->exitCode);
        if (dumped->cancelled)
            return fail(Error::cancelled(kUntouched));
        if (!dumped->succeeded())
            return fail(
                Error::failed(explainDumpFailure(dumped->failureText(QStringLiteral("pg_dump")))));
        return {};
    }

    QString explainDumpFailure(const QString &failure) const
    {
        if (!failure.contains(QLatin1String("No space left on device")))
            return failure;
        // The partial file is still there: what is free without it is what the dump would have.
        const qint64 partial = QFileInfo(m_partial->path()).size();
        return QStringLiteral("%1: the primary repository %2 filled up after %3 of dump; nothing "
                              "was listed, and the partial file is removed")
            .arg(failure, m_primary.directory(), files::humanSize(partial));
    }

    // The counts and hashes describe the dump only when taken in its snapshot: wait for them.
    Status awaitFacts()
    {
        m_progress.set(0.8, QStringLiteral("waiting for the row counts and hashes"));
        const Result<DatabaseFacts> counted = m_facts->result(m_cancel);
        m_facts.reset();
        m_session->rollback();
        m_session.reset();
        m_monitor.reset();
        if (m_cancel.isCancelled())
            return fail(Error::cancelled(kUntouched));
        if (!counted) {
            return fail(
                counted.error().prefixed(QStringLiteral("counting rows in the backup's snapshot")));
        }
        m_counted = *counted;
        return files::fsyncFile(m_partial->path());
    }

    // The new file is checked before it gets a backup's name.
    Status checkDump()
    {
        const VerifyLevel level
            = levelFromName(m_profile.backup.verifyAfterBackup).value_or(VerifyLevel::Full);
        const BackupVerifier verifier(m_profile, m_region);
        m_check = verifier.verifyFile(m_partial->path(),
                                      nullptr,
                                      level == VerifyLevel::Quick ? VerifyLevel::Quick
                                                                  : VerifyLevel::Full,
                                      m_progress.sub(0.8, 0.87),
                                      true);
        if (m_cancel.isCancelled())
            return fail(Error::cancelled(kUntouched));
        if (!m_check.record.passed()) {
            return fail(Error::failed(
                QStringLiteral("pg_dump finished, but its output does not check out: %1")
                    .arg(m_check.record.reason)));
        }
        return {};
    }

    Status saveKubernetes()
    {
        if (!m_kubernetes)
            return {};
        m_progress.set(0.87, QStringLiteral("saving the Kubernetes objects"));
        const Result<ManifestExport> exported = m_kubernetes->result(m_cancel);
        m_kubernetes.reset();
        if (!exported) {
            m_kubernetesRecord = {{QStringLiteral("error"), exported.error().message}};
            m_warnings.append(QStringLiteral("Kubernetes objects not saved with the backup: %1")
                                  .arg(exported.error().message));
            return {};
        }
        const QString name = BackupNaming::kubernetesNameOf(m_fileName);
        const QByteArray yaml = exported->combinedYaml();
        if (auto written = files::writeAtomically(m_primary.locationOf(name), yaml); !written) {
            m_kubernetesRecord = {{QStringLiteral("error"), written.error().message}};
            m_warnings.append(written.error().message);
            return {};
        }
        m_kubernetesSaved = true;
        m_kubernetesRecord = exported->summary();
        m_kubernetesRecord.insert(QStringLiteral("file"), name);
        m_kubernetesRecord
            .insert(QStringLiteral("sha256"),
                    QString::fromLatin1(
                        QCryptographicHash::hash(yaml, QCryptographicHash::Sha256).toHex()));
        return {};
    }

    BackupManifest makeManifest() const
    {
        BackupManifest m;
        m.id = BackupNaming::idOf(m_fileName);
        m.fileName = m_fileName;
        m.sha256 = QString::fromLatin1(m_check.sha256);
        m.size = m_check.size;
        m.tocEntries = m_check.toc.headerEntries;
        m.tocListed = int(m_check.toc.entries.size());
        m.tocTableData = m_check.toc.count(QStringLiteral("TABLE DATA"));
        m.archiveVersion = m_check.toc.dumpVersion;
        m.compression = m_check.toc.compression;
        m.pgDumpVersion = m_pgDumpVersion;
        m.service = m_profile.service;
        m.profilePath = m_profile.path;
        m.region = m_region.name;
        m.database = m_db.describe();
        m.snapshot = m_snapshot;
        m.startedAt = m_startedAt;
        m.finishedAt = QDateTime::currentDateTimeUtc();
        m.createdBy = Journal::actor();
        m.ragdrVersion = QStringLiteral(RAGDR_VERSION);
        m.facts = m_counted;
        m.kubernetes = m_kubernetesRecord;
        m.verifications.append(m_check.record);
        m.setCopy({m_primary.name(),
                   m_primary.locationOf(m_fileName),
                   CopyStatus::Ok,
                   m.sha256,
                   m.size,
                   m.finishedAt,
                   {}});
        return m;
    }

    // Under the manifest lock: the manifest, then the rename to the runbook's name, then
    // "latest" decided, so that no verification or retention sees the backup half-made.
    Status publish()
    {
        m_progress.set(0.88, QStringLiteral("writing the manifest"));
        m_manifest = makeManifest();
        const QString kubernetesPath = m_primary.locationOf(
            BackupNaming::kubernetesNameOf(m_fileName));
        auto lock = ManifestLock::acquire(m_region, m_cancel, [&](const QString &why) {
            m_progress.setStep(why);
        });
        if (!lock) {
            QFile::remove(kubernetesPath);
            return fail(lock.error().kind == Error::Kind::Cancelled ? Error::cancelled(kUntouched)
                                                                    : lock.error());
        }
        ManifestStore store(m_profile, m_region);
        if (auto written = store.create(**lock, m_manifest, CancelToken()); !written) {
            QFile::remove(kubernetesPath);
            return fail(written.error());
        }
        const QString finalPath = m_primary.locationOf(m_fileName);
        if (auto renamed = files::renameDurably(m_partial->path(), finalPath); !renamed) {
            QFile::remove(m_primary.locationOf(BackupNaming::manifestNameOf(m_fileName)));
            QFile::remove(kubernetesPath);
            return fail(renamed.error());
        }
        m_partial->release();
        m_evidence.insert(QStringLiteral("file"), finalPath);
        m_evidence.insert(QStringLiteral("sha256"), m_manifest.sha256);
        m_evidence.insert(QStringLiteral("size"), m_manifest.size);
        m_evidence.insert(QStringLiteral("verification"), m_check.record.toJson());
        m_evidence.insert(QStringLiteral("facts"), m_manifest.facts.toJson());
        m_progress.set(0.88,
                       QStringLiteral("pointing %1 at the newest verified backup")
                           .arg(m_profile.backup.latestName));
        if (auto linked = BackupCatalog::relinkLatest(m_profile, m_region, **lock))
            m_evidence.insert(QStringLiteral("latest"), *linked);
        else
            m_warnings.append(linked.error().message);
        return {};
    }

    // The dump and its Kubernetes objects to every other repository, each copy re-hashed there.
    // A cancel stops at the copy it comes in; the copies made are recorded either way.
    void copyToMirrors()
    {
        const QString finalPath = m_primary.locationOf(m_fileName);
        const QString kubernetesName = BackupNaming::kubernetesNameOf(m_fileName);
        const int mirrors = int(m_region.repositories.size()) - 1;
        for (int i = 1; i < m_region.repositories.size(); ++i) {
            const RepositoryConfig &config = m_region.repositories.at(i);
            const Progress range = m_progress.sub(0.88 + 0.1 * (i - 1) / mirrors,
                                                  0.88 + 0.1 * i / mirrors);
            auto repo = BackupRepository::create(config);
            CopyRecord rec;
            rec.repository = config.name;
            rec.location = repo->locationOf(m_fileName);
            rec.state = CopyStatus::Missing;
            if (m_cancel.isCancelled()) {
                m_cancelledCopies.append(config.name);
                rec.detail = QStringLiteral("the copy was cancelled");
                m_manifest.setCopy(rec);
                continue;
            }
            range.set(0.0, QStringLiteral("copying to %1").arg(config.name));
            // The Kubernetes objects go beside the dump's copy at the same time: each rclone call
            // costs a start-up (about 0.2 s here), and this one need not wait for the dump's.
            std::optional<HelperTask<Status>> kubernetesCopy;
            if (m_kubernetesSaved) {
                kubernetesCopy.emplace(
                    [config, from = m_primary.locationOf(kubernetesName), kubernetesName] {
                        return BackupRepository::create(config)->upload(from,
                                                                        kubernetesName,
                                                                        Progress(nullptr,
                                                                                 CancelToken()));
                    });
            }
            auto uploaded = repo->upload(finalPath, m_fileName, range.sub(0.0, 0.7));
            if (kubernetesCopy) {
                // Not cancellable, like the re-hash: it ends within moments.
                if (auto copied = kubernetesCopy->result(CancelToken()); !copied)
                    m_warnings.append(copied.error().message);
                else if (!uploaded) // no dump there: its objects alone would only mislead
                    (void) repo->remove(kubernetesName, CancelToken());
            }
            if (!uploaded && uploaded.error().kind == Error::Kind::Cancelled) {
                m_cancelledCopies.append(config.name);
                rec.detail = QStringLiteral("the copy was cancelled");
            } else if (!uploaded) {
                rec.state = CopyStatus::Error;
                rec.detail = uploaded.error().message;
            } else {
                range.set(0.7, QStringLiteral("re-hashing the copy in %1").arg(config.name));
                // Not cancellable: the copy is there, and the manifest must say whether it is good.
                rec.setHashed(repo->sha256(m_fileName, Progress(nullptr, CancelToken())),
                              m_manifest.sha256,
                              m_manifest.size);
            }
            rec.checkedAt = QDateTime::currentDateTimeUtc();
            if (rec.state != CopyStatus::Ok && !m_cancelledCopies.contains(config.name))
                m_copyProblems.append(QStringLiteral("%1: %2").arg(config.name, rec.detail));
            m_manifest.setCopy(rec);
        }
        auto lock = ManifestLock::acquire(m_region, CancelToken(), [&](const QString &why) {
            m_progress.setStep(why);
        });
        if (!lock) {
            m_warnings.append(lock.error().message);
        } else {
            ManifestStore store(m_profile, m_region);
            auto recorded = store.update(
                **lock,
                m_fileName,
                [&](BackupManifest &m) { m.copies = m_manifest.copies; },
                CancelToken(),
                &m_warnings);
            if (!recorded)
                m_warnings.append(recorded.error().message);
        }
        QJsonArray copyJson;
        for (const CopyRecord &c : std::as_const(m_manifest.copies))
            copyJson.append(c.toJson());
        m_evidence.insert(QStringLiteral("copies"), copyJson);
    }

    OperationResult report()
    {
        m_progress.set(1.0, QStringLiteral("done"));
        qint64 rows = 0;
        for (const TableCount &t : m_manifest.facts.tables)
            rows += t.rows;
        QString summary = QStringLiteral(
                              "%1 backed up and verified (%2): %3, %4 tables, %5 rows, sha256 %6…")
                              .arg(m_manifest.id,
                                   levelName(m_check.record.level),
                                   files::humanSize(m_manifest.size))
                              .arg(m_manifest.facts.tables.size())
                              .arg(rows)
                              .arg(m_manifest.sha256.left(12));
        const QString kept = QStringLiteral("the backup %1 is complete and verified in %2")
                                 .arg(m_fileName, m_primary.directory());
        OperationResult result;
        if (!m_copyProblems.isEmpty()) {
            if (!m_cancelledCopies.isEmpty())
                summary += QStringLiteral("; copy to %1 cancelled")
                               .arg(m_cancelledCopies.join(QStringLiteral(", ")));
            result = OperationResult::failure(
                Error::failed(QStringLiteral("%1; but not every copy was made: %2")
                                  .arg(summary, m_copyProblems.join(QStringLiteral("; "))),
                              kept),
                m_evidence);
        } else if (!m_cancelledCopies.isEmpty()) {
            // The user cancelled after the backup was in place: the backup is done, and listed;
            // the copies after the cancel are not. That is what happened, so that is what is said.
            result
                = OperationResult::success(QStringLiteral(
                                               "%1; copy to %2 cancelled: the backup is in %3 only")
                                               .arg(summary,
                                                    m_cancelledCopies.join(QStringLiteral(", ")),
                                                    m_primary.name()),
                                           m_evidence);
            result.untouched = kept;
        } else {
            const int copies = int(m_manifest.copies.size());
            result = OperationResult::success(QStringLiteral("%1; %2 cop%3")
                                                  .arg(summary)
                                                  .arg(copies)
                                                  .arg(copies == 1 ? QStringLiteral("y")
                                                                   : QStringLiteral("ies")),
                                              m_evidence);
        }
        result.warnings = m_warnings;
        return result;
    }

    const Profile &m_profile;
    const Region &m_region;
    const DatabaseConfig &m_db;
    const Progress &m_progress;
    const CancelToken m_cancel;
    LocalRepository m_primary;
    QJsonObject m_evidence;
    QStringList m_warnings;

    std::unique_ptr<QLockFile> m_backupLock;
    QList<RepoFile> m_dumps; // every repository's dumps, as the sweep listed them
    QByteArray m_password;
    QString m_pgDump;
    QString m_pgDumpVersion;
    std::unique_ptr<PgSession> m_session; // exported the snapshot; the facts are taken in it
    std::unique_ptr<PgSession> m_monitor; // watches pg_dump's COPY
    QString m_snapshot;
    QString m_appName;
    QList<DumpProgress::Table> m_tables;
    QDateTime m_startedAt;
    QString m_fileName;
    std::unique_ptr<PartialFile> m_partial;
    // After the sessions: destroyed first, so that a helper stops before its session goes.
    std::unique_ptr<HelperTask<Result<DatabaseFacts>>> m_facts;
    std::unique_ptr<HelperTask<Result<ManifestExport>>> m_kubernetes;
    DatabaseFacts m_counted;
    FileVerification m_check;
    QJsonObject m_kubernetesRecord;
    bool m_kubernetesSaved = false;
    BackupManifest m_manifest;
    QStringList m_copyProblems;
    QStringList m_cancelledCopies;
};

} // namespace

BackupJob::BackupJob(Profile profile, Region region)
    : m_profile(std::move(profile))
    , m_region(std::move(region))
{}

OperationResult BackupJob::run(const Progress &progress) const
{
    return BackupRun(m_profile, m_region, progress).run();
}

} // namespace ragdr::core
