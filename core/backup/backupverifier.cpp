#include "backupverifier.h"

#include "backupcatalog.h"
#include "backuprepository.h"
#include "copycheck.h"
#include "databasefacts.h"
#include "helpertask.h"
#include "manifestlock.h"
#include "manifeststore.h"
#include "scratchdatabase.h"
#include "verificationchecks.h"

#include "core/base/childprocess.h"
#include "core/base/files.h"
#include "core/db/pgsession.h"
#include "core/db/pgtools.h"
#include "core/incident/journal.h"
#include "core/secrets/secretstore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QThread>

#include <atomic>

namespace ragdr::core {

namespace {

// pg_restore's words for a damaged archive, as opposed to a problem with the target database.
bool isArchiveDamage(const QString &message)
{
    static const QRegularExpression
        damage(QStringLiteral(
                   "could not read from input file|could not uncompress|input file is too short|"
                   "did not find magic string|unexpected end of file|could not find block ID|"
                   "does not appear to be a valid archive|invalid|corrupt|bad data|"
                   "incorrect data check|could not read input file"),
               QRegularExpression::CaseInsensitiveOption);
    return damage.match(message).hasMatch();
}

QString describeToc(const TocListing &toc)
{
    return QStringLiteral("%1 items, %2 with table data")
        .arg(toc.entries.size())
        .arg(toc.count(QStringLiteral("TABLE DATA")));
}

// Sessions that count and hash a scratch restore side by side.
constexpr int kFactSessions = 2;

VerificationRecord newRecord(VerifyLevel level)
{
    VerificationRecord record;
    record.level = level;
    record.result = VerificationResult::Passed;
    record.at = QDateTime::currentDateTimeUtc();
    record.by = Journal::actor();
    return record;
}

// The first bytes and the size: a file that is no archive at all gets that as its reason.
// Returns whether pg_restore can be pointed at the file.
bool checkHeaderAndSize(const QString &path,
                        const BackupManifest *manifest,
                        const QString &adoptedNote,
                        FileVerification &out,
                        VerificationChecks &checks)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        checks.couldNotCheck(QStringLiteral("file"), QStringLiteral("%1 does not exist").arg(path));
        return false;
    }
    out.size = info.size();
    bool readable = false;
    if (out.size == 0) {
        checks.corrupt(QStringLiteral("header"), QStringLiteral("the file is empty (0 bytes)"));
    } else if (auto header = DumpArchive::readHeader(path)) {
        out.header = *header;
        readable = true;
        checks.pass(QStringLiteral("header"),
                    QStringLiteral("PGDMP custom format, archive version %1").arg(header->version()));
    } else {
        checks.corrupt(QStringLiteral("header"), header.error().message);
    }
    if (manifest && manifest->size >= 0 && out.size != manifest->size) {
        checks.corrupt(QStringLiteral("size"),
                       QStringLiteral("the file has %1 bytes, the manifest records %2%3 (%4)")
                           .arg(out.size)
                           .arg(manifest->size)
                           .arg(adoptedNote,
                                out.size < manifest->size ? QStringLiteral("cut short")
                                                          : QStringLiteral("bytes added")));
    } else if (manifest && manifest->size >= 0) {
        checks.pass(QStringLiteral("size"), QStringLiteral("%1 bytes, as recorded").arg(out.size));
    }
    return readable;
}

void checkSha256(const QByteArray &sha,
                 const BackupManifest *manifest,
                 bool creating,
                 const QString &adoptedNote,
                 VerificationChecks &checks)
{
    if (creating) {
        checks.pass(QStringLiteral("sha256"),
                    QStringLiteral("%1 (recorded now)").arg(QString::fromLatin1(sha)));
    } else if (!manifest || manifest->sha256.isEmpty()) {
        checks.skip(QStringLiteral("sha256"),
                    QStringLiteral("no manifest recorded a checksum when the backup was made, so a "
                                   "change since then cannot be seen"));
    } else if (manifest->sha256.toLatin1() != sha) {
        checks.corrupt(QStringLiteral("sha256"),
                       QStringLiteral(
                           "sha256 %1 differs from the manifest's %2%3: the file changed "
                           "after the backup was made")
                           .arg(QString::fromLatin1(sha.left(12)),
                                manifest->sha256.left(12),
                                adoptedNote));
    } else {
        checks.pass(QStringLiteral("sha256"),
                    QStringLiteral("matches the manifest%1").arg(adoptedNote));
    }
}

