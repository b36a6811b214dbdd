#pragma once

#include "core/ops/operationresult.h"
#include "core/ops/progress.h"
#include "core/profile/profile.h"

namespace ragdr::core {

// One verified backup of a region's database, compatible with the runbook (pg_dump -F c -b):
//  1. a REPEATABLE READ transaction exports a snapshot; pg_dump --snapshot dumps exactly it while
//     the same transaction counts rows and takes the RAG facts (embedding dimension, chunks
//     without embeddings, a similarity probe), so the manifest describes what is in the dump;
//  2. pg_dump writes to a hidden temporary name, which is fsynced, checked (sha256, TOC, a full
//     read) and only then renamed to the runbook's name, with its manifest written first;
//  3. the dump is copied to every other repository and re-hashed there;
//  4. the "latest" link is pointed at the newest verified backup.
// A failure or cancel at any step leaves no file that looks like a backup.
class BackupJob final
{
public:
    BackupJob(Profile profile, Region region);

    OperationResult run(const Progress &progress) const;

private:
    Profile m_profile;
    Region m_region;
};

} // namespace ragdr::core
