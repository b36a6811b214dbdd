#pragma once

#include "backupmanifest.h"
#include "backupnaming.h"

#include "core/base/canceltoken.h"
#include "core/profile/profile.h"

#include <QDateTime>
#include <QList>

#include <optional>

namespace ragdr::core {

class ManifestLock;

// A backup's copy in one repository, as a listing sees it.
struct CopyState
{
    using State = CopyStatus;
    QString repository;
    State state = State::Missing;
    qint64 size = -1;
    QString detail;

    static QString name(State state) { return copyStatusName(state); }
};

// One backup as seen across the repositories of its region.
struct BackupEntry
{
    QString id;
    QString fileName;
    QString region;
    qint64 size = -1;
    QDateTime createdAt; // when the dump finished (manifest), else the file's time
    std::optional<BackupManifest> manifest;
    // A manifest that exists but cannot be read or parsed: the backup counts as unverified, and
    // ragdr never replaces the manifest (a person must look at it).
    QString manifestProblem;
    QList<CopyState> copies; // one per repository, in profile order; the first is the primary
    bool isLatest = false;

    bool inPrimary() const;
    const VerificationRecord *lastVerification() const;
    // Standing comes from verdicts only (BackupManifest::standingVerification).
    bool isVerifiedGood() const;
    bool isCorrupt() const;
    // "full: passed", "never verified", "CORRUPT (quick): …", "manifest damaged: …"; a later
    // check that could not run is added: "full: passed; deep could not check: …".
    QString verificationText() const;
    QString copiesText() const; // "2/2 ok", "1/2 ok; mirror missing"
    int goodCopies() const;
};

struct RegionListing
{
    QString region;
    QList<BackupEntry> entries; // newest first
    QStringList problems;       // repositories that could not be listed, and why
    QString latestTarget;       // the file the "latest" link points to; empty if none
    QString latestProblem;      // e.g. the latest name is a regular file ragdr did not make
    QStringList otherRegions;   // dumps here whose manifest names another region: not counted

    bool complete() const { return problems.isEmpty(); }
    const BackupEntry *newestVerified() const;
    // An id ("rag_backup_2026-11-24"), a file name, "latest", or an unambiguous prefix.
    Result<const BackupEntry *> find(const QString &key) const;
};

class BackupCatalog final
{
public:
    enum class Scope {
        AllRepositories,
        PrimaryOnly, // no remote is asked: the copies list holds the primary repository alone
    };

    static Result<RegionListing> list(const Profile &profile,
                                      const Region &region,
                                      const CancelToken &cancel,
                                      Scope scope = Scope::AllRepositories);

    // Points the profile's "latest" name in the primary repository at the newest verified backup
    // (atomically: a new link renamed over the old). Removes the link when no backup is verified
    // good, so that the runbook's plain pg_restore never restores a backup known to be bad.
    // Returns the file it now points to, empty when none.
    static Result<QString> updateLatestLink(const Profile &profile,
                                            const Region &region,
                                            const RegionListing &listing);

    // After a change to the backups: lists the primary repository again (another writer may have
    // finished meanwhile) and updates the link from that, under the lock that guards the
    // manifests, so that no other writer changes a backup's standing in between. Only the
    // primary repository is read: the link lives there, points at a file there, and a manifest
    // there vouches for it.
    static Result<QString> relinkLatest(const Profile &profile,
                                        const Region &region,
                                        const ManifestLock &lock);
};

} // namespace ragdr::core
