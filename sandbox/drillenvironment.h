#pragma once

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QString>

#include <functional>

namespace ragdr::sandbox {

// The drill sandbox in one directory: a real PostgreSQL cluster with the RAG database, backup
// repositories (a local primary and an rclone mirror), secrets readable only by their owner, and
// DIR/profile.yaml pointing ragdr at all of it. `down` stops what runs and removes nothing.
class DrillEnvironment final
{
public:
    static constexpr int kDefaultRows = 2000;

    explicit DrillEnvironment(QString dir);

    using Say = std::function<void(const QString &)>;
    core::Status up(int rows, const Say &say);
    core::Status down(const Say &say);
    QString status() const;

    QString dir() const { return m_dir; }
    QString profilePath() const;
    int port() const;
    bool isUp() const;

    // For tests and fault injection: the sandbox's superuser.
    core::DatabaseConfig superuser() const;
    core::Result<QByteArray> superuserPassword() const;

private:
    core::Status seed(int port, int rows, const Say &say);
    core::Status writeProfile(int port) const;
    QString secretPath(const QString &name) const;

    QString m_dir;
};

} // namespace ragdr::sandbox
