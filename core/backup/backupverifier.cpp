#include "backupverifier.h"

#include "backupcatalog.h"
#include "backuprepository.h"
#include "databasefacts.h"
#include "manifeststore.h"

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
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QThread>
#include <QtConcurrent>

#include <atomic>

namespace ragdr::core {

namespace {

// Records each check and keeps the worst outcome: corrupt beats could-not-check beats passed.
class Checks final
{
public:
    // The record's result must start as "passed"; each check can only make it worse.
    explicit Checks(VerificationRecord &record)
        : m_record(record)
    {}

    void pass(const QString &name, const QString &detail)
    {
        add(name, QStringLiteral("passed"), detail);
    }

    void corrupt(const QString &name, const QString &detail)
    {
        add(name, QStringLiteral("failed"), detail);
        if (m_record.result != QLatin1String("corrupt")) {
            m_record.result = QStringLiteral("corrupt");
            m_record.reason = detail;
        }
    }

    void couldNotCheck(const QString &name, const QString &detail)
    {
        add(name, QStringLiteral("error"), detail);
        if (m_record.result == QLatin1String("passed")) {
            m_record.result = QStringLiteral("failed");
            m_record.reason = detail;
        }
    }

    void skip(const QString &name, const QString &why)
    {
        add(name, QStringLiteral("skipped"), why);
        m_record.unchecked.append(QStringLiteral("%1: %2").arg(name, why));
    }

    bool isCorrupt() const { return m_record.result == QLatin1String("corrupt"); }

private:
    void add(const QString &name, const QString &status, const QString &detail)
    {
        m_record.checks.append(QJsonObject{{QStringLiteral("name"), name},
                                           {QStringLiteral("status"), status},
                                           {QStringLiteral("detail"), detail}});
    }

    VerificationRecord &m_record;
};

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
    out.record.level = level;
    out.record.at = QDateTime::currentDateTimeUtc();
    out.record.by = Journal::actor();
    out.record.result = QStringLiteral("passed");
    Checks checks(out.record);
    const bool deep = level == VerifyLevel::Deep;
    const Progress fileProgress = progress.sub(0.0, deep ? 0.3 : 1.0);
    const QString adoptedNote = manifest && manifest->isAdopted() ? QStringLiteral(
                                    " (as observed when ragdr first verified this dump)")
                                                                  : QString();

    const QFileInfo info(path);
    if (!info.exists()) {
        checks.couldNotCheck(QStringLiteral("file"), QStringLiteral("%1 does not exist").arg(path));
        return out;
    }
    out.size = info.size();
    // The header first: for a file that is no archive at all, that is the reason worth reading.
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

    auto pgRestore = PgTools::locate(QStringLiteral("pg_restore"));
    if (!pgRestore) {
        checks.couldNotCheck(QStringLiteral("tools"), pgRestore.error().message);
        readable = false;
    }
    const QProcessEnvironment env = ChildProcess::baseEnvironment();

    // The full read runs beside the hashing: one core inflates, the other hashes (pg-measured.md).
    const int expectedItems = manifest && manifest->tocListed > 0 ? manifest->tocListed : 0;
    std::atomic_int itemsRead{0};
    QFuture<Result<ChildResult>> fullRead;
    if (readable && level != VerifyLevel::Quick) {
        ChildSpec spec;
        spec.program = *pgRestore;
        spec.arguments
            = {QStringLiteral("-v"), QStringLiteral("-f"), QStringLiteral("/dev/null"), path};
        spec.environment = env;
        const CancelToken cancel = progress.cancelToken();
        fullRead = QtConcurrent::run([spec, cancel, &itemsRead] {
            return ChildProcess::run(spec, cancel, [&itemsRead](const QString &line) {
                if (line.startsWith(QLatin1String("pg_restore: creating "))
                    || line.startsWith(QLatin1String("pg_restore: processing data for table"))) {
                    ++itemsRead;
                }
            });
        });
    }
    auto showProgress = [&](double hashed, const QString &step) {
        if (level == VerifyLevel::Quick || expectedItems == 0) {
            fileProgress.set(hashed * 0.9, step);
            return;
        }
        const double read = std::min(1.0, double(itemsRead.load()) / expectedItems);
        fileProgress.set(0.3 * hashed + 0.7 * read, step);
    };

