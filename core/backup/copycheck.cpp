#include "copycheck.h"

#include "backuprepository.h"

namespace ragdr::core {

CopyCheck::CopyCheck(const Region &region, const BackupEntry &entry, const CancelToken &cancel)
    : m_region(region)
    , m_entry(entry)
    , m_cancel(cancel)
{
    for (int i = 1; i < region.repositories.size(); ++i) {
        const CopyStatus state = entry.copies.value(i).state;
        if (state == CopyStatus::Missing || state == CopyStatus::Unreachable)
            continue;
        const RepositoryConfig config = region.repositories.at(i);
        const QString fileName = entry.fileName;
        const Progress quiet(nullptr, cancel);
        m_hashes[i] = std::make_unique<HelperTask<Result<QByteArray>>>([config, fileName, quiet] {
            return BackupRepository::create(config)->sha256(fileName, quiet);
        });
    }
}

Result<QByteArray> CopyCheck::hashOf(int repository)
{
    const auto it = m_hashes.find(repository);
    if (it == m_hashes.end())
        return fail(Error::failed(QStringLiteral("not hashed")));
    return it->second->result(m_cancel);
}

CopyCheck::Report CopyCheck::compare(const BackupManifest *manifest,
                                     const QByteArray &primarySha256,
                                     qint64 primarySize,
                                     const Progress &progress)
{
    const bool recorded = manifest && !manifest->sha256.isEmpty();
    const QString reference = recorded ? manifest->sha256 : QString::fromLatin1(primarySha256);
    Report report;
    for (int i = 0; i < m_region.repositories.size(); ++i) {
        const RepositoryConfig &config = m_region.repositories.at(i);
        const CopyState &state = m_entry.copies.value(i);
        CopyRecord rec;
        rec.repository = config.name;
        rec.checkedAt = QDateTime::currentDateTimeUtc();
        rec.location = BackupRepository::create(config)->locationOf(m_entry.fileName);
        if (i == 0) {
            rec.state = CopyStatus::Missing;
            if (!primarySha256.isEmpty())
                rec.setHashed(primarySha256, reference, primarySize);
        } else if (state.state == CopyStatus::Unreachable) {
            rec.state = CopyStatus::Error;
            rec.detail = QStringLiteral("the repository could not be listed");
        } else if (state.state == CopyStatus::Missing) {
            rec.state = CopyStatus::Missing;
        } else {
            progress.set(0.9 + 0.08 * i / m_region.repositories.size(),
                         QStringLiteral("checking the copy in %1").arg(config.name));
            rec.setHashed(hashOf(i), reference, state.size);
            if (rec.state == CopyStatus::Mismatch && !recorded) {
                rec.detail = QStringLiteral("sha256 %1 here, %2 in the primary copy; no manifest "
                                            "says which is intact")
                                 .arg(rec.sha256.left(12), reference.left(12));
            }
        }
        if (rec.state == CopyStatus::Missing && i > 0) {
            // Not damage: the copy was never made there (a runbook dump) or was removed.
            report.missing.append(config.name);
        } else if (rec.state != CopyStatus::Ok) {
            report.bad.append(QStringLiteral("%1: %2%3")
                                  .arg(config.name,
                                       copyStatusName(rec.state),
                                       rec.detail.isEmpty()
                                           ? QString()
                                           : QStringLiteral(" (") + rec.detail + QLatin1Char(')')));
        }
        report.copies.append(rec);
    }
    return report;
}

} // namespace ragdr::core
