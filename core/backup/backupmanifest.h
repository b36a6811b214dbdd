#pragma once

#include "databasefacts.h"

#include "core/base/error.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace ragdr::core {

enum class VerifyLevel { Quick, Full, Deep };
QString levelName(VerifyLevel level);
std::optional<VerifyLevel> levelFromName(const QString &name);

// What one verification concluded. Only Passed and Corrupt are verdicts; CouldNotCheck (the
// scratch database could not be made or dropped, the server was unreachable, permission denied)
// says nothing about the backup and never changes its standing.
enum class VerificationResult { Passed, Corrupt, CouldNotCheck };
QString resultName(VerificationResult result);
// Older manifests wrote "failed" for CouldNotCheck; anything unknown is CouldNotCheck too, never
// a verdict.
VerificationResult resultFromName(const QString &name);

// A copy of a backup in one repository: as recorded in the manifest (Ok, Missing, Mismatch,
// Error) and as a listing sees it (also Unverified and Unreachable).
enum class CopyStatus {
    Ok,          // present, and its checksum matched when last checked
    Unverified,  // present, never hashed there
    Missing,     // not in this repository
    Mismatch,    // present, but its size or checksum differs from the manifest
    Error,       // the copy could not be made or hashed
    Unreachable, // the repository could not be listed
};
QString copyStatusName(CopyStatus status);
// Unknown text is Unverified: a copy is never taken for good on a word ragdr does not know.
CopyStatus copyStatusFromName(const QString &name);

struct VerificationRecord
{
    VerifyLevel level = VerifyLevel::Quick;
    VerificationResult result = VerificationResult::CouldNotCheck;
    QDateTime at;
    QString by;
    qint64 durationMs = 0;
    QString reason;        // why it is not good, in one sentence
    QStringList unchecked; // what this level could not check (e.g. no manifest: no checksum)
    QJsonArray checks;     // each {name, status, detail}

    bool passed() const { return result == VerificationResult::Passed; }
    bool corrupt() const { return result == VerificationResult::Corrupt; }
    bool conclusive() const { return result != VerificationResult::CouldNotCheck; }
    QJsonObject toJson() const;
    static VerificationRecord fromJson(const QJsonObject &json);
};

struct CopyRecord
{
    QString repository;
    QString location;
    CopyStatus state = CopyStatus::Error; // Ok, Missing, Mismatch or Error
    QString sha256;
    qint64 size = -1;
    QDateTime checkedAt;
    QString detail;

    // The copy as hashed where it lies: Ok when it has the expected checksum (or none is
    // expected), Mismatch when not, Error when it could not be hashed.
    void setHashed(const Result<QByteArray> &hash, const QString &expected, qint64 copySize);

    QJsonObject toJson() const;
    static CopyRecord fromJson(const QJsonObject &json);
};

// The record kept next to each dump (<dump>.manifest.json): what is in it, how it was made, and
// every verification since. "adopted" manifests belong to dumps ragdr did not make (the runbook's
// plain pg_dump): their checksum was observed at the first verification, not at backup time.
struct BackupManifest
{
    static constexpr int kFormat = 1;

    QString origin = QStringLiteral("ragdr"); // or "adopted"
    QString id;
    QString fileName;
    QString sha256;
    qint64 size = -1;
    int tocEntries = -1;   // the archive header's count
    int tocListed = -1;    // lines pg_restore -l lists
    int tocTableData = -1; // TABLE DATA entries among them
    QString archiveVersion;
    int compression = -1; // as pg_restore -l reports it; -1 is pg_dump's default
    QString pgDumpVersion;
    QString service;
    QString profilePath;
    QString region;
    QString database; // user@host:port/name, never a password
    QString snapshot;
    QDateTime startedAt;
    QDateTime finishedAt;
    QString createdBy;
    QString ragdrVersion;
    DatabaseFacts facts;
    // The namespace's Kubernetes objects saved beside the dump (<dump>.k8s.yaml): context,
    // namespace, file, sha256, objects and secret key names; or {"error": why not}.
    QJsonObject kubernetes;
    QList<VerificationRecord> verifications;
    QList<CopyRecord> copies;

    bool isAdopted() const { return origin == QLatin1String("adopted"); }
    const VerificationRecord *lastVerification() const;
    // The record that decides the backup's standing: the newest verdict, except that a Corrupt
    // verdict stands until a later pass checked at least as much (a quick pass cannot clear what
    // a deep verification found). Could-not-check records never decide. Null: never judged.
    const VerificationRecord *standingVerification() const;
    const CopyRecord *copy(const QString &repository) const;
    void setCopy(const CopyRecord &record);

    QByteArray toJson() const;
    static Result<BackupManifest> fromJson(const QByteArray &json, const QString &source);
};

} // namespace ragdr::core