// The Kubernetes objects saved beside the dump, against the manifest's hash of them.
void checkKubernetes(const QString &path, const BackupManifest *manifest, VerificationChecks &checks)
{
    const QString recorded = manifest
                                 ? manifest->kubernetes.value(QStringLiteral("sha256")).toString()
                                 : QString();
    if (recorded.isEmpty())
        return;
    QFile yaml(path + QStringLiteral(".k8s.yaml"));
    if (!yaml.open(QIODevice::ReadOnly)) {
        checks.corrupt(QStringLiteral("kubernetes"),
                       QStringLiteral("the Kubernetes objects saved with the backup are missing"));
    } else if (QCryptographicHash::hash(yaml.readAll(), QCryptographicHash::Sha256).toHex()
               != recorded.toLatin1()) {
        checks
            .corrupt(QStringLiteral("kubernetes"),
                     QStringLiteral(
                         "the Kubernetes objects saved with the backup changed (sha256 differs)"));
    } else {
        checks.pass(QStringLiteral("kubernetes"),
                    QStringLiteral("%1 objects, as recorded")
                        .arg(
                            manifest->kubernetes.value(QStringLiteral("objects")).toArray().size()));
    }
}

// pg_restore -l: the table of contents, against the manifest's item count.
void checkToc(const QString &pgRestore,
              const QString &path,
              const BackupManifest *manifest,
              const CancelToken &cancel,
              FileVerification &out,
              VerificationChecks &checks)
{
    ChildSpec spec;
    spec.program = pgRestore;
    spec.arguments = {QStringLiteral("-l"), path};
    spec.environment = ChildProcess::baseEnvironment();
    auto listed = ChildProcess::run(spec, cancel);
    if (!listed) {
        checks.couldNotCheck(QStringLiteral("toc"), listed.error().message);
    } else if (listed->cancelled) {
        checks.couldNotCheck(QStringLiteral("toc"), QStringLiteral("cancelled"));
    } else if (!listed->succeeded()) {
        checks.corrupt(QStringLiteral("toc"), listed->failureText(QStringLiteral("pg_restore -l")));
    } else {
        out.toc = TocListing::parse(listed->standardOutput);
        if (manifest && manifest->tocListed >= 0 && manifest->tocListed != out.toc.entries.size()) {
            checks.corrupt(QStringLiteral("toc"),
                           QStringLiteral("the archive lists %1 items, the manifest records %2")
                               .arg(out.toc.entries.size())
                               .arg(manifest->tocListed));
        } else {
            checks.pass(QStringLiteral("toc"), describeToc(out.toc));
        }
    }
}

// `pg_restore -f /dev/null` on a helper thread, so that one core inflates every block while the
// other hashes the file (pg-measured.md).
class FullRead final
{
public:
    using ItemRead = std::function<void()>;

    FullRead(const QString &pgRestore,
             const QString &path,
             const CancelToken &cancel,
             ItemRead onItem)
        : m_task([pgRestore, path, cancel, onItem = std::move(onItem)] {
            ChildSpec spec;
            spec.program = pgRestore;
            spec.arguments
                = {QStringLiteral("-v"), QStringLiteral("-f"), QStringLiteral("/dev/null"), path};
            spec.environment = ChildProcess::baseEnvironment();
            return ChildProcess::run(spec, cancel, [&onItem](const QString &line) {
                if (line.startsWith(QLatin1String("pg_restore: creating "))
                    || line.startsWith(QLatin1String("pg_restore: processing data for table"))) {
                    onItem();
                }
            });
        })
        , m_cancel(cancel)
    {}

