#include "profileloader.h"

#include "core/base/duration.h"
#include "core/incident/checkregistry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <tuple>
#include <utility>

#include <yaml-cpp/yaml.h>

namespace ragdr::core {

namespace {

// Thrown inside this file only; loadText turns it into an Error.
struct ParseFailure
{
    int line;
    int column;
    QString message;
};

QString nodeKind(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Null:
        return QStringLiteral("nothing");
    case YAML::NodeType::Scalar:
        return QStringLiteral("\"%1\"").arg(QString::fromStdString(node.Scalar()));
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Map:
        return QStringLiteral("a map");
    case YAML::NodeType::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

[[noreturn]] void failAt(const YAML::Mark &mark, const QString &message)
{
    throw ParseFailure{mark.is_null() ? 0 : mark.line + 1,
                       mark.is_null() ? 0 : mark.column + 1,
                       message};
}

// Iterates a YAML list, failing with a position when it is not one.
template<typename Fn>
void forEachItem(const YAML::Node &list, const QString &path, const YAML::Mark &parentMark, Fn fn)
{
    if (!list.IsSequence()) {
        failAt(list.IsDefined() && !list.IsNull() ? list.Mark() : parentMark,
               QStringLiteral("%1: expected a list of \"- ...\" items, found %2")
                   .arg(path, nodeKind(list)));
    }
    for (std::size_t i = 0; i < list.size(); ++i)
        fn(list[i], QStringLiteral("%1[%2]").arg(path).arg(i));
}

// A YAML map being read: tracks the keys used so that the rest can be reported as unknown.
class MapReader final
{
public:
    MapReader(const YAML::Node &node, QString path, const YAML::Mark &parentMark)
        : m_node(node)
        , m_path(std::move(path))
    {
        if (!node.IsMap()) {
            failAt(node.IsDefined() && !node.IsNull() ? node.Mark() : parentMark,
                   QStringLiteral("%1: expected a map of key: value lines, found %2")
                       .arg(m_path, nodeKind(node)));
        }
        QHash<QString, YAML::Mark> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!it->first.IsScalar())
                failAt(it->first.Mark(), QStringLiteral("%1: keys must be plain words").arg(m_path));
            const QString key = QString::fromStdString(it->first.Scalar());
            if (seen.contains(key)) {
                failAt(it->first.Mark(),
                       QStringLiteral("%1: duplicate key \"%2\" (first at line %3)")
                           .arg(m_path, key)
                           .arg(seen.value(key).line + 1));
            }
            seen.insert(key, it->first.Mark());
        }
    }

    YAML::Mark mark() const { return m_node.Mark(); }
    QString path(const QString &key) const { return m_path + QLatin1Char('.') + key; }

    bool has(const QString &key)
    {
        m_known.insert(key);
        const YAML::Node n = std::as_const(m_node)[key.toStdString()];
        return n.IsDefined() && !n.IsNull();
    }

    YAML::Node node(const QString &key)
    {
        m_known.insert(key);
        return std::as_const(m_node)[key.toStdString()];
    }

    YAML::Node required(const QString &key)
    {
        YAML::Node n = node(key);
        if (!n.IsDefined() || n.IsNull())
            failAt(mark(), QStringLiteral("%1: missing required key \"%2\"").arg(m_path, key));
        return n;
    }

    QString string(const QString &key) { return scalar(required(key), path(key)); }

    QString string(const QString &key, const QString &fallback)
    {
        return has(key) ? scalar(node(key), path(key)) : fallback;
    }

    int integer(const QString &key, int min, int max)
    {
        return toInt(required(key), path(key), min, max);
    }

    std::optional<int> optionalInteger(const QString &key, int min, int max)
    {
        if (!has(key))
            return std::nullopt;
        return toInt(node(key), path(key), min, max);
    }

    bool boolean(const QString &key, bool fallback)
    {
        if (!has(key))
            return fallback;
        const YAML::Node n = node(key);
        const QString s = scalar(n, path(key));
        if (s == QLatin1String("true"))
            return true;
        if (s == QLatin1String("false"))
            return false;
        failAt(n.Mark(),
               QStringLiteral("%1: expected true or false, found \"%2\"").arg(path(key), s));
    }

    std::optional<qint64> duration(const QString &key)
    {
        if (!has(key))
            return std::nullopt;
        const YAML::Node n = node(key);
        const QString s = scalar(n, path(key));
        const auto secs = parseDuration(s);
        if (!secs || *secs <= 0) {
            failAt(n.Mark(),
                   QStringLiteral("%1: expected a duration such as 30m, 24h or 7d, found \"%2\"")
                       .arg(path(key), s));
        }
        return secs;
    }

    double fraction(const QString &key, double fallback)
    {
        if (!has(key))
            return fallback;
        const YAML::Node n = node(key);
        bool ok = false;
        const double v = scalar(n, path(key)).toDouble(&ok);
        if (!ok || v < 0.0 || v > 1.0)
            failAt(n.Mark(),
                   QStringLiteral("%1: expected a fraction from 0 to 1, such as 0.8, found %2")
                       .arg(path(key), nodeKind(n)));
        return v;
    }

