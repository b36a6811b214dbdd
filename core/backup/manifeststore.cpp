#include "manifeststore.h"

#include "backupnaming.h"
#include "backuprepository.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>

namespace ragdr::core {

namespace {

constexpr int kLockWaitMs = 30000;

std::unique_ptr<QLockFile> lockManifests(const Region &region, Error *error)
{
    const QString dir = region.primaryRepository().location;
    QDir().mkpath(dir);
    auto lock = std::make_unique<QLockFile>(
        QDir(dir).filePath(QStringLiteral(".ragdr-manifests.lock")));
    lock->setStaleLockTime(0);
    if (!lock->tryLock(kLockWaitMs)) {
        *error = Error::refused(QStringLiteral("the manifests in %1 are locked by another ragdr")
                                    .arg(dir),
                                QStringLiteral("the manifest was not changed"));
        return nullptr;
    }
    return lock;
}

} // namespace

ManifestStore::ManifestStore(Profile profile, Region region)
    : m_profile(std::move(profile))
    , m_region(std::move(region))
{}

Status ManifestStore::create(const BackupManifest &manifest, const CancelToken &cancel)
{
    Error lockError;
    auto lock = lockManifests(m_region, &lockError);
    if (!lock)
        return fail(lockError);
    LocalRepository primary(m_region.primaryRepository());
    return primary.write(BackupNaming::manifestNameOf(manifest.fileName), manifest.toJson(), cancel);
}

Result<BackupManifest> ManifestStore::update(const QString &fileName,
                                             const std::function<void(BackupManifest &)> &change,
                                             const CancelToken &cancel,
                                             QStringList *warnings)
{
    Error lockError;
    auto lock = lockManifests(m_region, &lockError);
    if (!lock)
        return fail(lockError);

    const QString manifestName = BackupNaming::manifestNameOf(fileName);
    std::vector<std::unique_ptr<BackupRepository>> repos;
    for (const RepositoryConfig &config : m_region.repositories)
        repos.push_back(BackupRepository::create(config));

    std::optional<BackupManifest> manifest;
    for (const auto &repo : repos) {
        if (repo->isLocal() && !QFileInfo::exists(repo->locationOf(manifestName)))
            continue;
        auto bytes = repo->read(manifestName, cancel);
        if (!bytes)
            continue;
        auto parsed = BackupManifest::fromJson(*bytes, repo->locationOf(manifestName));
        if (parsed) {
            manifest = *parsed;
            break;
        }
    }
    if (!manifest) {
        BackupManifest adopted;
        adopted.origin = QStringLiteral("adopted");
        adopted.id = BackupNaming::idOf(fileName);
        adopted.fileName = fileName;
        adopted.service = m_profile.service;
        adopted.profilePath = m_profile.path;
        adopted.region = m_region.name;
        manifest = adopted;
    }
    change(*manifest);
    const QByteArray json = manifest->toJson();

    for (const auto &repo : repos) {
        const bool isPrimary = repo.get() == repos.front().get();
        bool holdsDump = false;
        if (repo->isLocal()) {
            holdsDump = QFileInfo::exists(repo->locationOf(fileName));
        } else if (const CopyRecord *c = manifest->copy(repo->name())) {
            holdsDump = c->state != QLatin1String("missing") && c->state != QLatin1String("error");
        }
        if (!holdsDump)
            continue;
        auto written = repo->write(manifestName, json, cancel);
        if (written)
            continue;
        if (isPrimary)
            return fail(written.error());
        if (warnings)
            warnings->append(written.error().message);
    }
    return *manifest;
}

} // namespace ragdr::core
