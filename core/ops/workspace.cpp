#include "workspace.h"

#include "core/profile/profileloader.h"

#include <QDir>
#include <QStandardPaths>

namespace ragdr::core {

QString Workspace::dataDirFor(const Profile &profile)
{
    if (!profile.dataDir.isEmpty())
        return profile.dataDir;
    const QString fromEnv = qEnvironmentVariable("RAGDR_DATA_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
           + QStringLiteral("/ragdr");
}

Result<std::unique_ptr<Workspace>> Workspace::open(const QString &profilePath)
{
    auto profile = ProfileLoader::loadFile(profilePath);
    if (!profile)
        return fail(profile.error());
    return forProfile(*profile);
}

std::unique_ptr<Workspace> Workspace::forProfile(Profile profile)
{
    std::unique_ptr<Workspace> ws(new Workspace);
    ws->m_profile = std::move(profile);
    ws->m_dataDir = dataDirFor(ws->m_profile);
    ws->m_journal = std::make_shared<Journal>(
        QDir(ws->m_dataDir).filePath(QStringLiteral("journal.jsonl")));
    ws->m_kube = std::make_unique<KubeConnections>(ws->m_profile);
    ws->m_runner = std::make_unique<OperationRunner>(ws->m_journal);
    return ws;
}

} // namespace ragdr::core
