#pragma once

#include "core/backup/backupcatalog.h"
#include "core/backup/backupmanifest.h"
#include "core/ops/operationresult.h"
#include "core/ops/workspace.h"

#include <QStringList>

namespace ragdr::test {

// Runs backup operations the way the console and the CLI do, and waits for their result.
core::OperationResult runBackup(core::Workspace &ws, const QString &region = {});
core::OperationResult runVerify(core::Workspace &ws, const QString &key, core::VerifyLevel level);
// A retention plan (dryRun), or applied to the first region deleting what confirmed names.
core::OperationResult runRetention(core::Workspace &ws,
                                   bool dryRun,
                                   const QStringList &confirmed = {});
// The backups a retention's plan deletes (its "deletions"): what a confirmation names.
QStringList planDeletions(const core::OperationResult &retention);
core::RegionListing listRegion(const core::Profile &profile);

class TestDatabase;
// The runbook's plain pg_restore of dump (with options) into target, emptied of its seed first.
// Returns the failure, empty when it restored.
QString restoreInto(const TestDatabase &target,
                    const core::DatabaseConfig &server,
                    const QString &dump,
                    const QStringList &options = {});

// Processes that are children of this test process and run program (read from /proc).
QList<qint64> childPids(const QString &program);
QByteArray procFile(qint64 pid, const char *name);
// Waits until a child running program, with an argument containing argument, exists; 0 after
// timeoutMs.
qint64 waitForChild(const QString &program, const QByteArray &argument, int timeoutMs);

// Damage done to a copy of a dump, for the verification tests.
void truncateFile(const QString &path, qint64 size);
void flipByte(const QString &path, qint64 offset);

} // namespace ragdr::test