    void finish(VerificationChecks &checks)
    {
        const Result<ChildResult> read = m_task.result(m_cancel);
        if (!read) {
            checks.couldNotCheck(QStringLiteral("full read"), read.error().message);
        } else if (read->cancelled) {
            checks.couldNotCheck(QStringLiteral("full read"), QStringLiteral("cancelled"));
        } else if (!read->succeeded()) {
            checks.corrupt(QStringLiteral("full read"),
                           read->failureText(QStringLiteral("pg_restore -f /dev/null")));
        } else {
            checks.pass(QStringLiteral("full read"),
                        QStringLiteral("every data block read and inflated"));
        }
    }

private:
    HelperTask<Result<ChildResult>> m_task;
    CancelToken m_cancel;
};

// A dump ragdr did not make, verified for the first time: remember what it looks like now, so
// that a later change shows.
void adopt(BackupManifest &m, const FileVerification &fv, const QDateTime &createdAt)
{
    m.sha256 = QString::fromLatin1(fv.sha256);
    m.size = fv.size;
    m.tocListed = int(fv.toc.entries.size());
    m.tocEntries = fv.toc.headerEntries;
    m.tocTableData = fv.toc.count(QStringLiteral("TABLE DATA"));
    m.compression = fv.toc.compression;
    m.archiveVersion = fv.toc.dumpVersion;
    m.pgDumpVersion = fv.toc.dumpedBy;
    m.facts.serverVersion = fv.toc.dumpedFrom;
    m.finishedAt = createdAt;
    m.database = fv.toc.databaseName;
}

// The restored copy against the manifest, one check per aspect.
void compareFacts(const BackupManifest *manifest,
                  const DatabaseFacts &restored,
                  const RagSchema &schema,
                  VerificationChecks &checks)
{
    using Aspect = FactsDifference::Aspect;
    qint64 rows = 0;
    for (const TableCount &t : restored.tables)
        rows += t.rows;
    if (!manifest || manifest->isAdopted() || manifest->facts.tables.isEmpty()) {
        checks.skip(QStringLiteral("counts"),
                    QStringLiteral("no manifest with row counts: the restore has %1 tables and %2 "
                                   "rows, nothing to compare with")
                        .arg(restored.tables.size())
                        .arg(rows));
        checks.skip(QStringLiteral("similarity"),
                    QStringLiteral("no manifest recorded the nearest neighbours of probe "
                                   "embeddings, nothing to compare with"));
        return;
    }
    const DatabaseFacts &expected = manifest->facts;
    const QList<FactsDifference> diffs = DatabaseFactsCollector::differences(expected, restored);
    auto about = [&](std::initializer_list<Aspect> aspects) {
        QStringList texts;
        for (const FactsDifference &d : diffs) {
            if (std::find(aspects.begin(), aspects.end(), d.aspect) != aspects.end())
                texts.append(d.text);
        }
        return texts;
    };
    auto judge = [&](const QString &name, const QStringList &found, const QString &good) {
        if (found.isEmpty())
            checks.pass(name, good);
        else
            checks.corrupt(name,
                           QStringLiteral("the restored copy differs from the manifest: %1")
                               .arg(found.join(QStringLiteral("; "))));
    };
    judge(QStringLiteral("counts"),
          about({Aspect::Tables, Aspect::Rows, Aspect::Rag, Aspect::ExtensionMissing}),
          QStringLiteral("%1 tables, %2 rows: equal to the manifest")
              .arg(restored.tables.size())
              .arg(rows));
    if (expected.contentHashMethod.isEmpty()) {
        checks.skip(QStringLiteral("content"),
                    QStringLiteral("the manifest has no content hashes (made by an older ragdr)"));
    } else if (expected.contentHashMethod != restored.contentHashMethod) {
        checks.skip(QStringLiteral("content"),
                    QStringLiteral("the manifest's content hashes (%1) are not made as this ragdr "
                                   "makes them (%2)")
                        .arg(expected.contentHashMethod, restored.contentHashMethod));
    } else {
        judge(QStringLiteral("content"),
              about({Aspect::Content}),
              QStringLiteral("every table's content hash equals the manifest's"));
    }
    const bool probesRecorded = expected.rag && !expected.rag->probes.isEmpty();
    if (probesRecorded) {
        const RagFacts &rag = *expected.rag;
        judge(QStringLiteral("similarity"),
              about({Aspect::Probes}),
              QStringLiteral("the %1 nearest neighbours of %2 probe embeddings among %3 (dimension "
                             "%4) are those the manifest records")
                  .arg(rag.probes.constFirst().topKeys.size())
                  .arg(rag.probes.size())
                  .arg(rag.probes.constFirst().candidates)
                  .arg(rag.dimension));
    } else if (schema.hasEmbeddings()) {
        checks.skip(QStringLiteral("similarity"),
                    QStringLiteral("the manifest records no probe neighbours (made by an older "
                                   "ragdr)"));
    }
    const QStringList versions = about({Aspect::ExtensionVersion});
    if (!versions.isEmpty())
        checks.pass(QStringLiteral("extensions"), versions.join(QStringLiteral("; ")));
}

