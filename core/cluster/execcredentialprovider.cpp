#include "execcredentialprovider.h"

#include "core/base/childprocess.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTimer>

namespace ragdr::core {

Q_LOGGING_CATEGORY(lcExec, "ragdr.cluster.exec", QtWarningMsg)

namespace {

const QString kUntouched = QStringLiteral("nothing was sent to the cluster");
constexpr int kWatchMs = 50;

QJsonValue jsonValue(const QByteArray &json)
{
    // Wrapped so that any JSON value parses, not only objects and arrays.
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArrayLiteral("[") + json
                                                      + QByteArrayLiteral("]"));
    return doc.isArray() && doc.array().size() == 1 ? doc.array().at(0) : QJsonValue();
}

// metav1.Time is RFC 3339: a date, a time and a zone (Z or ±hh:mm), fractions allowed.
std::optional<QDateTime> parseRfc3339(const QString &text)
{
    static const QRegularExpression shape(QStringLiteral(
        "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$"));
    if (!shape.match(text).hasMatch())
        return std::nullopt;
    QString normalised = text;
    // Qt reads at most milliseconds; Go writes up to nanoseconds.
    static const QRegularExpression fraction(QStringLiteral("\\.(\\d{1,3})\\d*"));
    normalised.replace(fraction, QStringLiteral(".\\1"));
    const QDateTime t = QDateTime::fromString(normalised, Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    return t.toUTC();
}

QString lastLine(const QStringList &lines)
{
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        if (!it->trimmed().isEmpty())
            return it->trimmed();
    }
    return {};
}

} // namespace

ExecCredentialProvider::ExecCredentialProvider(KubeExecConfig exec,
                                               std::optional<ExecClusterInfo> cluster,
                                               ExecPluginSearch search,
                                               std::chrono::seconds timeout)
    : m_exec(std::move(exec))
    , m_cluster(std::move(cluster))
    , m_search(std::move(search))
    , m_timeout(timeout)
{}

QByteArray ExecCredentialProvider::execInfo(const QString &apiVersion,
                                            const std::optional<ExecClusterInfo> &cluster)
{
    QJsonObject spec{{QStringLiteral("interactive"), false}};
    if (cluster) {
        // Field names and omissions as in clientauthentication/v1 Cluster.
        QJsonObject c{{QStringLiteral("server"), cluster->server}};
        if (!cluster->tlsServerName.isEmpty())
            c.insert(QStringLiteral("tls-server-name"), cluster->tlsServerName);
        if (cluster->insecureSkipTlsVerify)
            c.insert(QStringLiteral("insecure-skip-tls-verify"), true);
        if (!cluster->certificateAuthorityData.isEmpty()) {
            c.insert(QStringLiteral("certificate-authority-data"),
                     QString::fromLatin1(cluster->certificateAuthorityData.toBase64()));
        }
        if (!cluster->proxyUrl.isEmpty())
            c.insert(QStringLiteral("proxy-url"), cluster->proxyUrl);
        if (cluster->disableCompression)
            c.insert(QStringLiteral("disable-compression"), true);
        if (!cluster->config.isEmpty())
            c.insert(QStringLiteral("config"), jsonValue(cluster->config));
        spec.insert(QStringLiteral("cluster"), c);
    }
    const QJsonObject info{{QStringLiteral("apiVersion"), apiVersion},
                           {QStringLiteral("kind"), QStringLiteral("ExecCredential")},
                           {QStringLiteral("spec"), spec}};
    return QJsonDocument(info).toJson(QJsonDocument::Compact);
}

Result<Credential> ExecCredentialProvider::parseOutput(const QByteArray &output,
                                                       const QString &apiVersion,
                                                       const QString &command)
{
    auto bad = [&](const QString &why) {
        return fail(
            Error::failed(QStringLiteral("exec plugin %1: %2").arg(command, why), kUntouched));
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(output, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        return bad(
            QStringLiteral("decoding stdout: it did not print an ExecCredential JSON object (%1)")
                .arg(parseError.error != QJsonParseError::NoError
                         ? parseError.errorString()
                         : QStringLiteral("not an object")));
    }
    const QJsonObject root = doc.object();
    const QString kind = root.value(QStringLiteral("kind")).toString();
    if (kind != QLatin1String("ExecCredential")) {
        return bad(kind.isEmpty()
                       ? QStringLiteral("decoding stdout: Object 'Kind' is missing")
                       : QStringLiteral("decoding stdout: expected kind ExecCredential, found %1")
                             .arg(kind));
    }
    const QString returned = root.value(QStringLiteral("apiVersion")).toString();
    if (returned != apiVersion) {
        return bad(
            QStringLiteral(
                "exec plugin is configured to use API version %1, plugin returned version %2")
                .arg(apiVersion, returned.isEmpty() ? QStringLiteral("(none)") : returned));
    }
    const QJsonValue statusValue = root.value(QStringLiteral("status"));
    if (!statusValue.isObject())
        return bad(QStringLiteral("exec plugin didn't return a status field"));
    const QJsonObject status = statusValue.toObject();

    auto text = [&](const char *key, QString *out) -> bool {
        const QJsonValue v = status.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isString())
            return false;
        *out = v.toString();
        return true;
    };
    QString token, certData, keyData, expiry;
    for (auto [key, out] : {std::pair{"token", &token},
                            std::pair{"clientCertificateData", &certData},
                            std::pair{"clientKeyData", &keyData},
                            std::pair{"expirationTimestamp", &expiry}}) {
        if (!text(key, out))
            return bad(QStringLiteral("decoding stdout: status.%1 must be a string")
                           .arg(QLatin1String(key)));
    }
    if (token.isEmpty() && certData.isEmpty() && keyData.isEmpty())
        return bad(QStringLiteral("exec plugin didn't return a token or cert/key pair"));
    if (certData.isEmpty() != keyData.isEmpty())
        return bad(QStringLiteral("exec plugin returned only certificate or key, not both"));

    Credential cred;
    cred.bearerToken = token.toUtf8();
    if (!expiry.isEmpty()) {
        const auto t = parseRfc3339(expiry);
        if (!t) {
            return bad(
                QStringLiteral(
                    "decoding stdout: status.expirationTimestamp \"%1\" is not an RFC 3339 time")
                    .arg(expiry));
        }
        cred.expiresAt = *t;
    }
    if (!certData.isEmpty()) {
        auto pair = TlsMaterial::keyPair(certData.toUtf8(),
                                         keyData.toUtf8(),
                                         QStringLiteral("clientCertificateData/clientKeyData"));
        if (!pair)
            return bad(QStringLiteral("failed parsing client key/certificate: ")
                       + pair.error().message);
        cred.clientCert = *pair;
    }
    cred.serial = nextSerial();
    return cred;
}

