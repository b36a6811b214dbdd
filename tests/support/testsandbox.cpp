#include "testsandbox.h"

#include "core/profile/profileloader.h"
#include "core/secrets/secretstore.h"

#include <QDir>
#include <QFile>

#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

namespace ragdr::test {

namespace {

TestSandbox *s_instance = nullptr;

} // namespace

std::unique_ptr<QTemporaryDir> makeTempDir()
{
    auto dir = std::make_unique<QTemporaryDir>(QDir::tempPath()
                                               + QStringLiteral("/ragdr-test-XXXXXX"));
    QFile::setPermissions(dir->path(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                              | QFileDevice::ExeGroup | QFileDevice::ExeOther);
    return dir;
}

TestSandbox &TestSandbox::shared()
{
    if (!s_instance)
        s_instance = new TestSandbox;
    return *s_instance;
}

void TestSandbox::releaseOwned()
{
    if (!s_instance || !s_instance->m_owned)
        return;
    if (s_instance->environment().isUp())
        s_instance->environment().down([](const QString &) {});
    delete s_instance;
    s_instance = nullptr;
}

TestSandbox::TestSandbox()
{
    QString dir = qEnvironmentVariable("RAGDR_TEST_SANDBOX");
    if (dir.isEmpty()) {
        m_ownDir = makeTempDir();
        dir = m_ownDir->path();
        m_owned = true;
    }
    m_env = std::make_unique<sandbox::DrillEnvironment>(dir);
    if (!m_env->isUp()) {
        auto up = m_env->up(3000, [](const QString &line) {
            std::fprintf(stderr, "sandbox: %s\n", qPrintable(line));
        });
        if (!up) {
            std::fprintf(stderr,
                         "cannot start the drill sandbox in %s: %s\n"
                         "(it needs postgresql-15: ./run test installs it)\n",
                         qPrintable(dir),
                         qPrintable(up.error().message));
            std::abort();
        }
    }
    auto profile = core::ProfileLoader::loadFile(m_env->profilePath());
    if (!profile) {
        std::fprintf(stderr,
                     "the sandbox profile does not load: %s\n",
                     qPrintable(profile.error().message));
        std::abort();
    }
    m_profile = *profile;
}

core::Profile TestSandbox::isolatedProfile(const QString &dir, const QStringList &deployments) const
{
    core::Profile p = m_profile;
    if (!deployments.isEmpty()) {
        p.deployments.clear();
        for (const QString &name : deployments)
            p.deployments.append({name, QStringLiteral("app=") + name, 2, 5});
    }
    p.dataDir = dir + QStringLiteral("/data");
    for (int i = 0; i < p.regions.size(); ++i) {
        const QString prefix = i == 0 ? QString() : QStringLiteral("r%1-").arg(i);
        core::Region &r = p.regions[i];
        r.repositories[0].location = dir + QStringLiteral("/") + prefix + QStringLiteral("primary");
        r.repositories[1].location = QStringLiteral("drill-mirror:") + dir + QStringLiteral("/")
                                     + prefix + QStringLiteral("mirror");
        QDir().mkpath(dir + QStringLiteral("/") + prefix + QStringLiteral("primary"));
        QDir().mkpath(dir + QStringLiteral("/") + prefix + QStringLiteral("mirror"));
    }
    return p;
}

QString TestSandbox::writeIsolatedProfile(const QString &dir,
                                          const QString &database,
                                          const QStringList &deployments) const
{
    const QString sandbox = m_env->dir();
    QFile in(m_env->profilePath());
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(in.readAll());
    text.replace(QStringLiteral("path: backups/primary"),
                 QStringLiteral("path: %1/primary").arg(dir));
    text.replace(sandbox + QStringLiteral("/backups/mirror"), dir + QStringLiteral("/mirror"));
    // The second region's repositories, likewise the test's own.
    text.replace(QStringLiteral("path: backups/b-primary"),
                 QStringLiteral("path: %1/b-primary").arg(dir));
    text.replace(sandbox + QStringLiteral("/backups/b-mirror"), dir + QStringLiteral("/b-mirror"));
    text.replace(QStringLiteral("rclone_config: rclone.conf"),
                 QStringLiteral("rclone_config: %1/rclone.conf").arg(sandbox));
    text.replace(QStringLiteral("{file: secrets/"),
                 QStringLiteral("{file: %1/secrets/").arg(sandbox));
    text.replace(QStringLiteral("kubeconfig: kubeconfig"),
                 QStringLiteral("kubeconfig: %1/kubeconfig").arg(sandbox));
    // The RAG API's, the webhook's and Gemini's CA (ca: and ca_file:) stays the sandbox's.
    text.replace(QStringLiteral("ca: kube/ca.crt"),
                 QStringLiteral("ca: %1/kube/ca.crt").arg(sandbox));
    text.replace(QStringLiteral("ca_file: kube/ca.crt"),
                 QStringLiteral("ca_file: %1/kube/ca.crt").arg(sandbox));
    text.replace(QStringLiteral("data_dir: data"), QStringLiteral("data_dir: %1/data").arg(dir));
    text.replace(QStringLiteral("      name: rag\n"),
                 QStringLiteral("      name: %1\n").arg(database));
    if (!deployments.isEmpty()) {
        const qsizetype from = text.indexOf(QStringLiteral("\ndeployments:\n"));
        const qsizetype to = text.indexOf(QStringLiteral("\n\n"), from + 1);
        QString section = QStringLiteral("\ndeployments:\n");
        for (const QString &name : deployments) {
            section += QStringLiteral("  - name: %1\n    selector: app=%1\n    replicas: {normal: "
                                      "2, recovery: 5}\n")
                           .arg(name);
        }
        text.replace(from, to - from + 1, section);
    }
    const QString path = dir + QStringLiteral("/profile.yaml");
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return {};
    out.write(text.toUtf8());
    return path;
}

QByteArray TestSandbox::superuserPassword() const
{
    return m_env->superuserPassword().value_or(QByteArray());
}

QByteArray TestSandbox::appPassword() const
{
    return core::SecretStore::read(m_profile.regions.constFirst().database.password)
        .value_or(QByteArray());
}

} // namespace ragdr::test