    if (out.size > 0) {
        auto sha = files::sha256Hex(path, progress.cancelToken(), [&](qint64 done, qint64 total) {
            showProgress(total > 0 ? double(done) / double(total) : 1.0,
                         level == VerifyLevel::Quick
                             ? QStringLiteral("computing sha256")
                             : QStringLiteral("computing sha256, reading every block"));
        });
        if (!sha) {
            checks.couldNotCheck(QStringLiteral("sha256"), sha.error().message);
        } else {
            out.sha256 = *sha;
            if (creating) {
                checks.pass(QStringLiteral("sha256"),
                            QStringLiteral("%1 (recorded now)").arg(QString::fromLatin1(*sha)));
            } else if (!manifest || manifest->sha256.isEmpty()) {
                checks.skip(QStringLiteral("sha256"),
                            QStringLiteral(
                                "no manifest recorded a checksum when the backup was made, so a "
                                "change since then cannot be seen"));
            } else if (manifest->sha256.toLatin1() != *sha) {
                checks.corrupt(QStringLiteral("sha256"),
                               QStringLiteral(
                                   "sha256 %1 differs from the manifest's %2%3: the file changed "
                                   "after the backup was made")
                                   .arg(QString::fromLatin1(sha->left(12)),
                                        manifest->sha256.left(12),
                                        adoptedNote));
            } else {
                checks.pass(QStringLiteral("sha256"),
                            QStringLiteral("matches the manifest%1").arg(adoptedNote));
            }
        }
    }

    const QString kubernetesSha
        = manifest ? manifest->kubernetes.value(QStringLiteral("sha256")).toString() : QString();
    if (!kubernetesSha.isEmpty()) {
        QFile yaml(path + QStringLiteral(".k8s.yaml"));
        if (!yaml.open(QIODevice::ReadOnly)) {
            checks.corrupt(QStringLiteral("kubernetes"),
                           QStringLiteral(
                               "the Kubernetes objects saved with the backup are missing"));
        } else if (QCryptographicHash::hash(yaml.readAll(), QCryptographicHash::Sha256).toHex()
                   != kubernetesSha.toLatin1()) {
            checks.corrupt(
                QStringLiteral("kubernetes"),
                QStringLiteral(
                    "the Kubernetes objects saved with the backup changed (sha256 differs)"));
        } else {
            checks.pass(QStringLiteral("kubernetes"),
                        QStringLiteral("%1 objects, as recorded")
                            .arg(manifest->kubernetes.value(QStringLiteral("objects"))
                                     .toArray()
                                     .size()));
        }
    }

    if (readable) {
        ChildSpec spec;
        spec.program = *pgRestore;
        spec.arguments = {QStringLiteral("-l"), path};
        spec.environment = env;
        auto listed = ChildProcess::run(spec, progress.cancelToken());
        if (!listed) {
            checks.couldNotCheck(QStringLiteral("toc"), listed.error().message);
        } else if (listed->cancelled) {
            checks.couldNotCheck(QStringLiteral("toc"), QStringLiteral("cancelled"));
        } else if (!listed->succeeded()) {
            checks.corrupt(QStringLiteral("toc"),
                           listed->failureText(QStringLiteral("pg_restore -l")));
        } else {
            out.toc = TocListing::parse(listed->standardOutput);
            if (manifest && manifest->tocListed >= 0
                && manifest->tocListed != out.toc.entries.size()) {
                checks.corrupt(QStringLiteral("toc"),
                               QStringLiteral("the archive lists %1 items, the manifest records %2")
                                   .arg(out.toc.entries.size())
                                   .arg(manifest->tocListed));
            } else {
                checks.pass(QStringLiteral("toc"), describeToc(out.toc));
            }
        }
    }