    QStringList stringList(const QString &key)
    {
        QStringList out;
        if (!has(key))
            return out;
        forEachItem(node(key),
                    path(key),
                    m_node.Mark(),
                    [&](const YAML::Node &item, const QString &itemPath) {
                        out.append(scalar(item, itemPath));
                    });
        return out;
    }

    QString oneOf(const QString &key, const QStringList &choices, const QString &fallback)
    {
        if (!has(key))
            return fallback;
        const YAML::Node n = node(key);
        const QString s = scalar(n, path(key));
        if (!choices.contains(s)) {
            failAt(n.Mark(),
                   QStringLiteral("%1: expected one of %2, found \"%3\"")
                       .arg(path(key), choices.join(QStringLiteral(", ")), s));
        }
        return s;
    }

    // Every key must have been asked for: anything else is a typo or belongs elsewhere.
    void finish() const
    {
        for (auto it = m_node.begin(); it != m_node.end(); ++it) {
            const QString key = QString::fromStdString(it->first.Scalar());
            if (!m_known.contains(key)) {
                QStringList known(m_known.cbegin(), m_known.cend());
                known.sort();
                failAt(it->first.Mark(),
                       QStringLiteral("%1: unknown key \"%2\" (expected one of: %3)")
                           .arg(m_path, key, known.join(QStringLiteral(", "))));
            }
        }
    }

    static QString scalar(const YAML::Node &n, const QString &path)
    {
        if (!n.IsScalar())
            failAt(n.Mark(),
                   QStringLiteral("%1: expected a text value, found %2").arg(path, nodeKind(n)));
        return QString::fromStdString(n.Scalar());
    }

    static int toInt(const YAML::Node &n, const QString &path, int min, int max)
    {
        bool ok = false;
        const int v = n.IsScalar() ? QString::fromStdString(n.Scalar()).toInt(&ok) : 0;
        if (!ok || v < min || v > max) {
            failAt(n.Mark(),
                   QStringLiteral("%1: expected a whole number from %2 to %3, found %4")
                       .arg(path)
                       .arg(min)
                       .arg(max)
                       .arg(nodeKind(n)));
        }
        return v;
    }

private:
    YAML::Node m_node;
    QString m_path;
    QSet<QString> m_known;
};

// What a PostgreSQL tool or rclone would take for something other than a plain value: an option
// ("-..."), a connection string ("host=... dbname=...", which pg_dump -d and libpq expand) or a
// URI ("postgresql://..."). Empty when value is plain.
QString optionLikeProblem(const QString &value, bool connectionString)
{
    if (value.startsWith(QLatin1Char('-')))
        return QStringLiteral("starts with \"-\", so a tool would read it as an option");
    if (!connectionString)
        return {};
    if (value.contains(QLatin1Char('=')))
        return QStringLiteral("contains \"=\", so libpq would read it as a connection string");
    if (value.contains(QLatin1String("://")))
        return QStringLiteral("is a URI, so libpq would read it as a connection string");
    return {};
}

// rclone reads "remote,key=value:path" and ":backend,...:path" as connection strings that
// carry their own settings (and can carry secrets in argv); the profile names a remote from
// rclone's configuration instead.
QString rcloneLocationProblem(const QString &location)
{
    if (location.startsWith(QLatin1Char('-')))
        return QStringLiteral("starts with \"-\", so rclone would read it as an option");
    if (location.contains(QLatin1String("://")))
        return QStringLiteral("is a URI; expected REMOTE:PATH with a remote from rclone's "
                              "configuration");
    const QString remote = location.section(QLatin1Char(':'), 0, 0);
    if (location.startsWith(QLatin1Char(':')) || remote.contains(QLatin1Char(','))
        || remote.contains(QLatin1Char('='))) {
        return QStringLiteral("is an rclone connection string; expected REMOTE:PATH with a remote "
                              "from rclone's configuration");
    }
    return {};
}

// Where a repository really is, so that two spellings of one place compare equal.
QString repositoryKey(const RepositoryConfig &repo)
{
    if (repo.kind == RepositoryConfig::Kind::Local) {
        const QString canonical = QFileInfo(repo.location).canonicalFilePath();
        return QStringLiteral("local:") + (canonical.isEmpty() ? repo.location : canonical);
    }
    const QString remote = repo.location.section(QLatin1Char(':'), 0, 0);
    QString path = QDir::cleanPath(repo.location.section(QLatin1Char(':'), 1));
    if (path == QLatin1String("."))
        path.clear();
    return QStringLiteral("rclone:%1:%2:%3").arg(repo.rcloneConfig, remote, path);
}

class Parser final
{
public:
    explicit Parser(QString baseDir)
        : m_baseDir(std::move(baseDir))
    {}