// pg_restore --exit-on-error into the scratch database. Returns whether it restored; damage to
// the archive is a Corrupt verdict, anything else (the server, the role) could not check.
bool restoreInto(const ScratchDatabase &scratch,
                 const QString &path,
                 const DatabaseConfig &db,
                 const QByteArray &password,
                 const TocListing &toc,
                 VerificationChecks &checks,
                 const Progress &progress)
{
    auto pgRestore = PgTools::locate(QStringLiteral("pg_restore"));
    if (!pgRestore) {
        checks.couldNotCheck(QStringLiteral("restore"), pgRestore.error().message);
        return false;
    }
    auto passFile = PgPassFile::create(db, password);
    if (!passFile) {
        checks.couldNotCheck(QStringLiteral("restore"), passFile.error().message);
        return false;
    }
    ChildSpec spec;
    spec.program = *pgRestore;
    spec.arguments = PgTools::connectionArguments(db);
    spec.arguments << QStringLiteral("-d") << scratch.name() << QStringLiteral("-w")
                   << QStringLiteral("-v") << QStringLiteral("--exit-on-error")
                   << QStringLiteral("--no-owner") << QStringLiteral("--no-privileges")
                   << QStringLiteral("-j")
                   << QString::number(qBound(1, QThread::idealThreadCount(), 4)) << path;
    spec.environment = PgPassFile::environmentFor(db, passFile->get());
    const int expected = std::max<qsizetype>(1, toc.entries.size());
    QSet<QString> done;
    static const QRegularExpression item(QStringLiteral("(?:processing|finished) item (\\d+)"));
    auto restored = ChildProcess::run(spec, progress.cancelToken(), [&](const QString &line) {
        const auto m = item.match(line);
        if (m.hasMatch()) {
            done.insert(m.captured(1));
            progress.set(std::min(1.0, double(done.size()) / expected),
                         QStringLiteral("restoring into %1 (%2 of %3 items)")
                             .arg(scratch.name())
                             .arg(done.size())
                             .arg(expected));
        }
    });
    if (!restored) {
        checks.couldNotCheck(QStringLiteral("restore"), restored.error().message);
        return false;
    }
    if (restored->cancelled) {
        checks.couldNotCheck(QStringLiteral("restore"), QStringLiteral("cancelled"));
        return false;
    }
    if (!restored->succeeded()) {
        const QString why = restored->failureText(QStringLiteral("pg_restore --exit-on-error"));
        if (isArchiveDamage(why))
            checks.corrupt(QStringLiteral("restore"), why);
        else
            checks.couldNotCheck(QStringLiteral("restore"), why);
        return false;
    }
    checks.pass(QStringLiteral("restore"),
                QStringLiteral("restored into %1 with --exit-on-error").arg(scratch.name()));
    return true;
}

} // namespace

BackupVerifier::BackupVerifier(Profile profile, Region region)
    : m_profile(std::move(profile))
    , m_region(std::move(region))
{}