    if (fullRead.isValid()) {
        while (!fullRead.isFinished()) {
            showProgress(1.0, QStringLiteral("reading every block (pg_restore -f /dev/null)"));
            QThread::msleep(50);
        }
        const Result<ChildResult> read = fullRead.result();
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
    Checks checks(out.record);

    const DatabaseConfig db = m_region.verifyDatabase.value_or(m_region.database);
    auto password = SecretStore::read(db.password);
    if (!password) {
        checks.couldNotCheck(QStringLiteral("restore"), password.error().message);
        return;
    }
    auto admin = PgSession::connect(db, *password);
    if (!admin) {
        checks.couldNotCheck(QStringLiteral("restore"), admin.error().message);
        return;
    }
    const QString scratch
        = QStringLiteral("ragdr_verify_%1_%2")
              .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmss")))
              .arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QLatin1Char('0'));
    progress.set(0.0, QStringLiteral("creating scratch database %1").arg(scratch));
    if (auto created = (*admin)->execute(QStringLiteral("CREATE DATABASE %1 TEMPLATE template0")
                                             .arg(PgSession::quoteIdentifier(scratch)));
        !created) {
        QString why = created.error().message;
        if (why.contains(QLatin1String("permission denied")))
            why += QStringLiteral(
                       " (deep verification restores into a scratch database: grant %1 CREATEDB, "
                       "or name another server as verify_database in the profile)")
                       .arg(db.user);
        checks.couldNotCheck(QStringLiteral("restore"), why);
        return;
    }
    out.record.checks.append(
        QJsonObject{{QStringLiteral("name"), QStringLiteral("scratch database")},
                    {QStringLiteral("status"), QStringLiteral("passed")},
                    {QStringLiteral("detail"),
                     QStringLiteral("%1 on %2:%3").arg(scratch, db.host).arg(db.port)}});

