#include "restorescenario.h"

#include "testsandbox.h"
#include "wait.h"

#include "core/db/pgsession.h"
#include "core/restore/restorestore.h"

#include <QCoreApplication>
#include <QFile>

#include <gtest/gtest.h>

namespace ragdr::test {

namespace {

const QStringList kTables{QStringLiteral("documents"),
                          QStringLiteral("chunks"),
                          QStringLiteral("embeddings")};

std::unique_ptr<core::PgSession> superSession(const QString &database)
{
    TestSandbox &s = TestSandbox::shared();
    auto session = core::PgSession::connect(s.superuser(), s.superuserPassword(), database);
    if (!session) {
        ADD_FAILURE() << qPrintable(session.error().message);
        return nullptr;
    }
    return std::move(*session);
}

} // namespace

QString DatabaseSnapshot::describe() const
{
    QStringList parts;
    for (const QString &t : kTables)
        parts.append(
            QStringLiteral("%1 %2 rows (%3)").arg(t).arg(rows.value(t)).arg(hashes.value(t).left(8)));
    return parts.join(QStringLiteral(", "));
}

RestoreScenario::RestoreScenario(const QString &context, int chunks)
    : m_context(context)
    , m_db(chunks)
    , m_dir(makeTempDir())
{
    m_kubectl = std::make_unique<Kubectl>(TestSandbox::shared().environment().kubeconfigPath(),
                                          m_dir->path() + QStringLiteral("/cache"),
                                          context);
    m_api = uniqueName(QStringLiteral("rapi"));
    m_worker = uniqueName(QStringLiteral("rwrk"));
}

RestoreScenario::~RestoreScenario()
{
    for (const QString &d : deployments()) {
        m_kubectl->run({QStringLiteral("delete"),
                        QStringLiteral("deployment"),
                        d,
                        QStringLiteral("--wait=false")});
        m_kubectl->run({QStringLiteral("delete"),
                        QStringLiteral("pods"),
                        QStringLiteral("-l"),
                        QStringLiteral("app=") + d,
                        QStringLiteral("--grace-period=0"),
                        QStringLiteral("--force")});
    }
    // What restores kept or left beside the test's database; the database itself goes with m_db.
    if (auto admin = superSession(QStringLiteral("postgres"))) {
        for (const QString &name : databases()) {
            if (name != m_db.name())
                admin->execute(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)")
                                   .arg(core::PgSession::quoteIdentifier(name)));
        }
    }
}

QString RestoreScenario::region() const
{
    return m_context == QLatin1String("drill-b") ? QStringLiteral("drill-b")
                                                 : QStringLiteral("drill");
}

bool RestoreScenario::setUp(bool backup)
{
    if (Kubectl::program().isEmpty()) {
        ADD_FAILURE() << Kubectl::missingMessage();
        return false;
    }
    for (const QString &d : deployments()) {
        const KubectlRun created = m_kubectl->run({QStringLiteral("create"),
                                                   QStringLiteral("-f"),
                                                   QStringLiteral("-"),
                                                   QStringLiteral("--validate=false")},
                                                  json(deploymentJson(d, kNormal)));
        if (created.exitCode != 0) {
            ADD_FAILURE() << qPrintable(created.all());
            return false;
        }
    }
    if (!appsAt(kNormal))
        return false;
    m_profilePath = TestSandbox::shared().writeIsolatedProfile(m_dir->path(),
                                                               m_db.name(),
                                                               deployments());
    QFile file(m_profilePath);
    if (m_profilePath.isEmpty() || !file.open(QIODevice::ReadOnly)) {
        ADD_FAILURE() << "cannot write the test's profile";
        return false;
    }
    QString text = QString::fromUtf8(file.readAll());
    file.close();
    // Small replica counts: the tests are about the restore, not about rollouts of many pods.
    text.replace(QStringLiteral("replicas: {normal: 2, recovery: 5}"),
                 QStringLiteral("replicas: {normal: %1, recovery: %2}").arg(kNormal).arg(kRecovery));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.write(text.toUtf8());
    file.close();
    if (!backup)
        return true;
    const CliRun made = ragdr({QStringLiteral("backup")});
    if (made.exitCode != 0) {
        ADD_FAILURE() << "backup failed: " << qPrintable(made.err + made.out);
        return false;
    }
    return true;
}