    Profile parse(const YAML::Node &root)
    {
        Profile p;
        MapReader top(root, QStringLiteral("profile"), root.Mark());
        const YAML::Node version = top.required(QStringLiteral("ragdr_profile"));
        MapReader::toInt(version, QStringLiteral("ragdr_profile"), 1, 1);
        p.service = top.string(QStringLiteral("service"));
        p.environment = top.string(QStringLiteral("environment"), {});
        p.readOnly = top.boolean(QStringLiteral("read_only"), false);
        if (top.has(QStringLiteral("data_dir")))
            p.dataDir = resolvePath(top.string(QStringLiteral("data_dir")));
        if (top.has(QStringLiteral("targets"))) {
            MapReader targets(top.node(QStringLiteral("targets")),
                              QStringLiteral("targets"),
                              top.mark());
            p.rpoSecs = targets.duration(QStringLiteral("rpo")).value_or(p.rpoSecs);
            p.rtoSecs = targets.duration(QStringLiteral("rto")).value_or(p.rtoSecs);
            targets.finish();
        }
        if (top.has(QStringLiteral("backup")))
            p.backup = parseBackup(top.node(QStringLiteral("backup")), top.mark());
        if (top.has(QStringLiteral("restore")))
            p.restore = parseRestore(top.node(QStringLiteral("restore")), top.mark());
        if (top.has(QStringLiteral("schema")))
            p.schema = parseSchema(top.node(QStringLiteral("schema")), top.mark());
        forEachItem(top.required(QStringLiteral("regions")),
                    QStringLiteral("regions"),
                    top.mark(),
                    [&](const YAML::Node &n, const QString &path) {
                        Region r = parseRegion(n, path, top.mark());
                        if (p.region(r.name))
                            failAt(n.Mark(),
                                   QStringLiteral("%1: region \"%2\" is defined twice")
                                       .arg(path, r.name));
                        p.regions.append(std::move(r));
                    });
        if (p.regions.isEmpty())
            failAt(top.mark(), QStringLiteral("regions: at least one region is needed"));
        checkRepositoriesApart();
        if (top.has(QStringLiteral("deployments"))) {
            forEachItem(top.node(QStringLiteral("deployments")),
                        QStringLiteral("deployments"),
                        top.mark(),
                        [&](const YAML::Node &n, const QString &path) {
                            p.deployments.append(parseDeployment(n, path, top.mark()));
                        });
        }
        if (top.has(QStringLiteral("llm")))
            parseLlm(top.node(QStringLiteral("llm")), top.mark(), p);
        if (top.has(QStringLiteral("contacts"))) {
            forEachItem(top.node(QStringLiteral("contacts")),
                        QStringLiteral("contacts"),
                        top.mark(),
                        [&](const YAML::Node &n, const QString &path) {
                            MapReader m(n, path, top.mark());
                            p.contacts.append({m.string(QStringLiteral("role")),
                                               m.string(QStringLiteral("email"))});
                            m.finish();
                        });
        }
        if (top.has(QStringLiteral("incident")))
            p.incident = parseIncident(top.node(QStringLiteral("incident")), top.mark());
        if (top.has(QStringLiteral("health")))
            p.health = parseHealth(top.node(QStringLiteral("health")), top.mark(), p);
        if (top.has(QStringLiteral("checklist")))
            p.checklist = parseChecklist(top.node(QStringLiteral("checklist")), top.mark(), p);
        top.finish();
        return p;
    }

private:
    // Each repository is one region's: a backup in it counts for that region alone, and
    // retention and "latest" there see only that region's backups.
    void checkRepositoriesApart() const
    {
        QHash<QString, const SeenRepository *> first;
        for (const SeenRepository &seen : m_repositories) {
            const auto it = first.constFind(seen.key);
            if (it == first.cend()) {
                first.insert(seen.key, &seen);
                continue;
            }
            failAt(seen.mark,
                   QStringLiteral("%1: %2 is also %3; two repositories never share a location, or "
                                  "each would list, verify and delete the other's backups")
                       .arg(seen.path, seen.location, (*it)->path));
        }
    }

    QString resolvePath(const QString &path) const
    {
        QString expanded = path;
        if (expanded.startsWith(QLatin1String("~/")))
            expanded = QDir::homePath() + expanded.mid(1);
        return QDir::cleanPath(QDir(m_baseDir).absoluteFilePath(expanded));
    }

    SecretRef parseSecret(const YAML::Node &n, const QString &path, const YAML::Mark &parentMark)
    {
        MapReader m(n, path, parentMark);
        SecretRef ref;
        const bool file = m.has(QStringLiteral("file"));
        const bool keychain = m.has(QStringLiteral("keychain"));
        if (file == keychain) {
            failAt(m.mark(),
                   QStringLiteral("%1: expected exactly one of \"file: PATH\" or \"keychain: KEY\"")
                       .arg(path));
        }
        if (file) {
            ref.source = SecretRef::Source::File;
            ref.location = resolvePath(m.string(QStringLiteral("file")));
        } else {
            ref.source = SecretRef::Source::Keychain;
            ref.location = m.string(QStringLiteral("keychain"));
        }
        m.finish();
        return ref;
    }

