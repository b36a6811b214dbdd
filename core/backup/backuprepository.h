#pragma once

#include "core/base/canceltoken.h"
#include "core/base/error.h"
#include "core/ops/progress.h"
#include "core/profile/profile.h"

#include <QDateTime>
#include <QList>

#include <memory>
#include <optional>

namespace ragdr::core {

struct RepoFile
{
    QString name;
    qint64 size = 0;
    QDateTime modified;
};

// A place backups are kept: a local directory or an rclone remote. Every write is atomic (a
// hidden temporary name, then a rename), so a listing never shows half a file.
class BackupRepository
{
public:
    static std::unique_ptr<BackupRepository> create(const RepositoryConfig &config);
    virtual ~BackupRepository() = default;

    const RepositoryConfig &config() const { return m_config; }
    QString name() const { return m_config.name; }

    virtual bool isLocal() const = 0;
    virtual QString locationOf(const QString &fileName) const = 0;

    virtual Result<QList<RepoFile>> list(const CancelToken &cancel) = 0;
    virtual Status upload(const QString &localPath,
                          const QString &fileName,
                          const Progress &progress)
        = 0;
    virtual Result<QByteArray> sha256(const QString &fileName, const Progress &progress) = 0;
    virtual Result<QByteArray> read(const QString &fileName, const CancelToken &cancel) = 0;
    // nullopt when the repository has no such file; an error when that cannot be told.
    virtual Result<std::optional<QByteArray>> readIfPresent(const QString &fileName,
                                                            const CancelToken &cancel)
        = 0;
    virtual Status write(const QString &fileName, const QByteArray &data, const CancelToken &cancel)
        = 0;
    virtual Status remove(const QString &fileName, const CancelToken &cancel) = 0;

protected:
    explicit BackupRepository(RepositoryConfig config)
        : m_config(std::move(config))
    {}

private:
    RepositoryConfig m_config;
};

class LocalRepository final : public BackupRepository
{
public:
    explicit LocalRepository(RepositoryConfig config);

    QString directory() const { return config().location; }
    bool isLocal() const override { return true; }
    QString locationOf(const QString &fileName) const override;
    Result<QList<RepoFile>> list(const CancelToken &cancel) override;
    Status upload(const QString &localPath,
                  const QString &fileName,
                  const Progress &progress) override;
    Result<QByteArray> sha256(const QString &fileName, const Progress &progress) override;
    Result<QByteArray> read(const QString &fileName, const CancelToken &cancel) override;
    Result<std::optional<QByteArray>> readIfPresent(const QString &fileName,
                                                    const CancelToken &cancel) override;
    Status write(const QString &fileName,
                 const QByteArray &data,
                 const CancelToken &cancel) override;
    Status remove(const QString &fileName, const CancelToken &cancel) override;
};

class RcloneRepository final : public BackupRepository
{
public:
    explicit RcloneRepository(RepositoryConfig config);

    bool isLocal() const override { return false; }
    QString locationOf(const QString &fileName) const override;
    Result<QList<RepoFile>> list(const CancelToken &cancel) override;
    Status upload(const QString &localPath,
                  const QString &fileName,
                  const Progress &progress) override;
    Result<QByteArray> sha256(const QString &fileName, const Progress &progress) override;
    Result<QByteArray> read(const QString &fileName, const CancelToken &cancel) override;
    Result<std::optional<QByteArray>> readIfPresent(const QString &fileName,
                                                    const CancelToken &cancel) override;
    Status write(const QString &fileName,
                 const QByteArray &data,
                 const CancelToken &cancel) override;
    Status remove(const QString &fileName, const CancelToken &cancel) override;

private:
    // notFound, when given, is set when rclone says the file or directory does not exist.
    Result<QByteArray> rclone(const QStringList &args,
                              const CancelToken &cancel,
                              const QByteArray &input = {},
                              const std::function<void(const QString &)> &onLine = {},
                              bool *notFound = nullptr);
    Status moveInto(const QString &from, const QString &to, const CancelToken &cancel);
};

} // namespace ragdr::core
