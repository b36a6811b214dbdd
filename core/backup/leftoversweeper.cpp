#include "leftoversweeper.h"

#include "backupnaming.h"

#include "core/db/pgtools.h"

#include <QSet>

namespace ragdr::core {

namespace {

// ".NAME.partial-…" or ".NAME.tmp-…", where NAME is one of ragdr's files: never anyone else's.
bool isOurTemporary(const BackupNaming &naming, const QString &fileName)
{
    if (!BackupNaming::isTemporaryName(fileName))
        return false;
    const qsizetype marker = std::max(fileName.lastIndexOf(QLatin1String(".partial-")),
                                      fileName.lastIndexOf(QLatin1String(".tmp-")));
    const QString name = fileName.mid(1, marker - 1);
    return naming.isBackupFile(name) || naming.isManifestFile(name) || naming.isKubernetesFile(name)
           || name == naming.latestName();
}

} // namespace

LeftoverSweeper::Swept LeftoverSweeper::sweep(const Profile &profile,
                                              const Region &region,
                                              const ManifestLock &,
                                              const CancelToken &cancel)
{
    Swept swept;
    const BackupNaming naming(profile.backup.naming, profile.backup.latestName);
    struct Listed
    {
        std::unique_ptr<BackupRepository> repo;
        QList<RepoFile> files;
    };
    std::vector<Listed> listed;
    QSet<QString> dumps; // every dump in any repository of the region
    bool complete = true;
    for (const RepositoryConfig &config : region.repositories) {
        auto repo = BackupRepository::create(config);
        auto files = repo->list(cancel);
        if (!files) {
            complete = false;
            swept.problems.append(files.error().message);
            continue;
        }
        for (const RepoFile &f : std::as_const(*files)) {
            if (naming.isBackupFile(f.name)) {
                dumps.insert(f.name);
                swept.dumps.append(f);
            }
        }
        listed.push_back({std::move(repo), *files});
    }

    auto remove = [&](BackupRepository &repo, const QString &name) {
        if (auto gone = repo.remove(name, cancel); gone)
            swept.removed.append(repo.locationOf(name));
        else
            swept.problems.append(gone.error().message);
    };
    for (Listed &l : listed) {
        for (const RepoFile &f : std::as_const(l.files)) {
            if (isOurTemporary(naming, f.name)) {
                remove(*l.repo, f.name);
                continue;
            }
            // What describes a dump that no repository holds, only when every repository could
            // be listed: a dump in one that could not be is not gone.
            const QString dump = naming.isManifestFile(f.name)
                                     ? BackupNaming::dumpNameOfManifest(f.name)
                                 : naming.isKubernetesFile(f.name)
                                     ? BackupNaming::dumpNameOfKubernetes(f.name)
                                     : QString();
            if (complete && !dump.isEmpty() && !dumps.contains(dump))
                remove(*l.repo, f.name);
        }
    }
    swept.removed.append(PgPassFile::removeOrphans(&swept.problems));
    return swept;
}

} // namespace ragdr::core