    DatabaseConfig parseDatabase(const YAML::Node &n,
                                 const QString &path,
                                 const YAML::Mark &parentMark)
    {
        MapReader m(n, path, parentMark);
        DatabaseConfig db;
        db.host = m.string(QStringLiteral("host"));
        db.port = m.optionalInteger(QStringLiteral("port"), 1, 65535).value_or(5432);
        db.name = m.string(QStringLiteral("name"));
        db.user = m.string(QStringLiteral("user"));
        db.sslmode = m.oneOf(QStringLiteral("sslmode"),
                             {QStringLiteral("disable"),
                              QStringLiteral("allow"),
                              QStringLiteral("prefer"),
                              QStringLiteral("require"),
                              QStringLiteral("verify-ca"),
                              QStringLiteral("verify-full")},
                             {});
        db.connectTimeoutSecs
            = m.optionalInteger(QStringLiteral("connect_timeout"), 1, 600).value_or(10);
        for (const auto &[key, value, connectionString] :
             {std::tuple{QStringLiteral("host"), db.host, true},
              std::tuple{QStringLiteral("name"), db.name, true},
              std::tuple{QStringLiteral("user"), db.user, false}}) {
            if (const QString problem = optionLikeProblem(value, connectionString);
                !problem.isEmpty()) {
                failAt(m.node(key).Mark(),
                       QStringLiteral("%1: \"%2\" %3; expected a plain %4")
                           .arg(m.path(key),
                                value,
                                problem,
                                key == QLatin1String("name") ? QStringLiteral("database name")
                                                             : key));
            }
        }
        if (m.has(QStringLiteral("password")))
            db.password = parseSecret(m.node(QStringLiteral("password")),
                                      m.path(QStringLiteral("password")),
                                      m.mark());
        m.finish();
        return db;
    }

    RepositoryConfig parseRepository(const YAML::Node &n,
                                     const QString &path,
                                     const YAML::Mark &parentMark)
    {
        MapReader m(n, path, parentMark);
        RepositoryConfig repo;
        repo.name = m.string(QStringLiteral("name"));
        const bool local = m.has(QStringLiteral("path"));
        const bool rclone = m.has(QStringLiteral("rclone"));
        if (local == rclone) {
            failAt(m.mark(),
                   QStringLiteral("%1: expected exactly one of \"path: DIRECTORY\" or "
                                  "\"rclone: REMOTE:PATH\"")
                       .arg(path));
        }
        if (local) {
            repo.kind = RepositoryConfig::Kind::Local;
            repo.location = resolvePath(m.string(QStringLiteral("path")));
        } else {
            repo.kind = RepositoryConfig::Kind::Rclone;
            repo.location = m.string(QStringLiteral("rclone"));
            if (!repo.location.contains(QLatin1Char(':'))) {
                failAt(m.node(QStringLiteral("rclone")).Mark(),
                       QStringLiteral("%1.rclone: expected REMOTE:PATH, found \"%2\"")
                           .arg(path, repo.location));
            }
            if (const QString problem = rcloneLocationProblem(repo.location); !problem.isEmpty()) {
                failAt(m.node(QStringLiteral("rclone")).Mark(),
                       QStringLiteral("%1.rclone: \"%2\" %3").arg(path, repo.location, problem));
            }
        }
        if (m.has(QStringLiteral("rclone_config")))
            repo.rcloneConfig = resolvePath(m.string(QStringLiteral("rclone_config")));
        const QString key = local ? QStringLiteral("path") : QStringLiteral("rclone");
        m_repositories.append({repositoryKey(repo), m.path(key), repo.location, m.node(key).Mark()});
        m.finish();
        return repo;
    }

    Region parseRegion(const YAML::Node &n, const QString &path, const YAML::Mark &parentMark)
    {
        MapReader m(n, path, parentMark);
        Region r;
        r.name = m.string(QStringLiteral("name"));
        {
            MapReader kube(m.required(QStringLiteral("kube")),
                           m.path(QStringLiteral("kube")),
                           m.mark());
            r.kube.context = kube.string(QStringLiteral("context"));
            r.kube.ns = kube.string(QStringLiteral("namespace"));
            if (kube.has(QStringLiteral("kubeconfig")))
                r.kube.kubeconfig = resolvePath(kube.string(QStringLiteral("kubeconfig")));
            kube.finish();
        }
        r.database = parseDatabase(m.required(QStringLiteral("database")),
                                   m.path(QStringLiteral("database")),
                                   m.mark());
        if (m.has(QStringLiteral("verify_database"))) {
            r.verifyDatabase = parseDatabase(m.node(QStringLiteral("verify_database")),
                                             m.path(QStringLiteral("verify_database")),
                                             m.mark());
        }
        QSet<QString> names;
        forEachItem(m.required(QStringLiteral("repositories")),
                    m.path(QStringLiteral("repositories")),
                    m.mark(),
                    [&](const YAML::Node &item, const QString &itemPath) {
                        RepositoryConfig repo = parseRepository(item, itemPath, m.mark());
                        if (names.contains(repo.name))
                            failAt(item.Mark(),
                                   QStringLiteral("%1: repository \"%2\" is listed twice")
                                       .arg(itemPath, repo.name));
                        names.insert(repo.name);
                        r.repositories.append(repo);
                    });
        if (r.repositories.isEmpty())
            failAt(m.mark(),
                   QStringLiteral("%1.repositories: at least one repository is needed").arg(path));
        if (r.repositories.constFirst().kind != RepositoryConfig::Kind::Local) {
            failAt(m.node(QStringLiteral("repositories"))[0].Mark(),
                   QStringLiteral(
                       "%1.repositories[0]: the first repository is where pg_dump writes and "
                       "must be a local directory (path: ...)")
                       .arg(path));
        }
        m.finish();
        return r;
    }

