#pragma once

#include "core/base/error.h"

#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

namespace ragdr::core {

// A lock file held with flock(2) for a process's life: the kernel releases it when the process
// ends, however it ends, so a killed restore never leaves a stale lock. The file names its holder
// (who, where, pid, since when, which restore) for the message that refuses a second attempt.
class RestoreLock final
{
public:
    // Refused (naming the holder) when another process or another open of the file holds it.
    static Result<std::unique_ptr<RestoreLock>> acquire(const QString &path,
                                                        const QJsonObject &holder,
                                                        const QString &what);
    ~RestoreLock();
    RestoreLock(const RestoreLock &) = delete;
    RestoreLock &operator=(const RestoreLock &) = delete;

    // Who holds path now; nothing when no one does.
    static std::optional<QJsonObject> holder(const QString &path);
    // "rag_app@host (pid 123) since 2026-01-22 08:15:00 UTC, restore restore-…"
    static QString describe(const QJsonObject &holder);

private:
    RestoreLock() = default;
    int m_fd = -1;
};

} // namespace ragdr::core