FileVerification BackupVerifier::verifyFile(const QString &path,
                                            const BackupManifest *manifest,
                                            VerifyLevel level,
                                            const Progress &progress,
                                            bool creating) const
{
    QElapsedTimer clock;
    clock.start();
    FileVerification out;
    out.record = newRecord(level);
    VerificationChecks checks(out.record);
    const bool deep = level == VerifyLevel::Deep;
    const Progress fileProgress = progress.sub(0.0, deep ? 0.3 : 1.0);
    const QString adoptedNote = manifest && manifest->isAdopted() ? QStringLiteral(
                                    " (as observed when ragdr first verified this dump)")
                                                                  : QString();

    bool readable = checkHeaderAndSize(path, manifest, adoptedNote, out, checks);
    if (out.size < 0) {
        out.record.durationMs = clock.elapsed();
        return out;
    }
    auto pgRestore = PgTools::locate(QStringLiteral("pg_restore"));
    if (!pgRestore) {
        checks.couldNotCheck(QStringLiteral("tools"), pgRestore.error().message);
        readable = false;
    }

    // Progress: 30 % hashing, 70 % the full read's items (quick: hashing only).
    const int expectedItems = manifest && manifest->tocListed > 0 ? manifest->tocListed : 0;
    std::atomic_int itemsRead{0};
    std::atomic<double> hashed{0.0};
    auto showProgress = [&] {
        if (level == VerifyLevel::Quick || expectedItems == 0) {
            fileProgress.set(hashed * 0.9, QStringLiteral("computing sha256"));
            return;
        }
        const double read = std::min(1.0, double(itemsRead.load()) / expectedItems);
        fileProgress.set(0.3 * hashed + 0.7 * read,
                         QStringLiteral("computing sha256, reading every block"));
    };
    std::optional<FullRead> fullRead;
    if (readable && level != VerifyLevel::Quick) {
        fullRead.emplace(*pgRestore, path, progress.cancelToken(), [&] {
            ++itemsRead;
            showProgress();
        });
    }

    if (out.size > 0) {
        auto sha = files::sha256Hex(path, progress.cancelToken(), [&](qint64 done, qint64 total) {
            hashed = total > 0 ? double(done) / double(total) : 1.0;
            showProgress();
        });
        if (sha) {
            out.sha256 = *sha;
            checkSha256(*sha, manifest, creating, adoptedNote, checks);
        } else {
            checks.couldNotCheck(QStringLiteral("sha256"), sha.error().message);
        }
    }
    checkKubernetes(path, manifest, checks);
    if (readable)
        checkToc(*pgRestore, path, manifest, progress.cancelToken(), out, checks);
    if (fullRead) {
        fileProgress.setStep(QStringLiteral("reading every block (pg_restore -f /dev/null)"));
        fullRead->finish(checks);
        fullRead.reset();
    } else if (level != VerifyLevel::Quick) {
        checks.skip(QStringLiteral("full read"), QStringLiteral("not a readable archive"));
    }

    if (deep) {
        if (checks.isCorrupt() || !readable) {
            checks.skip(QStringLiteral("restore"),
                        QStringLiteral("the archive is already known to be damaged"));
        } else {
            restoreAndCompare(path, manifest, out, progress.sub(0.3, 1.0));
        }
    }
    out.record.durationMs = clock.elapsed();
    progress.set(1.0, QStringLiteral("verified"));
    return out;
}