    BackupPolicy parseBackup(const YAML::Node &n, const YAML::Mark &parentMark)
    {
        MapReader m(n, QStringLiteral("backup"), parentMark);
        BackupPolicy b;
        b.naming = m.string(QStringLiteral("naming"), b.naming);
        if (!b.naming.endsWith(QLatin1String(".dump")) || b.naming.contains(QLatin1Char('/'))) {
            failAt(m.node(QStringLiteral("naming")).Mark(),
                   QStringLiteral("backup.naming: expected a file name ending in .dump, such as "
                                  "rag_backup_%F.dump, found \"%1\"")
                       .arg(b.naming));
        }
        b.latestName = m.string(QStringLiteral("latest"), b.latestName);
        b.compression = m.optionalInteger(QStringLiteral("compression"), 0, 9);
        b.verifyAfterBackup = m.oneOf(QStringLiteral("verify_after_backup"),
                                      {QStringLiteral("quick"), QStringLiteral("full")},
                                      b.verifyAfterBackup);
        if (m.has(QStringLiteral("retention"))) {
            MapReader ret(m.node(QStringLiteral("retention")),
                          QStringLiteral("backup.retention"),
                          m.mark());
            b.retention.keepLast = ret.optionalInteger(QStringLiteral("keep_last"), 1, 100000);
            b.retention.maxAgeSecs = ret.duration(QStringLiteral("max_age"));
            ret.finish();
        }
        m.finish();
        return b;
    }

    // The restore section: who restores and how (issue 9).
    RestoreSettings parseRestore(const YAML::Node &n, const YAML::Mark &parentMark)
    {
        MapReader m(n, QStringLiteral("restore"), parentMark);
        RestoreSettings r;
        r.role = m.string(QStringLiteral("role"), {});
        if (m.has(QStringLiteral("password"))) {
            if (r.role.isEmpty())
                failAt(m.node(QStringLiteral("password")).Mark(),
                       QStringLiteral("restore.password: a password needs a role (restore.role)"));
            r.password = parseSecret(m.node(QStringLiteral("password")),
                                     m.path(QStringLiteral("password")),
                                     m.mark());
        }
        r.jobs = m.optionalInteger(QStringLiteral("jobs"), 1, 64).value_or(0);
        if (m.has(QStringLiteral("maintenance_work_mem"))) {
            const YAML::Node node = m.node(QStringLiteral("maintenance_work_mem"));
            r.maintenanceWorkMem
                = MapReader::scalar(node, m.path(QStringLiteral("maintenance_work_mem")));
            static const QRegularExpression memory(QStringLiteral("^[0-9]+(kB|MB|GB|TB)$"));
            if (!memory.match(r.maintenanceWorkMem).hasMatch())
                failAt(node.Mark(),
                       QStringLiteral("restore.maintenance_work_mem: expected a size such as 512MB "
                                      "or 2GB, found \"%1\"")
                           .arg(r.maintenanceWorkMem));
        }
        r.maintenanceDatabase = m.string(QStringLiteral("maintenance_database"),
                                         r.maintenanceDatabase);
        r.sessionsGraceSecs
            = m.duration(QStringLiteral("sessions_grace")).value_or(r.sessionsGraceSecs);
        r.scaleTimeoutSecs
            = m.duration(QStringLiteral("scale_timeout")).value_or(r.scaleTimeoutSecs);
        m.finish();
        return r;
    }

    RagSchema parseSchema(const YAML::Node &n, const YAML::Mark &parentMark)
    {
        MapReader m(n, QStringLiteral("schema"), parentMark);
        RagSchema s;
        s.documentsTable = m.string(QStringLiteral("documents"));
        s.chunksTable = m.string(QStringLiteral("chunks"));
        s.chunkIdColumn = m.string(QStringLiteral("chunk_id"), s.chunkIdColumn);
        if (m.has(QStringLiteral("embeddings"))) {
            MapReader e(m.node(QStringLiteral("embeddings")),
                        QStringLiteral("schema.embeddings"),
                        m.mark());
            s.embeddingsTable = e.string(QStringLiteral("table"));
            s.embeddingColumn = e.string(QStringLiteral("column"), s.embeddingColumn);
            s.embeddingChunkKey = e.string(QStringLiteral("chunk_key"), s.embeddingChunkKey);
            e.finish();
        }
        m.finish();
        return s;
    }

    DeploymentSpec parseDeployment(const YAML::Node &n,
                                   const QString &path,
                                   const YAML::Mark &parentMark)
    {
        MapReader m(n, path, parentMark);
        DeploymentSpec d;
        d.name = m.string(QStringLiteral("name"));
        d.selector = m.string(QStringLiteral("selector"), QStringLiteral("app=") + d.name);
        MapReader replicas(m.required(QStringLiteral("replicas")),
                           m.path(QStringLiteral("replicas")),
                           m.mark());
        d.normalReplicas = replicas.integer(QStringLiteral("normal"), 0, 10000);
        d.recoveryReplicas = replicas.integer(QStringLiteral("recovery"), 0, 10000);
        replicas.finish();
        m.finish();
        return d;
    }

