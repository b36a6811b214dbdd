#pragma once

#include "backupmanifest.h"
#include "dumparchive.h"

#include "core/ops/operationresult.h"
#include "core/ops/progress.h"
#include "core/profile/profile.h"

#include <optional>

namespace ragdr::core {

// What checking one dump file found. record.result is Passed, Corrupt (the file is damaged, with
// the reason), or CouldNotCheck (e.g. no database for a deep check, a scratch database that
// could not be dropped).
struct FileVerification
{
    VerificationRecord record;
    QByteArray sha256;
    qint64 size = -1;
    std::optional<ArchiveHeader> header;
    TocListing toc;
    std::optional<DatabaseFacts> restoredFacts;
    QStringList droppedLeftovers; // scratch databases an earlier verification left, dropped now
    QStringList problems;         // what could not be cleaned up, for the warnings
};

// Verification at three levels:
//  quick: size, PGDMP header, sha256 against the manifest, `pg_restore -l` item count;
//  full:  quick + `pg_restore -f /dev/null`, which reads and inflates every data block;
//  deep:  full + a restore into a scratch database with --exit-on-error; row counts, content
//         hashes, the RAG facts and the probes' nearest neighbours compared with the manifest;
//         then the scratch database is dropped.
// A dump without a manifest is checked as far as it can be; what could not be is listed. Only a
// verdict (passed or corrupt) changes a backup's standing and "latest"; a verification that could
// not check is recorded as such and changes nothing else.
class BackupVerifier final
{
public:
    BackupVerifier(Profile profile, Region region);

    // Checks a local file; records nothing. When creating is set, the file is a dump being made
    // and the manifest does not exist yet: its checksum is what the manifest will record.
    FileVerification verifyFile(const QString &path,
                                const BackupManifest *manifest,
                                VerifyLevel level,
                                const Progress &progress,
                                bool creating = false) const;

    // The operation: verifies the backup's primary copy at level and every other copy's checksum,
    // records the outcome in its manifests and, on a verdict, points "latest" at the newest good
    // backup (both under the region's ManifestLock).
    OperationResult run(const QString &backupKey, VerifyLevel level, const Progress &progress) const;

private:
    void restoreAndCompare(const QString &path,
                           const BackupManifest *manifest,
                           FileVerification &out,
                           const Progress &progress) const;

    Profile m_profile;
    Region m_region;
};

} // namespace ragdr::core
