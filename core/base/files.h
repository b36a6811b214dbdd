#pragma once

#include "canceltoken.h"
#include "error.h"

#include <QByteArray>
#include <QFileDevice>
#include <QString>

#include <functional>

namespace ragdr::core::files {

Status fsyncFile(const QString &path);
Status fsyncDirectory(const QString &dir);

// Writes to a temporary name in the same directory, fsyncs, renames over path and fsyncs the
// directory, so that path holds either the old or the new content, never a part.
Status writeAtomically(const QString &path,
                       const QByteArray &data,
                       QFileDevice::Permissions permissions = QFileDevice::ReadOwner
                                                              | QFileDevice::WriteOwner
                                                              | QFileDevice::ReadGroup
                                                              | QFileDevice::ReadOther);

// rename(2) then fsync of the target directory.
Status renameDurably(const QString &from, const QString &to);

using ByteProgress = std::function<void(qint64 done, qint64 total)>;

// Lower-case hex sha256 of a file, read in blocks so that it can be cancelled.
Result<QByteArray> sha256Hex(const QString &path,
                             const CancelToken &cancel,
                             const ByteProgress &progress = {});

// "1.5 MB" style, decimal units as ls -h --si and most cloud consoles print them.
QString humanSize(qint64 bytes);

// Free bytes on the file system holding path, or -1 when unknown.
qint64 freeBytes(const QString &path);

} // namespace ragdr::core::files
