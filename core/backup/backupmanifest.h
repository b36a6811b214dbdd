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

struct VerificationRecord
{
    VerifyLevel level = VerifyLevel::Quick;
    QString result; // "passed" | "corrupt" | "failed" (could not be checked: e.g. no connection)
    QDateTime at;
    QString by;
    qint64 durationMs = 0;
    QString reason;        // why it is not good, in one sentence
    QStringList unchecked; // what this level could not check (e.g. no manifest: no checksum)
    QJsonArray checks;     // each {name, status, detail}

    bool passed() const { return result == QLatin1String("passed"); }
    QJsonObject toJson() const;
    static VerificationRecord fromJson(const QJsonObject &json);
};

struct CopyRecord
{
    QString repository;
    QString location;
    QString state; // "ok" | "missing" | "mismatch" | "error"
    QString sha256;
    qint64 size = -1;
    QDateTime checkedAt;
    QString detail;

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
    const CopyRecord *copy(const QString &repository) const;
    void setCopy(const CopyRecord &record);

    QByteArray toJson() const;
    static Result<BackupManifest> fromJson(const QByteArray &json, const QString &source);
};

} // namespace ragdr::core