CliRun RestoreScenario::ragdr(const QStringList &args) const
{
    return runRagdr(
        QStringList{QStringLiteral("--profile"), m_profilePath, QStringLiteral("--region"), region()}
        + args);
}

std::unique_ptr<QProcess> RestoreScenario::startRagdr(const QStringList &args) const
{
    auto p = std::make_unique<QProcess>();
    p->start(QCoreApplication::applicationDirPath() + QStringLiteral("/ragdr"),
             QStringList{QStringLiteral("--profile"),
                         m_profilePath,
                         QStringLiteral("--region"),
                         region()}
                 + args);
    p->waitForStarted();
    return p;
}

DatabaseSnapshot RestoreScenario::snapshot(const QString &database) const
{
    DatabaseSnapshot s;
    auto session = superSession(database.isEmpty() ? m_db.name() : database);
    if (!session)
        return s;
    for (const QString &t : kTables) {
        auto n = session->scalar(QStringLiteral("SELECT count(*) FROM public.%1").arg(t));
        auto h = session->scalar(
            QStringLiteral(
                "SELECT md5(string_agg(md5(t::text), '' ORDER BY t::text)) FROM public.%1 t")
                .arg(t));
        s.rows.insert(t, n ? n->toString().toLongLong() : -1);
        s.hashes.insert(t, h ? h->toString() : QString());
    }
    return s;
}

QStringList RestoreScenario::databases() const
{
    QStringList names;
    auto admin = superSession(QStringLiteral("postgres"));
    if (!admin)
        return names;
    auto rows = admin->query(
        QStringLiteral(
            "SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1 ORDER BY 1"),
        {m_db.name()});
    if (rows) {
        for (const core::PgRow &r : std::as_const(*rows))
            names.append(r.value(0).toString());
    }
    return names;
}

bool RestoreScenario::execute(const QString &sql, const QString &database) const
{
    auto session = superSession(database.isEmpty() ? m_db.name() : database);
    if (!session)
        return false;
    auto done = session->execute(sql);
    EXPECT_TRUE(done.has_value()) << qPrintable(done ? QString() : done.error().message);
    return done.has_value();
}

QString RestoreScenario::ready(const QString &deployment) const
{
    const QList<QStringList> table = rows(m_kubectl
                                              ->run({QStringLiteral("get"),
                                                     QStringLiteral("deployment"),
                                                     deployment,
                                                     QStringLiteral("--no-headers")})
                                              .out);
    return table.isEmpty() ? QString() : table.first().value(1);
}

int RestoreScenario::specReplicas(const QString &deployment) const
{
    return m_kubectl
        ->run({QStringLiteral("get"),
               QStringLiteral("deployment"),
               deployment,
               QStringLiteral("-o"),
               QStringLiteral("jsonpath={.spec.replicas}")})
        .out.trimmed()
        .toInt();
}

bool RestoreScenario::appsAt(int replicas, int timeoutMs) const
{
    const QString want = QStringLiteral("%1/%1").arg(replicas);
    const bool ok = waitUntil([&] { return ready(m_api) == want && ready(m_worker) == want; },
                              std::chrono::milliseconds(timeoutMs));
    EXPECT_TRUE(ok) << "expected " << qPrintable(want) << ", " << qPrintable(m_api) << " is "
                    << qPrintable(ready(m_api)) << ", " << qPrintable(m_worker) << " is "
                    << qPrintable(ready(m_worker));
    return ok;
}

QList<core::RestoreState> RestoreScenario::states() const
{
    return core::RestoreStore(dataDir()).list();
}

std::optional<core::RestoreState> RestoreScenario::state(const QString &id) const
{
    auto s = core::RestoreStore(dataDir()).read(id);
    return s ? std::optional<core::RestoreState>(*s) : std::nullopt;
}

} // namespace ragdr::test
