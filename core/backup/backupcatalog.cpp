#include "backupcatalog.h"

#include "backuprepository.h"

#include "core/base/files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRandomGenerator>

#include <algorithm>
#include <unistd.h>

namespace ragdr::core {

bool BackupEntry::inPrimary() const
{
    if (copies.isEmpty())
        return false;
    const CopyState::State s = copies.constFirst().state;
    return s == CopyState::State::Ok || s == CopyState::State::Unverified
           || s == CopyState::State::Mismatch;
}

const VerificationRecord *BackupEntry::lastVerification() const
{
    return manifest ? manifest->lastVerification() : nullptr;
}

bool BackupEntry::isVerifiedGood() const
{
    const VerificationRecord *v = manifest ? manifest->standingVerification() : nullptr;
    return v && v->passed();
}

bool BackupEntry::isCorrupt() const
{
    const VerificationRecord *v = manifest ? manifest->standingVerification() : nullptr;
    return v && v->corrupt();
}

QString BackupEntry::verificationText() const
{
    if (!manifestProblem.isEmpty())
        return QStringLiteral("manifest damaged: %1").arg(manifestProblem);
    if (!manifest)
        return QStringLiteral("no manifest");
    const VerificationRecord *standing = manifest->standingVerification();
    const VerificationRecord *last = manifest->lastVerification();
    QString text;
    if (!standing) {
        text = QStringLiteral("never verified");
    } else if (standing->passed()) {
        text = standing->unchecked.isEmpty()
                   ? QStringLiteral("%1: passed").arg(levelName(standing->level))
                   : QStringLiteral("%1: passed, %2 unchecked")
                         .arg(levelName(standing->level))
                         .arg(standing->unchecked.size());
    } else {
        text = QStringLiteral("CORRUPT (%1): %2").arg(levelName(standing->level), standing->reason);
    }
    if (last && !last->conclusive()) {
        text += QStringLiteral("; %1 could not check: %2").arg(levelName(last->level), last->reason);
    }
    return text;
}

int BackupEntry::goodCopies() const
{
    return int(std::count_if(copies.cbegin(), copies.cend(), [](const CopyState &c) {
        return c.state == CopyState::State::Ok;
    }));
}

QString BackupEntry::copiesText() const
{
    QStringList bad;
    for (const CopyState &c : copies) {
        if (c.state != CopyState::State::Ok)
            bad.append(QStringLiteral("%1 %2").arg(c.repository, CopyState::name(c.state)));
    }
    const QString count = QStringLiteral("%1/%2 ok").arg(goodCopies()).arg(copies.size());
    return bad.isEmpty() ? count : count + QStringLiteral("; ") + bad.join(QStringLiteral(", "));
}

const BackupEntry *RegionListing::newestVerified() const
{
    for (const BackupEntry &e : entries) {
        if (e.isVerifiedGood() && e.inPrimary())
            return &e;
    }
    return nullptr;
}

Result<const BackupEntry *> RegionListing::find(const QString &key) const
{
    if (entries.isEmpty())
        return fail(Error::badInput(QStringLiteral("region %1 has no backups").arg(region)));
    if (key == QLatin1String("latest")) {
        for (const BackupEntry &e : entries) {
            if (e.isLatest)
                return &e;
        }
        if (const BackupEntry *e = newestVerified())
            return e;
        return fail(Error::badInput(
            QStringLiteral("region %1 has no verified backup to call \"latest\"").arg(region)));
    }
    QList<const BackupEntry *> matches;
    for (const BackupEntry &e : entries) {
        if (e.id == key || e.fileName == key)
            return &e;
        if (e.id.startsWith(key) || e.id.contains(key))
            matches.append(&e);
    }
    if (matches.size() == 1)
        return matches.constFirst();
    if (matches.isEmpty()) {
        return fail(Error::badInput(
            QStringLiteral("no backup \"%1\" in region %2 (ragdr backups lists them)")
                .arg(key, region)));
    }
    QStringList ids;
    for (const BackupEntry *e : matches)
        ids.append(e->id);
    return fail(Error::badInput(QStringLiteral("\"%1\" matches %2 backups: %3")
                                    .arg(key)
                                    .arg(ids.size())
                                    .arg(ids.join(QStringLiteral(", ")))));
}

Result<RegionListing> BackupCatalog::list(const Profile &profile,
                                          const Region &region,
                                          const CancelToken &cancel,
                                          Scope scope)
{
    const BackupNaming naming(profile.backup.naming, profile.backup.latestName);
    RegionListing listing;
    listing.region = region.name;

    struct RepoView
    {
        std::unique_ptr<BackupRepository> repo;
        bool reachable = false;
        QHash<QString, RepoFile> files;
    };
    std::vector<RepoView> views;
    for (const RepositoryConfig &config : region.repositories) {
        if (scope == Scope::PrimaryOnly && !views.empty())
            break;
        RepoView view;
        view.repo = BackupRepository::create(config);
        auto files = view.repo->list(cancel);
        if (cancel.isCancelled())
            return fail(Error::cancelled());
        if (files) {
            view.reachable = true;
            for (const RepoFile &f : std::as_const(*files))
                view.files.insert(f.name, f);
        } else {
            listing.problems.append(files.error().message);
        }
        views.push_back(std::move(view));
    }

    // Every dump file name seen anywhere, primary first so that its manifest is preferred.
    QStringList names;
    for (const RepoView &v : views) {
        for (auto it = v.files.cbegin(); it != v.files.cend(); ++it) {
            if (naming.isBackupFile(it.key()) && !names.contains(it.key()))
                names.append(it.key());
        }
    }

    for (const QString &fileName : std::as_const(names)) {
        BackupEntry entry;
        entry.fileName = fileName;
        entry.id = BackupNaming::idOf(fileName);
        entry.region = region.name;
        const QString manifestName = BackupNaming::manifestNameOf(fileName);
        // The first repository that has a manifest is the one that counts (the primary first);
        // if that one is damaged, the backup is unverified: another copy is not taken in its
        // stead, as a person must find out how it was damaged.
        for (RepoView &v : views) {
            if (!v.files.contains(manifestName))
                continue;
            auto bytes = v.repo->read(manifestName, cancel);
            auto manifest = bytes
                                ? BackupManifest::fromJson(*bytes, v.repo->locationOf(manifestName))
                                : Result<BackupManifest>(fail(bytes.error()));
            if (manifest)
                entry.manifest = *manifest;
            else
                entry.manifestProblem = manifest.error().message;
            break;
        }
        if (entry.manifest && !entry.manifest->region.isEmpty()
            && entry.manifest->region != region.name) {
            // Made for another region: it counts there, never here (not for "latest", the RPO or
            // retention).
            listing.otherRegions.append(QStringLiteral("%1 (its manifest names region %2)")
                                            .arg(fileName, entry.manifest->region));
            continue;
        }
        for (const RepoView &v : views) {
            if (v.files.contains(fileName)) {
                const RepoFile &f = v.files.value(fileName);
                if (entry.size < 0)
                    entry.size = f.size;
                if (!entry.createdAt.isValid())
                    entry.createdAt = f.modified;
            }
        }
        if (entry.manifest) {
            entry.size = entry.manifest->size >= 0 ? entry.manifest->size : entry.size;
            if (entry.manifest->finishedAt.isValid())
                entry.createdAt = entry.manifest->finishedAt;
        }
        for (const RepoView &v : views) {
            CopyState copy;
            copy.repository = v.repo->name();
            if (!v.reachable) {
                copy.state = CopyState::State::Unreachable;
            } else if (!v.files.contains(fileName)) {
                copy.state = CopyState::State::Missing;
            } else {
                copy.size = v.files.value(fileName).size;
                const CopyRecord *recorded = entry.manifest ? entry.manifest->copy(copy.repository)
                                                            : nullptr;
                if (entry.manifest && entry.manifest->size >= 0
                    && copy.size != entry.manifest->size) {
                    copy.state = CopyState::State::Mismatch;
                    copy.detail = QStringLiteral("%1 bytes here, %2 in the manifest")
                                      .arg(copy.size)
                                      .arg(entry.manifest->size);
                } else if (recorded && recorded->state == CopyStatus::Ok) {
                    copy.state = CopyState::State::Ok;
                } else if (recorded && recorded->state == CopyStatus::Mismatch) {
                    copy.state = CopyState::State::Mismatch;
                    copy.detail = recorded->detail;
                } else {
                    copy.state = CopyState::State::Unverified;
                }
            }
            entry.copies.append(copy);
        }
        listing.entries.append(entry);
    }
    std::sort(listing.entries.begin(),
              listing.entries.end(),
              [](const BackupEntry &a, const BackupEntry &b) {
                  return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
              });

    const RepositoryConfig &primary = region.primaryRepository();
    const QFileInfo latest(QDir(primary.location).filePath(profile.backup.latestName));
    if (latest.isSymLink()) {
        listing.latestTarget = QFileInfo(latest.symLinkTarget()).fileName();
        for (BackupEntry &e : listing.entries)
            e.isLatest = e.fileName == listing.latestTarget;
    } else if (latest.exists()) {
        listing.latestProblem = QStringLiteral(
                                    "%1 is a regular file, not a link kept by ragdr; left as it is")
                                    .arg(latest.filePath());
    }
    return listing;
}

Result<QString> BackupCatalog::updateLatestLink(const Profile &profile,
                                                const Region &region,
                                                const RegionListing &listing)
{
    const QString dir = region.primaryRepository().location;
    const QString linkPath = QDir(dir).filePath(profile.backup.latestName);
    const QFileInfo current(linkPath);
    if (current.exists() && !current.isSymLink()) {
        return fail(Error::refused(QStringLiteral("%1 is a regular file, not a link kept by ragdr")
                                       .arg(linkPath),
                                   QStringLiteral("%1 was left as it is").arg(linkPath)));
    }
    const BackupEntry *target = listing.newestVerified();
    if (!target) {
        if (current.isSymLink() && !QFile::remove(linkPath))
            return fail(Error::failed(QStringLiteral("cannot remove %1").arg(linkPath)));
        return QString();
    }
    if (current.isSymLink() && QFileInfo(current.symLinkTarget()).fileName() == target->fileName)
        return target->fileName;
    // A relative link, so that the repository can be moved or mounted elsewhere.
    const QString temp = QDir(dir).filePath(QStringLiteral(".%1.tmp-%2")
                                                .arg(profile.backup.latestName)
                                                .arg(QRandomGenerator::global()->generate(), 0, 16));
    if (::symlink(QFile::encodeName(target->fileName).constData(),
                  QFile::encodeName(temp).constData())
        != 0)
        return fail(Error::failed(QStringLiteral("cannot create a link in %1").arg(dir)));
    if (auto renamed = files::renameDurably(temp, linkPath); !renamed) {
        QFile::remove(temp);
        return fail(renamed.error());
    }
    return target->fileName;
}

Result<QString> BackupCatalog::relinkLatest(const Profile &profile,
                                            const Region &region,
                                            const ManifestLock &)
{
    auto listing = list(profile, region, CancelToken(), Scope::PrimaryOnly);
    if (!listing)
        return fail(listing.error());
    return updateLatestLink(profile, region, *listing);
}

} // namespace ragdr::core
