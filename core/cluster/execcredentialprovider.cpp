#include "execcredentialprovider.h"

#include "core/base/childprocess.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QRegularExpression>
#include <QThreadPool>
#include <QTimer>
#include <QWaitCondition>
#include <QtConcurrent>

namespace ragdr::core {

Q_LOGGING_CATEGORY(lcExec, "ragdr.cluster.exec", QtWarningMsg)

namespace {

const QString kUntouched = QStringLiteral("nothing was sent to the cluster");
constexpr int kWatchMs = 50;
constexpr unsigned long kCancelPollMs = 50;

// Plugins run here, never on a caller's thread and never on the global pool, where operations
// waiting for the credential could take every thread the plugin needs. Never destroyed: a static
// pool would wait at exit for a plugin whose thread gets no more events once the application
// object is gone (so it never sees its cancel); the process's end stops the plugin instead
// (ChildProcess gives its children PR_SET_PDEATHSIG).
QThreadPool &pluginThreads()
{
    static QThreadPool *const pool = new QThreadPool;
    return *pool;
}

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

struct ExecCredentialProvider::Plugin
{
    KubeExecConfig exec;
    std::optional<ExecClusterInfo> cluster;
    ExecPluginSearch search;
    std::chrono::seconds timeout;
};

// One plugin run and who waits for it.
struct ExecCredentialProvider::Refresh
{
    CancelToken cancel;
    QFuture<Result<Credential>> future;
    int interest = 0;
    bool done = false;
    Result<Credential> result = fail(Error::cancelled(kUntouched));
};

struct ExecCredentialProvider::State
{
    explicit State(Plugin p)
        : plugin(std::move(p))
    {}

    const Plugin plugin;
    QMutex mutex; // guards what follows; never held while a plugin runs
    QWaitCondition finished;
    std::optional<Credential> cached;
    std::shared_ptr<Refresh> inFlight;

    // Expired means "now is after expirationTimestamp", exactly as client-go decides.
    std::optional<Credential> current() const
    {
        if (cached
            && (!cached->expiresAt.isValid()
                || QDateTime::currentDateTimeUtc() <= cached->expiresAt)) {
            return cached;
        }
        return std::nullopt;
    }

