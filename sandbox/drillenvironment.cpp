#include "drillenvironment.h"

#include "drillkube.h"
#include "drillllm.h"
#include "drillpostgres.h"
#include "drillseed.h"
#include "drillservicesconfig.h"
#include "localports.h"
#include "ragcorpus.h"

#include "core/base/files.h"
#include "core/db/pgsession.h"
#include "core/db/scram.h"
#include "core/profile/profileloader.h"
#include "core/secrets/secretstore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTcpServer>

using namespace ragdr::core;

namespace ragdr::sandbox {

namespace {

const QString kAppUser = QStringLiteral("rag_app");
const QString kDatabase = QStringLiteral("rag");
constexpr int kGoldenTopK = 5; // the drill profile's health.golden_queries.top_k

QByteArray randomSecret()
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 6);
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString yamlQuotedPath(const QString &path)
{
    QString escaped = path;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return escaped;
}

} // namespace

DrillEnvironment::DrillEnvironment(QString dir)
    : m_dir(QDir(dir).absolutePath())
{}

QString DrillEnvironment::profilePath() const
{
    return m_dir + QStringLiteral("/profile.yaml");
}

QString DrillEnvironment::kubeconfigPath() const
{
    return DrillKube(m_dir).kubeconfigPath();
}

QString DrillEnvironment::secretPath(const QString &name) const
{
    return m_dir + QStringLiteral("/secrets/") + name + QStringLiteral(".password");
}

int DrillEnvironment::port() const
{
    return DrillPostgres(m_dir).port();
}

bool DrillEnvironment::isUp() const
{
    return DrillPostgres(m_dir).isRunning();
}

DatabaseConfig DrillEnvironment::superuser() const
{
    DatabaseConfig db;
    db.host = QStringLiteral("127.0.0.1");
    db.port = port();
    db.name = QStringLiteral("postgres");
    db.user = QStringLiteral("postgres");
    db.sslmode = QStringLiteral("disable");
    db.password = {SecretRef::Source::File, secretPath(QStringLiteral("postgres"))};
    return db;
}

Result<QByteArray> DrillEnvironment::superuserPassword() const
{
    return SecretStore::read(superuser().password);
}

Status DrillEnvironment::up(int rows, const Say &say)
{
    UpOptions options;
    options.rows = rows;
    return up(options, say);
}