    // "500ms", "1.5s", "2m": the LLM section's waits are finer than whole seconds.
    static int millis(MapReader &m, const QString &key, int fallback, int min, int max)
    {
        if (!m.has(key))
            return fallback;
        const YAML::Node n = m.node(key);
        const QString s = MapReader::scalar(n, m.path(key)).trimmed();
        static const QRegularExpression re(QStringLiteral("^(\\d+(?:\\.\\d+)?)(ms|s|m)$"));
        const auto match = re.match(s);
        double value = match.hasMatch() ? match.captured(1).toDouble() : -1;
        if (match.captured(2) == QLatin1String("s"))
            value *= 1000;
        else if (match.captured(2) == QLatin1String("m"))
            value *= 60000;
        if (!match.hasMatch() || value < min || value > max) {
            failAt(n.Mark(),
                   QStringLiteral("%1: expected a duration from %2 ms to %3 s such as 500ms, 1.5s "
                                  "or 1m, found \"%4\"")
                       .arg(m.path(key))
                       .arg(min)
                       .arg(max / 1000)
                       .arg(s));
        }
        return int(value);
    }

    void parseLlm(const YAML::Node &n, const YAML::Mark &parentMark, Profile &p)
    {
        MapReader m(n, QStringLiteral("llm"), parentMark);
        m.oneOf(QStringLiteral("provider"), {QStringLiteral("gemini")}, QStringLiteral("gemini"));
        LlmSettings &s = p.llm;
        if (m.has(QStringLiteral("probe_interval"))) {
            const QString text = MapReader::scalar(m.node(QStringLiteral("probe_interval")),
                                                   m.path(QStringLiteral("probe_interval")));
            s.probeIntervalSecs = text == QLatin1String("off")
                                      ? 0
                                      : m.duration(QStringLiteral("probe_interval")).value_or(0);
        }
        s.timeoutMs = millis(m, QStringLiteral("timeout"), s.timeoutMs, 100, 600000);
        s.cooldownSecs = m.duration(QStringLiteral("cooldown")).value_or(s.cooldownSecs);
        s.statusFeed = m.string(QStringLiteral("status_feed"), {});
        if (m.has(QStringLiteral("retry"))) {
            MapReader r(m.node(QStringLiteral("retry")), m.path(QStringLiteral("retry")), m.mark());
            s.attempts = r.optionalInteger(QStringLiteral("attempts"), 1, 20).value_or(s.attempts);
            s.attemptsBeforeFailover = r.optionalInteger(QStringLiteral("before_failover"), 1, 20)
                                           .value_or(std::min(s.attemptsBeforeFailover, s.attempts));
            s.initialDelayMs
                = millis(r, QStringLiteral("initial_delay"), s.initialDelayMs, 1, 600000);
            s.maxDelayMs = millis(r, QStringLiteral("max_delay"), s.maxDelayMs, 1, 3600000);
            s.maxTotalWaitMs
                = millis(r, QStringLiteral("max_total_wait"), s.maxTotalWaitMs, 0, 3600000);
            r.finish();
        }
        if (m.has(QStringLiteral("service_config"))) {
            MapReader c(m.node(QStringLiteral("service_config")),
                        m.path(QStringLiteral("service_config")),
                        m.mark());
            s.serviceConfigMap = c.string(QStringLiteral("configmap"));
            s.serviceConfigKey = c.string(QStringLiteral("key"));
            c.finish();
        }
        QSet<QString> names;
        forEachItem(m.required(QStringLiteral("endpoints")),
                    QStringLiteral("llm.endpoints"),
                    m.mark(),
                    [&](const YAML::Node &item, const QString &path) {
                        MapReader e(item, path, m.mark());
                        LlmEndpoint ep;
                        ep.name = e.string(QStringLiteral("name"));
                        if (names.contains(ep.name))
                            failAt(item.Mark(),
                                   QStringLiteral("%1: endpoint \"%2\" is listed twice")
                                       .arg(path, ep.name));
                        names.insert(ep.name);
                        ep.url = e.string(QStringLiteral("url"));
                        const QUrl url(ep.url);
                        if (!url.isValid() || url.host().isEmpty()
                            || (url.scheme() != QLatin1String("https")
                                && url.scheme() != QLatin1String("http"))) {
                            failAt(e.node(QStringLiteral("url")).Mark(),
                                   QStringLiteral("%1.url: expected an https:// URL, found \"%2\"")
                                       .arg(path, ep.url));
                        }
                        while (ep.url.endsWith(QLatin1Char('/')))
                            ep.url.chop(1);
                        ep.model = e.string(QStringLiteral("model"));
                        ep.embeddingModel = e.string(QStringLiteral("embedding_model"), {});
                        if (e.has(QStringLiteral("key")))
                            ep.key = parseSecret(e.node(QStringLiteral("key")),
                                                 e.path(QStringLiteral("key")),
                                                 e.mark());
                        if (e.has(QStringLiteral("ca_file")))
                            ep.caFile = resolvePath(e.string(QStringLiteral("ca_file")));
                        e.finish();
                        p.llmEndpoints.append(ep);
                    });
        m.finish();
    }