    [&] {
        auto pgRestore = PgTools::locate(QStringLiteral("pg_restore"));
        if (!pgRestore) {
            checks.couldNotCheck(QStringLiteral("restore"), pgRestore.error().message);
            return;
        }
        auto passFile = PgPassFile::create(db, *password);
        if (!passFile) {
            checks.couldNotCheck(QStringLiteral("restore"), passFile.error().message);
            return;
        }
        ChildSpec spec;
        spec.program = *pgRestore;
        spec.arguments = PgTools::connectionArguments(db);
        spec.arguments << QStringLiteral("-d") << scratch << QStringLiteral("-w")
                       << QStringLiteral("-v") << QStringLiteral("--exit-on-error")
                       << QStringLiteral("--no-owner") << QStringLiteral("--no-privileges")
                       << QStringLiteral("-j")
                       << QString::number(qBound(1, QThread::idealThreadCount(), 4)) << path;
        spec.environment = PgPassFile::environmentFor(db, passFile->get());
        const int expected = std::max<qsizetype>(1, out.toc.entries.size());
        QSet<QString> done;
        static const QRegularExpression item(QStringLiteral("(?:processing|finished) item (\\d+)"));
        auto restored = ChildProcess::run(spec, progress.cancelToken(), [&](const QString &line) {
            const auto m = item.match(line);
            if (m.hasMatch()) {
                done.insert(m.captured(1));
                progress.set(0.8 * std::min(1.0, double(done.size()) / expected),
                             QStringLiteral("restoring into %1 (%2 of %3 items)")
                                 .arg(scratch)
                                 .arg(done.size())
                                 .arg(expected));
            }
        });
        if (!restored) {
            checks.couldNotCheck(QStringLiteral("restore"), restored.error().message);
            return;
        }
        if (restored->cancelled) {
            checks.couldNotCheck(QStringLiteral("restore"), QStringLiteral("cancelled"));
            return;
        }
        if (!restored->succeeded()) {
            const QString why = restored->failureText(QStringLiteral("pg_restore --exit-on-error"));
            if (isArchiveDamage(why))
                checks.corrupt(QStringLiteral("restore"), why);
            else
                checks.couldNotCheck(QStringLiteral("restore"), why);
            return;
        }
        checks.pass(QStringLiteral("restore"),
                    QStringLiteral("restored into %1 with --exit-on-error").arg(scratch));

        progress.set(0.8, QStringLiteral("counting rows in %1").arg(scratch));
        auto session = PgSession::connect(db, *password, scratch);
        if (!session) {
            checks.couldNotCheck(QStringLiteral("counts"), session.error().message);
            return;
        }
        (*session)->begin(PgSession::Isolation::RepeatableRead, true);
        auto facts = DatabaseFactsCollector::collect(**session,
                                                     m_profile.schema,
                                                     progress.cancelToken());
        (*session)->rollback();
        if (!facts) {
            checks.couldNotCheck(QStringLiteral("counts"), facts.error().message);
            return;
        }
        out.restoredFacts = *facts;
        qint64 rows = 0;
        for (const TableCount &t : facts->tables)
            rows += t.rows;
        if (manifest && !manifest->isAdopted() && !manifest->facts.tables.isEmpty()) {
            const QStringList diffs = DatabaseFactsCollector::compare(manifest->facts, *facts);
            if (diffs.isEmpty()) {
                checks.pass(QStringLiteral("counts"),
                            QStringLiteral("%1 tables, %2 rows: equal to the manifest")
                                .arg(facts->tables.size())
                                .arg(rows));
            } else {
                checks.corrupt(QStringLiteral("counts"),
                               QStringLiteral("the restored copy differs from the "
                                              "manifest: %1")
                                   .arg(diffs.join(QStringLiteral("; "))));
            }
        } else {
            checks.skip(QStringLiteral("counts"),
                        QStringLiteral("no manifest with row counts: the restore has "
                                       "%1 tables and %2 rows, nothing to compare with")
                            .arg(facts->tables.size())
                            .arg(rows));
        }
        if (facts->rag && facts->rag->probe.isSet()) {
            const SimilarityProbe &p = facts->rag->probe;
            const bool selfFirst = !p.topKeys.isEmpty() && p.topKeys.constFirst() == p.probeKey
                                   && p.scores.constFirst() > 0.9999;
            if (selfFirst) {
                checks.pass(QStringLiteral("similarity"),
                            QStringLiteral(
                                "nearest neighbours of %1 among %2 embeddings (dimension %3): %4")
                                .arg(p.probeKey)
                                .arg(p.candidates)
                                .arg(facts->rag->dimension)
                                .arg(p.topKeys.join(QStringLiteral(", "))));
            } else {
                checks.corrupt(QStringLiteral("similarity"),
                               QStringLiteral(
                                   "the embedding of %1 is not its own nearest neighbour after "
                                   "restore: the vectors are damaged")
                                   .arg(p.probeKey));
            }
        } else if (m_profile.schema.hasEmbeddings()) {
            checks.skip(QStringLiteral("similarity"),
                        QStringLiteral("no embeddings in the restored copy"));
        }
    }();

    progress.set(0.95, QStringLiteral("dropping scratch database %1").arg(scratch));
    // FORCE: a session left by a cancelled restore must not keep the scratch database alive.
    if (auto dropped = (*admin)->execute(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)")
                                             .arg(PgSession::quoteIdentifier(scratch)));
        !dropped) {
        checks.couldNotCheck(QStringLiteral("cleanup"),
                             QStringLiteral("the scratch database %1 could not be dropped: %2")
                                 .arg(scratch, dropped.error().message));
    }
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

    // The other copies are hashed while the primary copy is verified: they are read from other
    // disks or remotes, so their reading does not slow the local one down.
    QHash<int, QFuture<Result<QByteArray>>> copyHashes;
    for (int i = 1; i < m_region.repositories.size(); ++i) {
        const CopyState::State state = entry.copies.value(i).state;
        if (state == CopyState::State::Missing || state == CopyState::State::Unreachable)
            continue;
        const RepositoryConfig config = m_region.repositories.at(i);
        const QString fileName = entry.fileName;
        const Progress quiet(nullptr, progress.cancelToken());
        copyHashes.insert(i, QtConcurrent::run([config, fileName, quiet] {
                              return BackupRepository::create(config)->sha256(fileName, quiet);
                          }));
    }