Result<Credential> ExecCredentialProvider::credential(const CancelToken &cancel)
{
    QMutexLocker lock(&m_mutex);
    // Expired means "now is after expirationTimestamp", exactly as client-go decides.
    if (m_cached
        && (!m_cached->expiresAt.isValid()
            || QDateTime::currentDateTimeUtc() <= m_cached->expiresAt)) {
        return *m_cached;
    }
    m_cached.reset();
    auto fresh = run(cancel);
    if (!fresh)
        return fail(fresh.error());
    m_cached = *fresh;
    return *fresh;
}

void ExecCredentialProvider::invalidate(quint64 refusedSerial)
{
    QMutexLocker lock(&m_mutex);
    if (m_cached && (refusedSerial == 0 || refusedSerial == m_cached->serial))
        m_cached.reset();
}

QString ExecCredentialProvider::describe() const
{
    return QStringLiteral("exec plugin %1 (%2)").arg(m_exec.command, m_exec.apiVersion);
}

Result<Credential> ExecCredentialProvider::run(const CancelToken &cancel)
{
    if (m_exec.interactiveMode == QLatin1String("Always")) {
        return fail(Error::failed(
            QStringLiteral(
                "exec plugin %1 cannot support interactive mode: standard input is not a terminal "
                "(its kubeconfig says interactiveMode: Always; log in with it in a terminal "
                "first, or use a plugin that can run without one)")
                .arg(m_exec.command),
            kUntouched));
    }
    if (m_exec.interactiveMode != QLatin1String("Never")
        && m_exec.interactiveMode != QLatin1String("IfAvailable")) {
        return fail(Error::badInput(
            QStringLiteral(
                "exec plugin %1 cannot support interactive mode: unknown interactiveMode: \"%2\"")
                .arg(m_exec.command, m_exec.interactiveMode),
            kUntouched));
    }
    auto found = m_search.locate(m_exec.command, m_exec.installHint);
    if (!found)
        return fail(found.error());

    ChildSpec spec;
    spec.program = found->program;
    spec.arguments = m_exec.args;
    spec.environment = ChildProcess::baseEnvironment();
    if (!found->onPath) {
        const QString dir = QFileInfo(found->program).absolutePath();
        const QString path = spec.environment.value(QStringLiteral("PATH"));
        spec.environment.insert(QStringLiteral("PATH"),
                                path.isEmpty() ? dir : dir + QLatin1Char(':') + path);
    }
    for (const KubeExecEnvVar &var : m_exec.env)
        spec.environment.insert(var.name, var.value);
    spec.environment.insert(QStringLiteral("KUBERNETES_EXEC_INFO"),
                            QString::fromUtf8(execInfo(m_exec.apiVersion, m_cluster)));

    // The child is stopped on the caller's cancel or when the plugin outlives its time.
    CancelToken stop;
    bool timedOut = false;
    const QDeadlineTimer deadline(m_timeout);
    QTimer watch;
    watch.setInterval(kWatchMs);
    QObject::connect(&watch, &QTimer::timeout, &watch, [&] {
        if (cancel.isCancelled()) {
            stop.cancel();
        } else if (deadline.hasExpired()) {
            timedOut = true;
            stop.cancel();
        }
    });
    watch.start();
    qCInfo(lcExec).noquote() << "running credential plugin" << spec.program;
    auto result = ChildProcess::run(spec, stop);
    watch.stop();
    if (!result) {
        return fail(Error::failed(QStringLiteral("exec plugin %1: %2")
                                      .arg(m_exec.command, result.error().message),
                                  kUntouched));
    }
    if (result->cancelled && !timedOut)
        return fail(Error::cancelled(kUntouched));
    if (timedOut) {
        return fail(
            Error::failed(QStringLiteral(
                              "exec: executable %1 did not finish within %2 s and was stopped; "
                              "a plugin waiting for a login prompt cannot get one here "
                              "(log in with it in a terminal first)")
                              .arg(spec.program)
                              .arg(m_timeout.count()),
                          kUntouched));
    }
    if (!result->succeeded()) {
        QString message = result->crashed
                              ? QStringLiteral("exec: executable %1 was killed").arg(spec.program)
                              : QStringLiteral("exec: executable %1 failed with exit code %2")
                                    .arg(spec.program)
                                    .arg(result->exitCode);
        const QString why = lastLine(result->standardErrorTail);
        if (!why.isEmpty())
            message += QStringLiteral(": ") + why;
        return fail(Error::failed(message, kUntouched));
    }
    return parseOutput(result->standardOutput, m_exec.apiVersion, m_exec.command);
}

} // namespace ragdr::core
