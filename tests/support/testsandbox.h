#pragma once

#include "core/profile/profile.h"
#include "sandbox/drillenvironment.h"

#include <QTemporaryDir>

#include <memory>

namespace ragdr::test {

// The drill sandbox the integration tests share: the one ctest's "sandbox" fixture started
// (RAGDR_TEST_SANDBOX names its directory), or, when a test binary runs on its own, one started
// for this process in a temporary directory and stopped when it ends.
class TestSandbox final
{
public:
    static TestSandbox &shared();
    // Stops and removes a sandbox this process started (none was named by RAGDR_TEST_SANDBOX).
    // Called by main while the application object, which stopping needs, still exists.
    static void releaseOwned();

    sandbox::DrillEnvironment &environment() { return *m_env; }
    const core::Profile &profile() const { return m_profile; }

    // The sandbox's profile with its own empty repositories and data directory, so that tests
    // running side by side never see each other's backups.
    core::Profile isolatedProfile(const QString &dir, const QStringList &deployments = {}) const;
    // The same, written as a profile file in dir (for the CLI and the console), on database.
    // deployments, when given, replace the profile's (each "name" with selector app=name), for
    // tests that act on deployments of their own in the shared simulated clusters.
    QString writeIsolatedProfile(const QString &dir,
                                 const QString &database,
                                 const QStringList &deployments = {}) const;

    // A superuser session on the sandbox, for setting up what a test needs.
    core::DatabaseConfig superuser() const { return m_env->superuser(); }
    QByteArray superuserPassword() const;
    QByteArray appPassword() const;

private:
    TestSandbox();
    std::unique_ptr<QTemporaryDir> m_ownDir;
    std::unique_ptr<sandbox::DrillEnvironment> m_env;
    core::Profile m_profile;
    bool m_owned = false;
    friend struct SandboxStopper;
};

// A temporary directory the postgres user can enter (as root the server runs as postgres).
std::unique_ptr<QTemporaryDir> makeTempDir();

} // namespace ragdr::test