    // A waiter gives up; with the last one gone the plugin is stopped.
    void release(Refresh &refresh)
    {
        if (--refresh.interest == 0 && !refresh.done)
            refresh.cancel.cancel();
    }
};

ExecCredentialProvider::ExecCredentialProvider(KubeExecConfig exec,
                                               std::optional<ExecClusterInfo> cluster,
                                               ExecPluginSearch search,
                                               std::chrono::seconds timeout)
    : m_state(std::make_shared<State>(
        Plugin{std::move(exec), std::move(cluster), std::move(search), timeout}))
{}

ExecCredentialProvider::~ExecCredentialProvider()
{
    QMutexLocker lock(&m_state->mutex);
    if (m_state->inFlight)
        m_state->inFlight->cancel.cancel();
}

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

std::shared_ptr<ExecCredentialProvider::Refresh> ExecCredentialProvider::joinRefresh(
    const std::shared_ptr<State> &state)
{
    // A refresh that everyone gave up on ends as cancelled: a new waiter starts another.
    if (state->inFlight && !state->inFlight->cancel.isCancelled())
        return state->inFlight;
    auto refresh = std::make_shared<Refresh>();
    state->inFlight = refresh;
    state->cached.reset();
    refresh->future = QtConcurrent::run(&pluginThreads(), [state, refresh] {
        Result<Credential> result = run(state->plugin, refresh->cancel);
        {
            QMutexLocker lock(&state->mutex);
            refresh->done = true;
            refresh->result = result;
            if (result && !refresh->cancel.isCancelled())
                state->cached = *result;
            if (state->inFlight == refresh)
                state->inFlight.reset();
        }
        state->finished.wakeAll();
        return result;
    });
    return refresh;
}

Result<Credential> ExecCredentialProvider::credential(const CancelToken &cancel)
{
    QMutexLocker lock(&m_state->mutex);
    if (auto current = m_state->current())
        return *current;
    const std::shared_ptr<Refresh> refresh = joinRefresh(m_state);
    ++refresh->interest;
    while (!refresh->done) {
        if (cancel.isCancelled()) {
            m_state->release(*refresh);
            return fail(Error::cancelled(kUntouched));
        }
        m_state->finished.wait(&m_state->mutex, kCancelPollMs);
    }
    --refresh->interest;
    return refresh->result;
}

PendingCredential ExecCredentialProvider::request()
{
    QMutexLocker lock(&m_state->mutex);
    PendingCredential pending;
    if (auto current = m_state->current()) {
        pending.ready = *current;
        return pending;
    }
    const std::shared_ptr<Refresh> refresh = joinRefresh(m_state);
    ++refresh->interest;
    pending.refresh = refresh->future;
    std::weak_ptr<State> weakState = m_state;
    pending.interest = std::shared_ptr<void>(nullptr, [weakState, refresh](void *) {
        if (auto state = weakState.lock()) {
            QMutexLocker lock(&state->mutex);
            state->release(*refresh);
        } else {
            refresh->cancel.cancel();
        }
    });
    return pending;
}

void ExecCredentialProvider::invalidate(quint64 refusedSerial)
{
    QMutexLocker lock(&m_state->mutex);
    if (m_state->cached && (refusedSerial == 0 || refusedSerial == m_state->cached->serial))
        m_state->cached.reset();
}

QString ExecCredentialProvider::describe() const
{
    const KubeExecConfig &exec = m_state->plugin.exec;
    return QStringLiteral("exec plugin %1 (%2)").arg(exec.command, exec.apiVersion);
}

Result<Credential> ExecCredentialProvider::run(const Plugin &plugin, const CancelToken &cancel)
{
    const KubeExecConfig &exec = plugin.exec;
    if (exec.interactiveMode == QLatin1String("Always")) {
        return fail(Error::failed(
            QStringLiteral(
                "exec plugin %1 cannot support interactive mode: standard input is not a terminal "
                "(its kubeconfig says interactiveMode: Always; log in with it in a terminal "
                "first, or use a plugin that can run without one)")
                .arg(exec.command),
            kUntouched));
    }
    if (exec.interactiveMode != QLatin1String("Never")
        && exec.interactiveMode != QLatin1String("IfAvailable")) {
        return fail(Error::badInput(
            QStringLiteral(
                "exec plugin %1 cannot support interactive mode: unknown interactiveMode: \"%2\"")
                .arg(exec.command, exec.interactiveMode),
            kUntouched));
    }
    auto found = plugin.search.locate(exec.command, exec.installHint);
    if (!found)
        return fail(found.error());

    ChildSpec spec;
    spec.program = found->program;
    spec.arguments = exec.args;
    spec.environment = ChildProcess::baseEnvironment();
    if (!found->onPath) {
        const QString dir = QFileInfo(found->program).absolutePath();
        const QString path = spec.environment.value(QStringLiteral("PATH"));
        spec.environment.insert(QStringLiteral("PATH"),
                                path.isEmpty() ? dir : dir + QLatin1Char(':') + path);
    }
    for (const KubeExecEnvVar &var : exec.env)
        spec.environment.insert(var.name, var.value);
    spec.environment.insert(QStringLiteral("KUBERNETES_EXEC_INFO"),
                            QString::fromUtf8(execInfo(exec.apiVersion, plugin.cluster)));

    // The child is stopped on the caller's cancel or when the plugin outlives its time.
    CancelToken stop;
    bool timedOut = false;
    const QDeadlineTimer deadline(plugin.timeout);
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
                                      .arg(exec.command, result.error().message),
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
                              .arg(plugin.timeout.count()),
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
    return parseOutput(result->standardOutput, exec.apiVersion, exec.command);
}

} // namespace ragdr::core