    LocalRepository primary(m_region.primaryRepository());
    FileVerification fv;
    if (entry.inPrimary()) {
        fv = verifyFile(primary.locationOf(entry.fileName),
                        manifest,
                        level,
                        progress.sub(0.02, 0.9));
    } else {
        fv.record.level = level;
        fv.record.at = QDateTime::currentDateTimeUtc();
        fv.record.by = Journal::actor();
        fv.record.result = QStringLiteral("failed");
        fv.record.reason
            = QStringLiteral("the primary copy is missing from %1").arg(primary.directory());
    }
    if (progress.isCancelled()) {
        for (auto &hashing : copyHashes)
            hashing.waitForFinished(); // cancelled too: rclone is stopped
        return OperationResult::failure(Error::cancelled(untouched));
    }

    // Every other copy: its checksum against the manifest (or what the primary copy has now).
    const QString reference = manifest && !manifest->sha256.isEmpty()
                                  ? manifest->sha256
                                  : QString::fromLatin1(fv.sha256);
    QList<CopyRecord> copies;
    QStringList badCopies;
    QStringList missingCopies;
    for (int i = 0; i < m_region.repositories.size(); ++i) {
        const RepositoryConfig &config = m_region.repositories.at(i);
        const CopyState &state = entry.copies.value(i);
        CopyRecord rec;
        rec.repository = config.name;
        rec.checkedAt = QDateTime::currentDateTimeUtc();
        auto repo = BackupRepository::create(config);
        rec.location = repo->locationOf(entry.fileName);
        if (i == 0) {
            rec.state = fv.sha256.isEmpty() ? QStringLiteral("missing")
                        : reference.isEmpty() || reference.toLatin1() == fv.sha256
                            ? QStringLiteral("ok")
                            : QStringLiteral("mismatch");
            rec.sha256 = QString::fromLatin1(fv.sha256);
            rec.size = fv.size;
        } else if (state.state == CopyState::State::Unreachable) {
            rec.state = QStringLiteral("error");
            rec.detail = QStringLiteral("the repository could not be listed");
        } else if (state.state == CopyState::State::Missing) {
            rec.state = QStringLiteral("missing");
        } else {
            progress.set(0.9 + 0.08 * i / m_region.repositories.size(),
                         QStringLiteral("checking the copy in %1").arg(config.name));
            const Result<QByteArray> sha = copyHashes.value(i).result();
            if (!sha) {
                rec.state = QStringLiteral("error");
                rec.detail = sha.error().message;
            } else {
                rec.sha256 = QString::fromLatin1(*sha);
                rec.size = state.size;
                rec.state = reference.isEmpty() || reference.toLatin1() == *sha
                                ? QStringLiteral("ok")
                                : QStringLiteral("mismatch");
                if (rec.state == QLatin1String("mismatch")) {
                    rec.detail = manifest && !manifest->sha256.isEmpty()
                                     ? QStringLiteral("sha256 %1 here, %2 expected")
                                           .arg(rec.sha256.left(12), reference.left(12))
                                     : QStringLiteral("sha256 %1 here, %2 in the primary copy; no "
                                                      "manifest says which "
                                                      "is intact")
                                           .arg(rec.sha256.left(12), reference.left(12));
                }
            }
        }
        if (rec.state == QLatin1String("missing") && i > 0) {
            // Not damage: the copy was never made there (a runbook dump) or was removed.
            missingCopies.append(config.name);
        } else if (rec.state != QLatin1String("ok")) {
            badCopies.append(QStringLiteral("%1: %2%3")
                                 .arg(config.name,
                                      rec.state,
                                      rec.detail.isEmpty()
                                          ? QString()
                                          : QStringLiteral(" (") + rec.detail + QLatin1Char(')')));
        }
        copies.append(rec);
    }
    if (progress.isCancelled())
        return OperationResult::failure(Error::cancelled(untouched));

