#include "manifestlock.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QLockFile>

namespace ragdr::core {

namespace {

constexpr int kPollMs = 100;

QString holderOf(QLockFile &file)
{
    qint64 pid = 0;
    QString host;
    QString app;
    if (!file.getLockInfo(&pid, &host, &app))
        return QStringLiteral("another ragdr");
    return QStringLiteral("%1 (pid %2 on %3)")
        .arg(app.isEmpty() ? QStringLiteral("ragdr") : app)
        .arg(pid)
        .arg(host);
}

} // namespace

ManifestLock::ManifestLock(std::unique_ptr<QLockFile> file)
    : m_file(std::move(file))
{}

ManifestLock::~ManifestLock() = default;

Result<std::unique_ptr<ManifestLock>> ManifestLock::acquire(const Region &region,
                                                            const CancelToken &cancel,
                                                            const WaitingHandler &waiting)
{
    const QString dir = region.primaryRepository().location;
    if (!QDir().mkpath(dir)) {
        return fail(Error::failed(QStringLiteral("cannot create the primary repository %1").arg(dir),
                                  QStringLiteral("no manifest was changed")));
    }
    auto file = std::make_unique<QLockFile>(
        QDir(dir).filePath(QStringLiteral(".ragdr-manifests.lock")));
    // Never stale by age: a holder that died is noticed by its pid, one that is slow is waited for.
    file->setStaleLockTime(0);
    const QDeadlineTimer deadline(kMaxWaitMs);
    bool announced = false;
    while (!file->tryLock(kPollMs)) {
        if (file->error() != QLockFile::LockFailedError) {
            return fail(Error::failed(QStringLiteral("cannot lock the manifests in %1").arg(dir),
                                      QStringLiteral("no manifest was changed")));
        }
        if (cancel.isCancelled())
            return fail(Error::cancelled(QStringLiteral("no manifest was changed")));
        if (deadline.hasExpired()) {
            return fail(Error::refused(QStringLiteral("the manifests of region %1 have been locked "
                                                      "for %2 minutes by %3")
                                           .arg(region.name)
                                           .arg(kMaxWaitMs / 60000)
                                           .arg(holderOf(*file)),
                                       QStringLiteral("no manifest was changed")));
        }
        if (!announced && waiting) {
            announced = true;
            waiting(QStringLiteral("waiting for the manifests of region %1, held by %2")
                        .arg(region.name, holderOf(*file)));
        }
    }
    return std::unique_ptr<ManifestLock>(new ManifestLock(std::move(file)));
}

} // namespace ragdr::core
