#pragma once

#include "core/base/childprocess.h"
#include "core/base/error.h"

#include <QString>

namespace ragdr::sandbox {

// A real PostgreSQL cluster in DIR/pg/data, driven with initdb and pg_ctl. As root, the server
// programs run as the postgres user (PostgreSQL refuses to run as root) through runuser.
class DrillPostgres final
{
public:
    explicit DrillPostgres(QString dir);

    QString dataDir() const;
    QString logFile() const;
    bool isInitialized() const;

    core::Status initialize(const QByteArray &superuserPassword);
    core::Status start(int port);
    core::Status stop();
    bool isRunning() const;
    // The pid and port the running server wrote to postmaster.pid; 0 when not running.
    qint64 pid() const;
    int port() const;

    static bool runningAsRoot();
    static QString ownerUser() { return QStringLiteral("postgres"); }

private:
    core::Result<core::ChildResult> runAsOwner(const QString &tool, const QStringList &args) const;
    core::Status ensureOwnerCanReach() const;

    QString m_dir;
};

} // namespace ragdr::sandbox