    progress.set(0.98, QStringLiteral("recording the result"));
    QStringList warnings;
    ManifestStore store(m_profile, m_region);
    auto updated = store.update(
        entry.fileName,
        [&](BackupManifest &m) {
            if (m.isAdopted() && m.sha256.isEmpty() && fv.record.passed()) {
                // First verification of a dump ragdr did not make: remember what it looks like now.
                m.sha256 = QString::fromLatin1(fv.sha256);
                m.size = fv.size;
                m.tocListed = int(fv.toc.entries.size());
                m.tocEntries = fv.toc.headerEntries;
                m.tocTableData = fv.toc.count(QStringLiteral("TABLE DATA"));
                m.compression = fv.toc.compression;
                m.archiveVersion = fv.toc.dumpVersion;
                m.pgDumpVersion = fv.toc.dumpedBy;
                m.facts.serverVersion = fv.toc.dumpedFrom;
                m.finishedAt = entry.createdAt;
                m.database = fv.toc.databaseName;
            }
            if (entry.inPrimary())
                m.verifications.append(fv.record);
            for (const CopyRecord &c : std::as_const(copies))
                m.setCopy(c);
        },
        progress.cancelToken(),
        &warnings);
    if (!updated)
        warnings.append(updated.error().message);

    // Not cancellable: a backup just found corrupt must lose the link even if the user cancels now.
    QString latest;
    if (auto linked = BackupCatalog::relinkLatest(m_profile, m_region, CancelToken()))
        latest = *linked;
    else
        warnings.append(linked.error().message);

    QJsonArray copyJson;
    for (const CopyRecord &c : std::as_const(copies))
        copyJson.append(c.toJson());
    QJsonObject evidence{{QStringLiteral("backup"), entry.id},
                         {QStringLiteral("file"), primary.locationOf(entry.fileName)},
                         {QStringLiteral("region"), m_region.name},
                         {QStringLiteral("verification"), fv.record.toJson()},
                         {QStringLiteral("copies"), copyJson},
                         {QStringLiteral("latest"), latest}};

    OperationResult result;
    const QString what = QStringLiteral("%1 (%2 verification)").arg(entry.id, levelName(level));
    if (fv.record.result == QLatin1String("corrupt")) {
        result = OperationResult::failure(Error::failed(QStringLiteral("CORRUPT: %1: %2")
                                                            .arg(what, fv.record.reason),
                                                        untouched),
                                          evidence);
    } else if (!fv.record.passed()) {
        result = OperationResult::failure(Error::failed(QStringLiteral("could not verify %1: %2")
                                                            .arg(what, fv.record.reason),
                                                        untouched),
                                          evidence);
    } else if (!badCopies.isEmpty()) {
        result = OperationResult::failure(
            Error::failed(QStringLiteral("%1 passed, but not every copy is good: %2")
                              .arg(what, badCopies.join(QStringLiteral("; "))),
                          untouched),
            evidence);
    } else {
        QString msg = QStringLiteral("%1 passed; %2 of %3 copies ok")
                          .arg(what)
                          .arg(copies.size() - missingCopies.size())
                          .arg(copies.size());
        if (!missingCopies.isEmpty())
            msg += QStringLiteral(" (none in %1)").arg(missingCopies.join(QStringLiteral(", ")));
        if (!fv.record.unchecked.isEmpty())
            msg += QStringLiteral("; not checked: %1")
                       .arg(fv.record.unchecked.join(QStringLiteral("; ")));
        result = OperationResult::success(msg, evidence);
        result.untouched = untouched;
    }
    if (!missingCopies.isEmpty()) {
        warnings.append(QStringLiteral("no copy in %1: the backup is not redundant there")
                            .arg(missingCopies.join(QStringLiteral(", "))));
    }
    result.warnings = warnings;
    return result;
}

} // namespace ragdr::core