    struct SeenRepository
    {
        QString key;
        QString path; // "regions[1].repositories[0].path"
        QString location;
        YAML::Mark mark;
    };

    // --- the incident, the health checks and the checklist

    IncidentPolicy parseIncident(const YAML::Node &n, const YAML::Mark &parentMark)
    {
        MapReader m(n, QStringLiteral("incident"), parentMark);
        IncidentPolicy policy;
        if (m.has(QStringLiteral("severities"))) {
            policy.severities.clear();
            forEachItem(m.node(QStringLiteral("severities")),
                        m.path(QStringLiteral("severities")),
                        m.mark(),
                        [&](const YAML::Node &item, const QString &path) {
                            MapReader s(item, path, m.mark());
                            Severity severity;
                            severity.name = s.string(QStringLiteral("name"));
                            severity.description = s.string(QStringLiteral("description"), {});
                            severity.updateEverySecs = s.duration(QStringLiteral("update_every"))
                                                           .value_or(severity.updateEverySecs);
                            s.finish();
                            if (policy.severity(severity.name))
                                failAt(item.Mark(),
                                       QStringLiteral("%1: severity \"%2\" is listed twice")
                                           .arg(path, severity.name));
                            policy.severities.append(severity);
                        });
            if (policy.severities.isEmpty())
                failAt(m.mark(), QStringLiteral("incident.severities: at least one is needed"));
        }
        if (m.has(QStringLiteral("webhooks"))) {
            forEachItem(m.node(QStringLiteral("webhooks")),
                        m.path(QStringLiteral("webhooks")),
                        m.mark(),
                        [&](const YAML::Node &item, const QString &path) {
                            MapReader w(item, path, m.mark());
                            Webhook hook;
                            hook.name = w.string(QStringLiteral("name"));
                            // The URL holds the webhook's token: it is read like a password.
                            hook.url = parseSecret(w.required(QStringLiteral("url")),
                                                   w.path(QStringLiteral("url")),
                                                   w.mark());
                            if (w.has(QStringLiteral("ca")))
                                hook.ca = resolvePath(w.string(QStringLiteral("ca")));
                            w.finish();
                            for (const Webhook &other : std::as_const(policy.webhooks)) {
                                if (other.name == hook.name)
                                    failAt(item.Mark(),
                                           QStringLiteral("%1: webhook \"%2\" is listed twice")
                                               .arg(path, hook.name));
                            }
                            policy.webhooks.append(hook);
                        });
        }
        m.finish();
        return policy;
    }

    HealthPolicy parseHealth(const YAML::Node &n, const YAML::Mark &parentMark, const Profile &p)
    {
        MapReader m(n, QStringLiteral("health"), parentMark);
        HealthPolicy h;
        h.timeoutSecs = int(m.duration(QStringLiteral("timeout")).value_or(h.timeoutSecs));
        h.metricsIntervalSecs = int(
            m.duration(QStringLiteral("metrics_interval")).value_or(h.metricsIntervalSecs));
        h.maxErrorRatio = m.fraction(QStringLiteral("max_error_ratio"), h.maxErrorRatio);
        if (m.has(QStringLiteral("paths"))) {
            MapReader paths(m.node(QStringLiteral("paths")),
                            m.path(QStringLiteral("paths")),
                            m.mark());
            h.statusPath = paths.string(QStringLiteral("status"), h.statusPath);
            h.metricsPath = paths.string(QStringLiteral("metrics"), h.metricsPath);
            h.queryPath = paths.string(QStringLiteral("query"), h.queryPath);
            paths.finish();
        }
        forEachItem(m.required(QStringLiteral("endpoints")),
                    m.path(QStringLiteral("endpoints")),
                    m.mark(),
                    [&](const YAML::Node &item, const QString &path) {
                        MapReader e(item, path, m.mark());
                        ServiceEndpoint endpoint;
                        endpoint.region = e.string(QStringLiteral("region"));
                        endpoint.url = e.string(QStringLiteral("url"));
                        if (e.has(QStringLiteral("ca")))
                            endpoint.ca = resolvePath(e.string(QStringLiteral("ca")));
                        e.finish();
                        if (!p.region(endpoint.region))
                            failAt(item.Mark(),
                                   QStringLiteral("%1: no region is called \"%2\" (the profile "
                                                  "has: %3)")
                                       .arg(path,
                                            endpoint.region,
                                            p.regionNames().join(QStringLiteral(", "))));
                        if (h.endpoint(endpoint.region))
                            failAt(item.Mark(),
                                   QStringLiteral("%1: region \"%2\" has an endpoint already")
                                       .arg(path, endpoint.region));
                        const QUrl url(endpoint.url);
                        if (!url.isValid() || url.host().isEmpty()
                            || (url.scheme() != QLatin1String("https")
                                && url.scheme() != QLatin1String("http")))
                            failAt(e.node(QStringLiteral("url")).Mark(),
                                   QStringLiteral("%1.url: expected an http(s) URL, found \"%2\"")
                                       .arg(path, endpoint.url));
                        h.endpoints.append(endpoint);
                    });
        if (m.has(QStringLiteral("golden_queries"))) {
            MapReader g(m.node(QStringLiteral("golden_queries")),
                        m.path(QStringLiteral("golden_queries")),
                        m.mark());
            h.topK = g.optionalInteger(QStringLiteral("top_k"), 1, 100).value_or(h.topK);
            h.minOverlap = g.fraction(QStringLiteral("min_overlap"), h.minOverlap);
            forEachItem(g.required(QStringLiteral("queries")),
                        g.path(QStringLiteral("queries")),
                        g.mark(),
                        [&](const YAML::Node &item, const QString &path) {
                            MapReader q(item, path, g.mark());
                            GoldenQuery query;
                            query.id = q.string(QStringLiteral("id"));
                            query.query = q.string(QStringLiteral("query"));
                            query.expect = q.stringList(QStringLiteral("expect"));
                            q.finish();
                            if (query.expect.isEmpty())
                                failAt(item.Mark(),
                                       QStringLiteral("%1.expect: list the document ids the query "
                                                      "must find")
                                           .arg(path));
                            for (const GoldenQuery &other : std::as_const(h.goldenQueries)) {
                                if (other.id == query.id)
                                    failAt(item.Mark(),
                                           QStringLiteral("%1: query \"%2\" is listed twice")
                                               .arg(path, query.id));
                            }
                            h.goldenQueries.append(query);
                        });
            g.finish();
        }
        m.finish();
        return h;
    }

