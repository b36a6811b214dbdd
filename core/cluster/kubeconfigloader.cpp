#include "kubeconfigloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

namespace ragdr::core {

namespace {

const QString kExecExtensionName = QStringLiteral("client.authentication.k8s.io/exec");

// Thrown inside this file only; parse() turns it into an Error.
struct ParseFailure
{
    YAML::Mark mark;
    QString message;
};

[[noreturn]] void failAt(const YAML::Mark &mark, const QString &message)
{
    throw ParseFailure{mark, message};
}

QString position(const QString &file, const YAML::Mark &mark)
{
    if (mark.is_null())
        return file + QStringLiteral(":0:0");
    return QStringLiteral("%1:%2:%3").arg(file).arg(mark.line + 1).arg(mark.column + 1);
}

// kubectl turns YAML into JSON before decoding it (sigs.k8s.io/yaml, YAML 1.1 rules), so an
// unquoted 8080 or yes is a number or a boolean and does not fit a text field. We resolve plain
// scalars the same way so that we accept and refuse the same files.
enum class ScalarKind { Null, Bool, Number, Text };

bool isYamlBool(const std::string &s, bool *value = nullptr)
{
    static const QSet<QString> truths = {QStringLiteral("y"),
                                         QStringLiteral("Y"),
                                         QStringLiteral("yes"),
                                         QStringLiteral("Yes"),
                                         QStringLiteral("YES"),
                                         QStringLiteral("true"),
                                         QStringLiteral("True"),
                                         QStringLiteral("TRUE"),
                                         QStringLiteral("on"),
                                         QStringLiteral("On"),
                                         QStringLiteral("ON")};
    static const QSet<QString> falsities = {QStringLiteral("n"),
                                            QStringLiteral("N"),
                                            QStringLiteral("no"),
                                            QStringLiteral("No"),
                                            QStringLiteral("NO"),
                                            QStringLiteral("false"),
                                            QStringLiteral("False"),
                                            QStringLiteral("FALSE"),
                                            QStringLiteral("off"),
                                            QStringLiteral("Off"),
                                            QStringLiteral("OFF")};
    const QString q = QString::fromStdString(s);
    if (truths.contains(q)) {
        if (value)
            *value = true;
        return true;
    }
    if (falsities.contains(q)) {
        if (value)
            *value = false;
        return true;
    }
    return false;
}

bool isYamlNumber(const std::string &s)
{
    static const QRegularExpression integer(
        QStringLiteral("^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$"));
    static const QRegularExpression floating(
        QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
    static const QRegularExpression special(
        QStringLiteral("^([-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$"));
    const QString q = QString::fromStdString(s);
    return integer.match(q).hasMatch() || floating.match(q).hasMatch()
           || special.match(q).hasMatch();
}

ScalarKind scalarKind(const YAML::Node &n)
{
    if (!n.IsDefined() || n.IsNull())
        return ScalarKind::Null;
    const std::string &tag = n.Tag();
    if (tag == "!" || tag == "tag:yaml.org,2002:str")
        return ScalarKind::Text; // quoted, a block scalar or explicitly a string
    if (tag == "tag:yaml.org,2002:bool")
        return ScalarKind::Bool;
    if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float")
        return ScalarKind::Number;
    if (isYamlBool(n.Scalar()))
        return ScalarKind::Bool;
    if (isYamlNumber(n.Scalar()))
        return ScalarKind::Number;
    return ScalarKind::Text;
}

QString describeNode(const YAML::Node &n)
{
    switch (n.Type()) {
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Map:
        return QStringLiteral("a map");
    case YAML::NodeType::Scalar:
        switch (scalarKind(n)) {
        case ScalarKind::Bool:
            return QStringLiteral("the boolean %1").arg(QString::fromStdString(n.Scalar()));
        case ScalarKind::Number:
            return QStringLiteral("the number %1").arg(QString::fromStdString(n.Scalar()));
        case ScalarKind::Text:
            return QStringLiteral("the text \"%1\"").arg(QString::fromStdString(n.Scalar()));
        case ScalarKind::Null:
            break;
        }
        break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QJsonValue toJson(const YAML::Node &n)
{
    switch (n.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject o;
        for (auto it = n.begin(); it != n.end(); ++it)
            o.insert(QString::fromStdString(it->first.Scalar()), toJson(it->second));
        return o;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray a;
        for (const YAML::Node &item : n)
            a.append(toJson(item));
        return a;
    }
    case YAML::NodeType::Scalar: {
        const QString s = QString::fromStdString(n.Scalar());
        switch (scalarKind(n)) {
        case ScalarKind::Bool: {
            bool b = false;
            isYamlBool(n.Scalar(), &b);
            return b;
        }
        case ScalarKind::Number: {
            bool ok = false;
            QString digits = s;
            digits.remove(QLatin1Char('_'));
            const qlonglong i = digits.toLongLong(&ok, 0);
            if (ok)
                return double(i);
            const double d = digits.toDouble(&ok);
            return ok ? QJsonValue(d) : QJsonValue(s);
        }
        case ScalarKind::Text:
            return s;
        case ScalarKind::Null:
            break;
        }
        return QJsonValue::Null;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return QJsonValue::Null;
}

// Qt 6.4 serialises only objects and arrays; an extension may be any JSON value.
QByteArray compactJson(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

// Reads one kubeconfig file. Keys client-go does not know are ignored as kubectl ignores them, and
// reported as warnings because a misspelt key (tokenfile) silently changes who we connect as.
class FileParser final
{
public:
    explicit FileParser(QString file, QString baseDir)
        : m_file(std::move(file))
        , m_baseDir(std::move(baseDir))
    {}

    Kubeconfig parse(const YAML::Node &root)
    {
        Kubeconfig config;
        config.files.append(m_file);
        if (!root.IsDefined() || root.IsNull())
            return config; // an empty file is an empty config, as in client-go
        Map top(*this, root, QString(), root.Mark());
        const QString apiVersion = top.text("apiVersion");
        if (!apiVersion.isEmpty() && apiVersion != QLatin1String("v1")) {
            failAt(top.node("apiVersion").Mark(),
                   QStringLiteral("apiVersion: kubeconfig files are version v1, found \"%1\"")
                       .arg(apiVersion));
        }
        const QString kind = top.text("kind");
        if (!kind.isEmpty() && kind != QLatin1String("Config"))
            failAt(top.node("kind").Mark(),
                   QStringLiteral("kind: expected Config, found \"%1\"").arg(kind));
        top.node("preferences");
        top.node("extensions");
        config.currentContext = top.text("current-context");

        forEachNamed(top,
                     "clusters",
                     "cluster",
                     [&](Map &entry,
                         const QString &name,
                         const YAML::Node &value,
                         const QString &path) {
                         if (config.clusters.contains(name))
                             failDuplicate(entry, "cluster", name);
                         config.clusters.insert(name, parseCluster(value, name, path, entry.mark()));
                     });
        forEachNamed(top,
                     "users",
                     "user",
                     [&](Map &entry,
                         const QString &name,
                         const YAML::Node &value,
                         const QString &path) {
                         if (config.users.contains(name))
                             failDuplicate(entry, "user", name);
                         config.users.insert(name, parseUser(value, name, path, entry.mark()));
                     });
        forEachNamed(top,
                     "contexts",
                     "context",
                     [&](Map &entry,
                         const QString &name,
                         const YAML::Node &value,
                         const QString &path) {
                         if (config.contexts.contains(name))
                             failDuplicate(entry, "context", name);
                         config.contexts.insert(name, parseContext(value, name, path, entry.mark()));
                     });
        top.finish();
        config.warnings = m_warnings;
        return config;
    }

private:
    // A YAML map being read; null counts as an empty map, as a JSON null decodes into a zero struct.
    class Map final
    {
    public:
        explicit Map(FileParser &parser,
                     const YAML::Node &node,
                     QString path,
                     const YAML::Mark &parentMark)
            : m_parser(parser)
            , m_node(node)
            , m_path(std::move(path))
            , m_mark(node.IsDefined() && !node.IsNull() ? node.Mark() : parentMark)
        {
            if (node.IsDefined() && !node.IsNull() && !node.IsMap()) {
                failAt(m_mark,
                       QStringLiteral("%1expected a map of key: value lines, found %2")
                           .arg(prefix(), describeNode(node)));
            }
        }

        YAML::Mark mark() const { return m_mark; }
        QString path(const char *key) const
        {
            return m_path.isEmpty() ? QString::fromLatin1(key)
                                    : m_path + QLatin1Char('.') + QLatin1String(key);
        }

        YAML::Node node(const char *key)
        {
            m_known.insert(QString::fromLatin1(key));
            if (!m_node.IsMap())
                return YAML::Node(YAML::NodeType::Undefined);
            return std::as_const(m_node)[key];
        }

        bool has(const char *key)
        {
            const YAML::Node n = node(key);
            return n.IsDefined() && !n.IsNull();
        }

        QString text(const char *key)
        {
            const YAML::Node n = node(key);
            return textOf(n, path(key));
        }

        bool boolean(const char *key)
        {
            const YAML::Node n = node(key);
            if (!n.IsDefined() || n.IsNull())
                return false;
            bool value = false;
            if (n.IsScalar() && scalarKind(n) == ScalarKind::Bool) {
                isYamlBool(n.Scalar(), &value);
                return value;
            }
            failAt(n.Mark(),
                   QStringLiteral("%1: expected true or false (without quotes), found %2")
                       .arg(path(key), describeNode(n)));
        }

        // The *-data fields: base64 in the file, PEM once decoded.
        QByteArray base64(const char *key)
        {
            const YAML::Node n = node(key);
            QByteArray encoded = textOf(n, path(key)).toLatin1();
            encoded.replace('\n', QByteArray())
                .replace('\r', QByteArray())
                .replace(' ', QByteArray());
            if (encoded.isEmpty())
                return {};
            auto decoded
                = QByteArray::fromBase64Encoding(encoded,
                                                 QByteArray::Base64Encoding
                                                     | QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded) {
                failAt(n.Mark(),
                       QStringLiteral("%1: not valid base64 (the *-data fields hold base64-encoded "
                                      "PEM; a file path belongs in %2)")
                           .arg(path(key), QString::fromLatin1(key).chopped(5)));
            }
            return *decoded;
        }

        QStringList texts(const char *key)
        {
            const YAML::Node n = node(key);
            QStringList out;
            m_parser.forEachItem(n, path(key), [&](const YAML::Node &item, const QString &itemPath) {
                out.append(textOf(item, itemPath));
            });
            return out;
        }

        void finish() const
        {
            if (!m_node.IsMap())
                return;
            for (auto it = m_node.begin(); it != m_node.end(); ++it) {
                const QString key = QString::fromStdString(it->first.Scalar());
                if (m_known.contains(key))
                    continue;
                QStringList known(m_known.cbegin(), m_known.cend());
                known.sort();
                m_parser.warn(it->first.Mark(),
                              QStringLiteral(
                                  "%1unknown key \"%2\" is ignored, as kubectl ignores it "
                                  "(known here: %3)")
                                  .arg(prefix(), key, known.join(QStringLiteral(", "))));
            }
        }

        static QString textOf(const YAML::Node &n, const QString &path)
        {
            if (!n.IsDefined() || n.IsNull())
                return {};
            if (!n.IsScalar() || scalarKind(n) != ScalarKind::Text) {
                failAt(n.Mark(),
                       QStringLiteral("%1: expected text, found %2%3")
                           .arg(path,
                                describeNode(n),
                                n.IsScalar() ? QStringLiteral(" (put it in quotes)") : QString()));
            }
            return QString::fromStdString(n.Scalar());
        }

    private:
        QString prefix() const
        {
            return m_path.isEmpty() ? QString() : m_path + QStringLiteral(": ");
        }

        FileParser &m_parser;
        YAML::Node m_node;
        QString m_path;
        YAML::Mark m_mark;
        QSet<QString> m_known;
    };

    template<typename Fn>
    void forEachItem(const YAML::Node &list, const QString &path, Fn fn)
    {
        if (!list.IsDefined() || list.IsNull())
            return;
        if (!list.IsSequence()) {
            failAt(list.Mark(),
                   QStringLiteral("%1: expected a list of \"- ...\" items, found %2")
                       .arg(path, describeNode(list)));
        }
        for (std::size_t i = 0; i < list.size(); ++i)
            fn(list[i], QStringLiteral("%1[%2]").arg(path).arg(i));
    }

    // clusters, users and contexts are lists of {name: N, <field>: {...}}.
    template<typename Fn>
    void forEachNamed(Map &top, const char *listKey, const char *field, Fn fn)
    {
        const YAML::Node list = top.node(listKey);
        forEachItem(list,
                    QString::fromLatin1(listKey),
                    [&](const YAML::Node &item, const QString &path) {
                        Map entry(*this, item, path, top.mark());
                        const QString name = entry.text("name");
                        const YAML::Node value = entry.node(field);
                        fn(entry, name, value, entry.path(field));
                        entry.finish();
                    });
    }

    [[noreturn]] void failDuplicate(Map &entry, const char *what, const QString &name)
    {
        failAt(entry.mark(),
               QStringLiteral("a %1 named \"%2\" is defined twice in this file; kubectl "
                              "refuses that too")
                   .arg(QLatin1String(what), name));
    }

    void warn(const YAML::Mark &mark, const QString &message)
    {
        m_warnings.append(position(m_file, mark) + QStringLiteral(": ") + message);
    }

    // client-go resolves file references against the directory of the file that defines them and
    // leaves absolute ones alone (clientcmd ResolvePaths). No ~ expansion: kubectl does none.
    QString resolvePath(const QString &path) const
    {
        if (path.isEmpty() || QDir::isAbsolutePath(path))
            return path;
        return QDir::cleanPath(m_baseDir + QLatin1Char('/') + path);
    }

    KubeCluster parseCluster(const YAML::Node &n,
                             const QString &name,
                             const QString &path,
                             const YAML::Mark &parentMark)
    {
        Map m(*this, n, path, parentMark);
        KubeCluster c;
        c.name = name;
        c.origin = m_file;
        c.server = m.text("server");
        c.tlsServerName = m.text("tls-server-name");
        c.insecureSkipTlsVerify = m.boolean("insecure-skip-tls-verify");
        c.certificateAuthority = resolvePath(m.text("certificate-authority"));
        c.certificateAuthorityData = m.base64("certificate-authority-data");
        c.proxyUrl = m.text("proxy-url");
        c.disableCompression = m.boolean("disable-compression");
        QSet<QString> extensionNames;
        forEachItem(m.node("extensions"),
                    m.path("extensions"),
                    [&](const YAML::Node &item, const QString &itemPath) {
                        Map ext(*this, item, itemPath, m.mark());
                        const QString extName = ext.text("name");
                        if (extensionNames.contains(extName)) {
                            failAt(ext.mark(),
                                   QStringLiteral("%1: extension \"%2\" is listed twice")
                                       .arg(itemPath, extName));
                        }
                        extensionNames.insert(extName);
                        const YAML::Node value = ext.node("extension");
                        if (extName == kExecExtensionName && value.IsDefined() && !value.IsNull())
                            c.execExtension = compactJson(toJson(value));
                        ext.finish();
                    });
        m.finish();
        return c;
    }

    KubeUser parseUser(const YAML::Node &n,
                       const QString &name,
                       const QString &path,
                       const YAML::Mark &parentMark)
    {
        Map m(*this, n, path, parentMark);
        KubeUser u;
        u.name = name;
        u.origin = m_file;
        u.clientCertificate = resolvePath(m.text("client-certificate"));
        u.clientCertificateData = m.base64("client-certificate-data");
        u.clientKey = resolvePath(m.text("client-key"));
        u.clientKeyData = m.base64("client-key-data");
        u.token = m.text("token").toUtf8();
        u.tokenFile = resolvePath(m.text("tokenFile"));
        u.impersonate = m.text("as");
        const bool impersonatesUid = m.has("as-uid");
        const bool impersonatesGroups = m.has("as-groups");
        const bool impersonatesExtra = m.has("as-user-extra");
        if (u.impersonate.isEmpty() && (impersonatesUid || impersonatesGroups || impersonatesExtra))
            u.impersonate = QStringLiteral("(uid, groups or extra only)");
        const bool hasUsername = !m.text("username").isEmpty();
        const bool hasPassword = !m.text("password").isEmpty();
        u.basicAuth = hasUsername || hasPassword;
        if (m.has("auth-provider")) {
            Map provider(*this, m.node("auth-provider"), m.path("auth-provider"), m.mark());
            u.authProvider = provider.text("name");
            provider.node("config");
            provider.finish();
            if (u.authProvider.isEmpty())
                u.authProvider = QStringLiteral("(unnamed)");
        }
        if (m.has("exec"))
            u.exec = parseExec(m.node("exec"), m.path("exec"), m.mark());
        m.node("extensions");
        m.finish();
        return u;
    }

    KubeExecConfig parseExec(const YAML::Node &n, const QString &path, const YAML::Mark &parentMark)
    {
        Map m(*this, n, path, parentMark);
        KubeExecConfig e;
        e.apiVersion = m.text("apiVersion");
        e.command = m.text("command");
        // Only a command with a slash is a file reference; a bare name is looked up on PATH.
        if (e.command.contains(QLatin1Char('/')))
            e.command = QDir::cleanPath(resolvePath(e.command));
        e.args = m.texts("args");
        forEachItem(m.node("env"),
                    m.path("env"),
                    [&](const YAML::Node &item, const QString &itemPath) {
                        Map var(*this, item, itemPath, m.mark());
                        e.env.append({var.text("name"), var.text("value")});
                        var.finish();
                    });
        e.installHint = m.text("installHint");
        e.provideClusterInfo = m.boolean("provideClusterInfo");
        e.interactiveMode = m.text("interactiveMode");
        // client-go's defaulting (clientcmd/api/v1/defaults.go): only the beta versions may omit it.
        if (e.interactiveMode.isEmpty()
            && (e.apiVersion == QLatin1String("client.authentication.k8s.io/v1beta1")
                || e.apiVersion == QLatin1String("client.authentication.k8s.io/v1alpha1"))) {
            e.interactiveMode = QStringLiteral("IfAvailable");
        }
        m.finish();
        return e;
    }

    KubeContext parseContext(const YAML::Node &n,
                             const QString &name,
                             const QString &path,
                             const YAML::Mark &parentMark)
    {
        Map m(*this, n, path, parentMark);
        KubeContext c;
        c.name = name;
        c.origin = m_file;
        c.cluster = m.text("cluster");
        c.user = m.text("user");
        c.ns = m.text("namespace");
        m.node("extensions");
        m.finish();
        return c;
    }

    QString m_file;
    QString m_baseDir;
    QStringList m_warnings;
};

void mergeInto(Kubeconfig &merged, const Kubeconfig &file)
{
    merged.files.append(file.files);
    merged.warnings.append(file.warnings);
    if (merged.currentContext.isEmpty())
        merged.currentContext = file.currentContext;
    // First file wins, for the whole entry: a later file's same-named user contributes nothing.
    for (auto it = file.clusters.cbegin(); it != file.clusters.cend(); ++it) {
        if (!merged.clusters.contains(it.key()))
            merged.clusters.insert(it.key(), it.value());
    }
    for (auto it = file.users.cbegin(); it != file.users.cend(); ++it) {
        if (!merged.users.contains(it.key()))
            merged.users.insert(it.key(), it.value());
    }
    for (auto it = file.contexts.cbegin(); it != file.contexts.cend(); ++it) {
        if (!merged.contexts.contains(it.key()))
            merged.contexts.insert(it.key(), it.value());
    }
}

} // namespace

KubeconfigSearch KubeconfigSearch::fromEnvironment(const QString &explicitPath)
{
    KubeconfigSearch search;
    search.explicitPath = explicitPath;
    search.kubeconfigEnv = qEnvironmentVariable("KUBECONFIG");
    search.homeDir = qEnvironmentVariable("HOME");
    if (search.homeDir.isEmpty())
        search.homeDir = QDir::homePath();
    return search;
}

QStringList KubeconfigSearch::precedence() const
{
    if (!explicitPath.isEmpty())
        return {explicitPath};
    if (kubeconfigEnv.isEmpty())
        return {homeDir + QStringLiteral("/.kube/config")};
    QStringList files;
    for (const QString &entry : kubeconfigEnv.split(QLatin1Char(':'))) {
        // Exact duplicates only, as client-go's deduplicate; empty entries are skipped when loading.
        if (!files.contains(entry))
            files.append(entry);
    }
    files.removeAll(QString());
    return files;
}

Result<Kubeconfig> KubeconfigLoader::parse(const QByteArray &yaml, const QString &path)
{
    const QString where = QFileInfo(path).absoluteFilePath();
    const QString untouched = QStringLiteral("nothing was read from the cluster");
    try {
        // Like client-go, an empty file is an empty config rather than an error.
        const YAML::Node root = yaml.trimmed().isEmpty() ? YAML::Node()
                                                         : YAML::Load(yaml.toStdString());
        FileParser parser(where, QFileInfo(where).absolutePath());
        return parser.parse(root);
    } catch (const ParseFailure &f) {
        return fail(
            Error::badInput(position(where, f.mark) + QStringLiteral(": ") + f.message, untouched));
    } catch (const YAML::Exception &e) {
        return fail(Error::badInput(position(where, e.mark) + QStringLiteral(": YAML syntax error: ")
                                        + QString::fromStdString(e.msg),
                                    untouched));
    } catch (const std::exception &e) {
        return fail(Error::badInput(QStringLiteral("%1: cannot read this kubeconfig: %2")
                                        .arg(where, QString::fromLocal8Bit(e.what())),
                                    untouched));
    }
}

Result<Kubeconfig> KubeconfigLoader::load(const KubeconfigSearch &search)
{
    if (!search.explicitPath.isEmpty() && !QFileInfo::exists(search.explicitPath)) {
        return fail(
            Error::badInput(QStringLiteral("the kubeconfig %1 named by the profile does not exist; "
                                           "correct kube.kubeconfig or create the file")
                                .arg(search.explicitPath)));
    }
    Kubeconfig merged;
    QStringList errors;
    for (const QString &path : search.precedence()) {
        QFile file(path);
        if (!file.exists()) {
            merged.missing.append(path);
            continue;
        }
        if (QFileInfo(path).isDir()) {
            errors.append(QStringLiteral("cannot read kubeconfig %1: it is a directory").arg(path));
            continue;
        }
        if (!file.open(QIODevice::ReadOnly)) {
            errors.append(
                QStringLiteral("cannot read kubeconfig %1: %2").arg(path, file.errorString()));
            continue;
        }
        auto one = parse(file.readAll(), path);
        if (!one) {
            errors.append(one.error().message);
            continue;
        }
        mergeInto(merged, *one);
    }
    // kubectl reads every file and then fails on any error; so do we, naming them all.
    if (!errors.isEmpty()) {
        return fail(Error::badInput(errors.join(QLatin1Char('\n')),
                                    QStringLiteral("nothing was read from the cluster")));
    }
    return merged;
}

} // namespace ragdr::core
