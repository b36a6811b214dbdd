#pragma once

#include "kubectl.h"
#include "ragdrcli.h"
#include "testdatabase.h"

#include "core/restore/restorestate.h"

#include <QHash>
#include <QProcess>
#include <QTemporaryDir>

#include <memory>
#include <ostream>

namespace ragdr::test {

// What a database holds, as a test compares it: rows and an md5 of every row of each RAG table.
struct DatabaseSnapshot
{
    QHash<QString, qint64> rows;
    QHash<QString, QString> hashes;
    bool operator==(const DatabaseSnapshot &other) const
    {
        return rows == other.rows && hashes == other.hashes;
    }
    QString describe() const;
};

// For gtest's messages.
inline void PrintTo(const DatabaseSnapshot &s, std::ostream *os)
{
    *os << qPrintable(s.describe());
}

// A restore test's world: a database of its own on the shared sandbox server, two deployments of
// its own (an "api" and a "worker", 1 replica each, recovery 2) in a simulated cluster, a profile
// naming both, and a verified backup of the database taken through the CLI.
class RestoreScenario final
{
public:
    explicit RestoreScenario(const QString &context = QStringLiteral("drill-a"), int chunks = 400);
    ~RestoreScenario();

    // Creates the deployments, writes the profile and takes the backup; false (with a test
    // failure) when any of it did not work.
    bool setUp(bool backup = true);

    const TestDatabase &database() const { return m_db; }
    QString name() const { return m_db.name(); }
    QString profilePath() const { return m_profilePath; }
    QString dir() const { return m_dir->path(); }
    QString dataDir() const { return m_dir->path() + QStringLiteral("/data"); }
    QString region() const;
    QStringList deployments() const { return {m_api, m_worker}; }
    const Kubectl &kubectl() const { return *m_kubectl; }

    CliRun ragdr(const QStringList &args) const; // --profile and --region come first
    std::unique_ptr<QProcess> startRagdr(const QStringList &args) const;

    // As the superuser, so that a test sees what is there whatever the restore did.
    DatabaseSnapshot snapshot(const QString &database = {}) const;
    QStringList databases() const; // every database whose name starts with this one's
    bool execute(const QString &sql, const QString &database = {}) const;
    // "READY" of a deployment as kubectl prints it, e.g. "2/2".
    QString ready(const QString &deployment) const;
    int specReplicas(const QString &deployment) const;
    // Waits until both deployments show n/n ready.
    bool appsAt(int replicas, int timeoutMs = 60000) const;

    QList<core::RestoreState> states() const;
    std::optional<core::RestoreState> state(const QString &id) const;

    static constexpr int kNormal = 1;
    static constexpr int kRecovery = 2;

private:
    QString m_context;
    TestDatabase m_db;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Kubectl> m_kubectl;
    QString m_api;
    QString m_worker;
    QString m_profilePath;
};

} // namespace ragdr::test