Status DrillEnvironment::up(const UpOptions &options, const Say &say)
{
    const int rows = options.rows;
    if (!QDir().mkpath(m_dir + QStringLiteral("/secrets")))
        return fail(Error::badInput(QStringLiteral("cannot create %1").arg(m_dir)));
    QFile::setPermissions(m_dir + QStringLiteral("/secrets"),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    for (const char *sub : {"backups/primary", "backups/mirror", "backups/b-primary", "backups/b-mirror", "data"})
        QDir().mkpath(m_dir + QLatin1Char('/') + QLatin1String(sub));

    DrillPostgres pg(m_dir);
    const bool fresh = !pg.isInitialized();
    if (fresh) {
        say(QStringLiteral("creating a PostgreSQL cluster in %1").arg(pg.dataDir()));
        const QByteArray password = randomSecret();
        if (auto saved = files::writeAtomically(secretPath(QStringLiteral("postgres")), password,
                                                QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            !saved) {
            return saved;
        }
        if (auto init = pg.initialize(password); !init)
            return init;
    }
    if (!pg.isRunning()) {
        int port = 0;
        QFile state(m_dir + QStringLiteral("/drill.json"));
        if (state.open(QIODevice::ReadOnly))
            port = QJsonDocument::fromJson(state.readAll()).object().value(QStringLiteral("port")).toInt();
        QTcpServer probe;
        if (port <= 0 || !probe.listen(QHostAddress::LocalHost, quint16(port)))
            port = LocalPorts::pick();
        probe.close();
        say(QStringLiteral("starting PostgreSQL on 127.0.0.1:%1").arg(port));
        if (auto started = pg.start(port); !started)
            return started;
    }
    const int port = pg.port();
    if (fresh) {
        if (auto seeded = seed(port, rows, say); !seeded)
            return seeded;
    }
    if (auto written = files::writeAtomically(m_dir + QStringLiteral("/rclone.conf"),
                                              "# the drill's mirror repository: a local directory reached "
                                              "through rclone, as an offsite remote would be\n"
                                              "[drill-mirror]\ntype = local\n");
        !written) {
        return written;
    }
    DrillLlm llm(m_dir);
    auto llmPorts = llm.configure(DrillSeed::kDimension);
    if (!llmPorts)
        return fail(llmPorts.error());
    // The simulated RAG API and webhook receiver: ports kept across `up`s (the profile names
    // them), the webhook's URL a secret like any other.
    DrillKube kube(m_dir);
    auto services = DrillServicesConfig::ports(m_dir, kube.isRunning());
    if (!services)
        return fail(services.error());
    if (auto saved = services->savePorts(m_dir); !saved)
        return saved;
    if (auto written = files::writeAtomically(m_dir + QStringLiteral("/secrets/webhook.url"),
                                              QStringLiteral("https://127.0.0.1:%1/hooks/%2")
                                                  .arg(services->webhookPort)
                                                  .arg(services->webhookToken)
                                                  .toUtf8(),
                                              QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        !written) {
        return written;
    }
    auto golden = goldenSet(port, say);
    if (!golden)
        return fail(golden.error());
    if (auto written = writeProfile(port, *llmPorts, *services, *golden); !written)
        return written;

    // The simulated Kubernetes of every region the profile names (its kube contexts).
    auto profile = ProfileLoader::loadFile(profilePath());
    if (!profile)
        return fail(profile.error().prefixed(QStringLiteral("the drill profile")));
    services->addApisFrom(*profile);
    services->database = profile->regions.constFirst().database;
    DrillKube::Options kubeOptions;
    kubeOptions.pods = options.pods;
    kubeOptions.services = services->toJson();
    if (auto started = kube.up(*profile, kubeOptions, say); !started)
        return started;
    if (auto started = llm.up(*profile, say); !started)
        return started;

    const QJsonObject state{{QStringLiteral("port"), port},
                            {QStringLiteral("pgdata"), pg.dataDir()},
                            {QStringLiteral("profile"), profilePath()},
                            {QStringLiteral("kube"), kube.summary()}};
    if (auto written = files::writeAtomically(m_dir + QStringLiteral("/drill.json"), QJsonDocument(state).toJson());
        !written) {
        return written;
    }
    say(QStringLiteral("sandbox up: PostgreSQL %1 on 127.0.0.1:%2, profile %3").arg(pg.dataDir()).arg(port).arg(profilePath()));
    return {};
}

Status DrillEnvironment::seed(int port, int rows, const Say &say)
{
    auto superPassword = superuserPassword();
    if (!superPassword)
        return fail(superPassword.error());
    DatabaseConfig super = superuser();
    super.port = port;
    auto admin = PgSession::connect(super, *superPassword);
    if (!admin)
        return fail(admin.error());
    const QByteArray appPassword = randomSecret();
    if (auto saved = files::writeAtomically(secretPath(kAppUser), appPassword,
                                            QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        !saved) {
        return saved;
    }
    // The role's password reaches the server as a SCRAM verifier, never in clear.
    if (auto created = (*admin)->execute(QStringLiteral("CREATE ROLE %1 LOGIN CREATEDB PASSWORD %2")
                                             .arg(kAppUser, PgSession::quoteLiteral(QString::fromLatin1(scramSha256Verifier(appPassword)))));
        !created) {
        return created;
    }
    if (auto created = (*admin)->execute(QStringLiteral("CREATE DATABASE %1 OWNER %2").arg(kDatabase, kAppUser)); !created)
        return created;
    auto vector = (*admin)->scalar(QStringLiteral("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'"));
    const bool pgvector = vector && vector->toString().toInt() > 0;
    if (pgvector) {
        auto inRag = PgSession::connect(super, *superPassword, kDatabase);
        if (!inRag)
            return fail(inRag.error());
        if (auto ext = (*inRag)->execute(QStringLiteral("CREATE EXTENSION vector")); !ext)
            return ext;
    }

    DatabaseConfig app = super;
    app.user = kAppUser;
    app.name = kDatabase;
    auto session = PgSession::connect(app, appPassword);
    if (!session)
        return fail(session.error());
    say(QStringLiteral("seeding %1: %2 chunks with %3-dimensional embeddings (%4)")
            .arg(kDatabase)
            .arg(rows)
            .arg(DrillSeed::kDimension)
            .arg(pgvector ? QStringLiteral("pgvector") : QStringLiteral("real[]")));
    QElapsedTimer clock;
    clock.start();
    if (auto schema = DrillSeed::createSchema(**session, pgvector); !schema)
        return schema;
    if (auto filled = DrillSeed::fill(**session, rows, pgvector); !filled)
        return filled;
    say(QStringLiteral("seeded in %1 s").arg(clock.elapsed() / 1000.0, 0, 'f', 1));
    return {};
}

Result<QJsonArray> DrillEnvironment::goldenSet(int port, const Say &say) const
{
    const QString path = m_dir + QStringLiteral("/golden.json");
    QFile saved(path);
    if (saved.open(QIODevice::ReadOnly)) {
        const QJsonArray queries = QJsonDocument::fromJson(saved.readAll())
                                       .object()
                                       .value(QLatin1String("queries"))
                                       .toArray();
        if (!queries.isEmpty())
            return queries;
    }
    DatabaseConfig app = superuser();
    app.port = port;
    app.user = kAppUser;
    app.name = kDatabase;
    auto password = SecretStore::read({SecretRef::Source::File, secretPath(kAppUser)});
    if (!password)
        return fail(password.error());
    auto session = PgSession::connect(app, *password);
    if (!session)
        return fail(session.error());
    QJsonArray queries;
    for (const auto &[id, text] : RagCorpus::goldenQueries()) {
        auto hits = RagCorpus::search(**session, text, kGoldenTopK, false);
        if (!hits)
            return fail(
                hits.error().prefixed(QStringLiteral("recording the golden query %1").arg(id)));
        QJsonArray expect;
        for (const RagCorpus::Hit &h : std::as_const(*hits))
            expect.append(QString::number(h.documentId));
        queries.append(QJsonObject{{QStringLiteral("id"), id},
                                   {QStringLiteral("query"), text},
                                   {QStringLiteral("expect"), expect}});
    }
    say(QStringLiteral("recorded %1 golden queries' expected documents in %2")
            .arg(queries.size())
            .arg(path));
    if (auto written = files::writeAtomically(
            path, QJsonDocument(QJsonObject{{QStringLiteral("queries"), queries}}).toJson());
        !written)
        return fail(written.error());
    return queries;
}

Status DrillEnvironment::writeProfile(int port,
                                      const DrillLlm::Ports &llm,
                                      const DrillServicesConfig &services,
                                      const QJsonArray &golden) const
{
    QFile templ(QStringLiteral(":/ragdr/profiles/drill.yaml"));
    if (!templ.open(QIODevice::ReadOnly))
        return fail(Error::failed(QStringLiteral("the drill profile template is missing from the build")));
    QString text = QString::fromUtf8(templ.readAll());
    QString queries;
    for (const QJsonValue &v : golden) {
        const QJsonObject q = v.toObject();
        QStringList expect;
        for (const QJsonValue &e : q.value(QLatin1String("expect")).toArray())
            expect.append(QStringLiteral("\"%1\"").arg(e.toString()));
        queries += QStringLiteral("      - id: %1\n        query: \"%2\"\n        expect: [%3]\n")
                       .arg(q.value(QLatin1String("id")).toString(),
                            q.value(QLatin1String("query")).toString(),
                            expect.join(QStringLiteral(", ")));
    }
    text.replace(QStringLiteral("@GOLDEN_QUERIES@\n"), queries);
    text.replace(QStringLiteral("@RAG_PORT@"), QString::number(services.apiPort));
    text.replace(QStringLiteral("@PORT@"), QString::number(port));
    text.replace(QStringLiteral("@DIR@"), yamlQuotedPath(m_dir));
    text.replace(QStringLiteral("@LLM_PRIMARY_PORT@"), QString::number(llm.primary));
    text.replace(QStringLiteral("@LLM_BACKUP_PORT@"), QString::number(llm.backup));
    text.replace(QStringLiteral("@LLM_CONTROL_PORT@"), QString::number(llm.control));
    return files::writeAtomically(profilePath(), text.toUtf8());
}

Status DrillEnvironment::down(const Say &say)
{
    // The simulated services first: they may run even where PostgreSQL never started.
    if (auto stopped = DrillLlm(m_dir).down(say); !stopped)
        return stopped;
    if (auto stopped = DrillKube(m_dir).down(say); !stopped)
        return stopped;
    DrillPostgres pg(m_dir);
    if (!pg.isInitialized())
        return fail(Error::badInput(QStringLiteral("%1 holds no drill sandbox").arg(m_dir)));
    if (!pg.isRunning()) {
        say(QStringLiteral("PostgreSQL in %1 is not running").arg(pg.dataDir()));
        return {};
    }
    if (auto stopped = pg.stop(); !stopped)
        return stopped;
    say(QStringLiteral("stopped PostgreSQL in %1; the sandbox's files are kept").arg(pg.dataDir()));
    return {};
}

QString DrillEnvironment::status() const
{
    DrillPostgres pg(m_dir);
    if (!pg.isInitialized())
        return QStringLiteral("%1: no drill sandbox here (ragdr-drill up --dir %1 makes one)").arg(m_dir);
    QStringList lines;
    lines.append(QStringLiteral("sandbox   %1").arg(m_dir));
    lines.append(QStringLiteral("profile   %1").arg(profilePath()));
    if (pg.isRunning())
        lines.append(QStringLiteral("postgres  running, pid %1, 127.0.0.1:%2").arg(pg.pid()).arg(pg.port()));
    else
        lines.append(QStringLiteral("postgres  stopped (%1)").arg(pg.dataDir()));
    lines.append(DrillKube(m_dir).statusLines());
    lines.append(DrillLlm(m_dir).statusLines());
    return lines.join(QLatin1Char('\n'));
}

} // namespace ragdr::sandbox