    QList<ChecklistItem> parseChecklist(const YAML::Node &n,
                                        const YAML::Mark &parentMark,
                                        const Profile &p)
    {
        QList<ChecklistItem> items;
        forEachItem(
            n,
            QStringLiteral("checklist"),
            parentMark,
            [&](const YAML::Node &item, const QString &path) {
                MapReader m(item, path, parentMark);
                ChecklistItem c;
                c.line = m.mark().line + 1;
                c.id = m.string(QStringLiteral("id"));
                c.title = m.string(QStringLiteral("title"));
                c.phase = m.string(QStringLiteral("phase"), QStringLiteral("Post-recovery"));
                c.owner = m.string(QStringLiteral("owner"), {});
                c.required = m.boolean(QStringLiteral("required"), true);
                c.check = m.string(QStringLiteral("check"), {});
                c.gate = m.oneOf(QStringLiteral("gate"),
                                 {QStringLiteral("confirm"), QStringLiteral("typed-confirm")},
                                 {});
                m.finish();
                for (const ChecklistItem &other : std::as_const(items)) {
                    if (other.id == c.id)
                        failAt(item.Mark(),
                               QStringLiteral("%1: item \"%2\" is listed twice (first at line %3)")
                                   .arg(path, c.id)
                                   .arg(other.line));
                }
                if (!c.check.isEmpty()) {
                    const YAML::Mark at = m.node(QStringLiteral("check")).Mark();
                    const CheckRegistry::Kind *kind = CheckRegistry::find(c.check);
                    if (!kind)
                        failAt(at,
                               QStringLiteral("%1.check: no check is called \"%2\" (ragdr has: %3; "
                                              "leave it out for a manual step)")
                                   .arg(path,
                                        c.check,
                                        CheckRegistry::names().join(QStringLiteral(", "))));
                    if (const QString missing = kind->needs ? kind->needs(p) : QString();
                        !missing.isEmpty())
                        failAt(at,
                               QStringLiteral("%1.check: %2 needs %3").arg(path, c.check, missing));
                }
                items.append(c);
            });
        return items;
    }

    QString m_baseDir;
    QList<SeenRepository> m_repositories; // every repository of every region, in profile order
};

} // namespace

Result<Profile> ProfileLoader::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(Error::badInput(
            QStringLiteral("cannot read profile %1: %2").arg(path, file.errorString())));
    }
    return loadText(file.readAll(), QFileInfo(path).absoluteFilePath());
}

Result<Profile> ProfileLoader::loadText(const QByteArray &yaml, const QString &path)
{
    const QString where = QFileInfo(path).absoluteFilePath();
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        Parser parser(QFileInfo(path).absolutePath());
        Profile profile = parser.parse(root);
        profile.path = where;
        return profile;
    } catch (const ParseFailure &f) {
        return fail(Error::badInput(
            QStringLiteral("%1:%2:%3: %4").arg(where).arg(f.line).arg(f.column).arg(f.message),
            QStringLiteral("nothing was done with this profile")));
    } catch (const YAML::Exception &e) {
        const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
        const int column = e.mark.is_null() ? 0 : e.mark.column + 1;
        return fail(Error::badInput(QStringLiteral("%1:%2:%3: YAML syntax error: %4")
                                        .arg(where)
                                        .arg(line)
                                        .arg(column)
                                        .arg(QString::fromStdString(e.msg)),
                                    QStringLiteral("nothing was done with this profile")));
    }
}

} // namespace ragdr::core