void BackupVerifier::restoreAndCompare(const QString &path,
                                       const BackupManifest *manifest,
                                       FileVerification &out,
                                       const Progress &progress) const
{
    VerificationChecks checks(out.record);
    const DatabaseConfig db = m_region.verifyDatabase.value_or(m_region.database);
    auto password = SecretStore::read(db.password);
    if (!password) {
        checks.couldNotCheck(QStringLiteral("restore"), password.error().message);
        return;
    }
    // The scratch database's lock is taken where every verifier takes it, the maintenance
    // database: an advisory lock holds only within its database, and from the region's own
    // database the verification of another region on the same server took this one's scratch
    // database for a leftover, and dropped it under it.
    auto admin = PgSession::connect(db, *password, m_profile.restore.maintenanceDatabase);
    if (!admin) {
        checks.couldNotCheck(QStringLiteral("restore"), admin.error().message);
        return;
    }
    progress.set(0.0, QStringLiteral("dropping scratch databases earlier runs left"));
    out.droppedLeftovers = ScratchDatabase::dropLeftovers(**admin, &out.problems);

    progress.set(0.0, QStringLiteral("creating a scratch database"));
    auto created = ScratchDatabase::create(std::move(*admin), db);
    if (!created) {
        checks.couldNotCheck(QStringLiteral("restore"), created.error().message);
        return;
    }
    const std::unique_ptr<ScratchDatabase> scratch = std::move(*created);
    checks.pass(QStringLiteral("scratch database"), scratch->describe());

    if (restoreInto(*scratch, path, db, *password, out.toc, checks, progress.sub(0.0, 0.7))) {
        progress.set(0.7,
                     QStringLiteral("counting and hashing the rows in %1").arg(scratch->name()));
        // pg_restore is done: both cores are free for two sessions.
        auto facts = DatabaseFactsCollector::collect(db,
                                                     *password,
                                                     scratch->name(),
                                                     m_profile.schema,
                                                     progress.cancelToken(),
                                                     kFactSessions);
        if (facts) {
            out.restoredFacts = *facts;
            compareFacts(manifest, *facts, m_profile.schema, checks);
        } else {
            checks.couldNotCheck(QStringLiteral("counts"), facts.error().message);
        }
    }

    progress.set(0.95, QStringLiteral("dropping scratch database %1").arg(scratch->name()));
    if (auto dropped = scratch->drop(); !dropped)
        checks.couldNotCheck(QStringLiteral("cleanup"), dropped.error().message);
}

