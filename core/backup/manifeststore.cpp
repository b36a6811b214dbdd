#include "manifeststore.h"

#include "backupnaming.h"
#include "backuprepository.h"
#include "manifestlock.h"

#include <QFileInfo>

namespace ragdr::core {

namespace {

const QString kLeftAsItWas = QStringLiteral("the manifest was left as it is");

} // namespace

ManifestStore::ManifestStore(Profile profile, Region region)
    : m_profile(std::move(profile))
    , m_region(std::move(region))
{}

Status ManifestStore::create(const ManifestLock &,
                             const BackupManifest &manifest,
                             const CancelToken &cancel)
{
    LocalRepository primary(m_region.primaryRepository());
    return primary.write(BackupNaming::manifestNameOf(manifest.fileName), manifest.toJson(), cancel);
}

Result<BackupManifest> ManifestStore::update(const ManifestLock &,
                                             const QString &fileName,
                                             const std::function<void(BackupManifest &)> &change,
                                             const CancelToken &cancel,
                                             QStringList *warnings)
{
    const QString manifestName = BackupNaming::manifestNameOf(fileName);
    std::vector<std::unique_ptr<BackupRepository>> repos;
    for (const RepositoryConfig &config : m_region.repositories)
        repos.push_back(BackupRepository::create(config));

    std::optional<BackupManifest> manifest;
    for (const auto &repo : repos) {
        auto bytes = repo->readIfPresent(manifestName, cancel);
        if (!bytes) {
            // Whether a manifest exists there is unknown: adopting now could replace one.
            return fail(Error::failed(QStringLiteral("cannot tell whether %1 has a manifest: %2")
                                          .arg(repo->locationOf(fileName), bytes.error().message),
                                      kLeftAsItWas));
        }
        if (!*bytes)
            continue;
        auto parsed = BackupManifest::fromJson(**bytes, repo->locationOf(manifestName));
        if (!parsed) {
            return fail(
                Error::failed(QStringLiteral("manifest damaged: %1").arg(parsed.error().message),
                              kLeftAsItWas));
        }
        manifest = *parsed;
        break;
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
            holdsDump = c->state != CopyStatus::Missing && c->state != CopyStatus::Error;
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