OperationResult BackupVerifier::run(const QString &backupKey,
                                    VerifyLevel level,
                                    const Progress &progress) const
{
    progress.set(0.0, QStringLiteral("listing backups"));
    auto listing = BackupCatalog::list(m_profile, m_region, progress.cancelToken());
    if (!listing)
        return OperationResult::failure(listing.error());
    auto found = listing->find(backupKey);
    if (!found)
        return OperationResult::failure(found.error());
    const BackupEntry entry = **found;
    const BackupManifest *manifest = entry.manifest ? &*entry.manifest : nullptr;
    const QString untouched
        = level == VerifyLevel::Deep
              ? QStringLiteral("the backup files were only read; the live database was not "
                               "touched (the restore went into a scratch database)")
              : QStringLiteral("the backup files were only read; no database was touched");
    if (!entry.manifestProblem.isEmpty()) {
        return OperationResult::failure(
            Error::failed(QStringLiteral("%1: manifest damaged: %2. ragdr does not replace a "
                                         "damaged manifest, and the backup counts as unverified "
                                         "until a person repairs or removes it")
                              .arg(entry.id, entry.manifestProblem),
                          QStringLiteral("the dump and its manifest were left as they are")));
    }

    // Phase 1: every copy is read: the primary at level, the others' checksums beside it.
    LocalRepository primary(m_region.primaryRepository());
    FileVerification fv;
    CopyCheck::Report copies;
    {
        CopyCheck copyCheck(m_region, entry, progress.cancelToken());
        if (entry.inPrimary()) {
            fv = verifyFile(primary.locationOf(entry.fileName),
                            manifest,
                            level,
                            progress.sub(0.02, 0.9));
        } else {
            fv.record = newRecord(level);
            fv.record.result = VerificationResult::CouldNotCheck;
            fv.record.reason
                = QStringLiteral("the primary copy is missing from %1").arg(primary.directory());
        }
        if (progress.isCancelled())
            return OperationResult::failure(Error::cancelled(untouched));
        copies = copyCheck.compare(manifest, fv.sha256, fv.size, progress);
    }
    if (progress.isCancelled())
        return OperationResult::failure(Error::cancelled(untouched));

    // Phase 2: the outcome is recorded, and on a verdict "latest" decided, under one lock: no
    // other writer changes a standing between the two.
    progress.set(0.98, QStringLiteral("recording the result"));
    QStringList warnings = fv.problems;
    for (const QString &name : std::as_const(fv.droppedLeftovers)) {
        warnings.append(
            QStringLiteral("dropped the scratch database %1, which an earlier verification left")
                .arg(name));
    }
    QString latest = listing->latestTarget;
    bool recorded = false;
    // A backup just found corrupt must lose its standing even if the user cancels now.
    auto lock = ManifestLock::acquire(m_region,
                                      fv.record.corrupt() ? CancelToken() : progress.cancelToken(),
                                      [&](const QString &why) { progress.setStep(why); });
    if (!lock && lock.error().kind == Error::Kind::Cancelled)
        return OperationResult::failure(Error::cancelled(untouched));
    if (lock) {
        ManifestStore store(m_profile, m_region);
        auto updated = store.update(
            **lock,
            entry.fileName,
            [&](BackupManifest &m) {
                if (m.isAdopted() && m.sha256.isEmpty() && fv.record.passed())
                    adopt(m, fv, entry.createdAt);
                if (entry.inPrimary())
                    m.verifications.append(fv.record);
                for (const CopyRecord &c : std::as_const(copies.copies))
                    m.setCopy(c);
            },
            CancelToken(),
            &warnings);
        recorded = updated.has_value();
        if (!updated)
            warnings.append(updated.error().message);
        // Only a verdict moves "latest": a check that could not run says nothing about the backup.
        if (recorded && fv.record.conclusive()) {
            if (auto linked = BackupCatalog::relinkLatest(m_profile, m_region, **lock))
                latest = *linked;
            else
                warnings.append(linked.error().message);
        }
    } else {
        warnings.append(lock.error().message);
    }

    QJsonArray copyJson;
    for (const CopyRecord &c : std::as_const(copies.copies))
        copyJson.append(c.toJson());
    QJsonObject evidence{{QStringLiteral("backup"), entry.id},
                         {QStringLiteral("file"), primary.locationOf(entry.fileName)},
                         {QStringLiteral("region"), m_region.name},
                         {QStringLiteral("verification"), fv.record.toJson()},
                         {QStringLiteral("recorded"), recorded},
                         {QStringLiteral("copies"), copyJson},
                         {QStringLiteral("latest"), latest}};
    if (!fv.droppedLeftovers.isEmpty()) {
        evidence.insert(QStringLiteral("dropped_scratch_databases"),
                        QJsonArray::fromStringList(fv.droppedLeftovers));
    }

    OperationResult result;
    const QString what = QStringLiteral("%1 (%2 verification)").arg(entry.id, levelName(level));
    if (fv.record.corrupt()) {
        result = OperationResult::failure(Error::failed(QStringLiteral("CORRUPT: %1: %2")
                                                            .arg(what, fv.record.reason),
                                                        untouched),
                                          evidence);
    } else if (!fv.record.passed()) {
        result = OperationResult::failure(
            Error::failed(QStringLiteral("could not verify %1: %2. This says nothing about the "
                                         "backup: its standing (%3) and \"latest\" (%4) are as "
                                         "they were")
                              .arg(what,
                                   fv.record.reason,
                                   entry.verificationText().section(QLatin1Char(';'), 0, 0),
                                   latest.isEmpty() ? QStringLiteral("none") : latest),
                          untouched),
            evidence);
    } else if (!copies.bad.isEmpty()) {
        result = OperationResult::failure(
            Error::failed(QStringLiteral("%1 passed, but not every copy is good: %2")
                              .arg(what, copies.bad.join(QStringLiteral("; "))),
                          untouched),
            evidence);
    } else {
        QString msg = QStringLiteral("%1 passed; %2 of %3 copies ok")
                          .arg(what)
                          .arg(copies.copies.size() - copies.missing.size())
                          .arg(copies.copies.size());
        if (!copies.missing.isEmpty())
            msg += QStringLiteral(" (none in %1)").arg(copies.missing.join(QStringLiteral(", ")));
        if (!fv.record.unchecked.isEmpty())
            msg += QStringLiteral("; not checked: %1")
                       .arg(fv.record.unchecked.join(QStringLiteral("; ")));
        result = OperationResult::success(msg, evidence);
        result.untouched = untouched;
    }
    if (!copies.missing.isEmpty()) {
        warnings.append(QStringLiteral("no copy in %1: the backup is not redundant there")
                            .arg(copies.missing.join(QStringLiteral(", "))));
    }
    result.warnings = warnings;
    return result;
}

} // namespace ragdr::core
