#include "llmserve.h"

#include "geminisimulator.h"
#include "httpserver.h"
#include "serveprocess.h"

#include "core/base/files.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslKey>

#include <unistd.h>

namespace ragdr::sandbox {

namespace {

constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
void sendJson(HttpConnection *connection, int code, const QJsonObject &body)
{
    connection->respond(code,
                        "application/json",
                        QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QByteArray issueKey()
{
    // Google's keys are "AIza" and 35 URL-safe characters; this one only looks like one.
    QByteArray bytes(27, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(QRandomGenerator::system()->bounded(256));
    return "AIza"
           + bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals).left(35);
}

} // namespace

LlmServe::LlmServe(QString dir)
    : m_dir(std::move(dir))
    , m_keys(std::make_shared<QSet<QByteArray>>())
{}

LlmServe::~LlmServe()
{
    m_control.reset();
    qDeleteAll(m_endpoints);
}

core::Status LlmServe::start()
{
    QFile file(m_dir + QStringLiteral("/llm/serve.json"));
    if (!file.open(QIODevice::ReadOnly))
        return core::fail(core::Error::badInput(
            QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString())));
    m_config = QJsonDocument::fromJson(file.readAll()).object();
    QFile keys(m_dir + QStringLiteral("/llm/keys"));
    if (keys.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : keys.readAll().split('\n')) {
            if (!line.trimmed().isEmpty())
                m_keys->insert(line.trimmed());
        }
    }
    QFile certFile(m_config.value(QLatin1String("certificateFile")).toString());
    QFile keyFile(m_config.value(QLatin1String("keyFile")).toString());
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
        return core::fail(core::Error::failed(
            QStringLiteral("cannot read the sandbox's TLS certificate or key")));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(certFile.readAll(), QSsl::Pem));
    tls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa, QSsl::Pem));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    tls.setProtocol(QSsl::TlsV1_2OrLater);

    for (const QJsonValue &v : m_config.value(QLatin1String("endpoints")).toArray()) {
        const QJsonObject e = v.toObject();
        GeminiSimulator::Config c;
        c.name = e.value(QLatin1String("name")).toString();
        c.port = quint16(e.value(QLatin1String("port")).toInt());
        for (const QJsonValue &m : e.value(QLatin1String("models")).toArray())
            c.models.append(m.toString());
        for (const QJsonValue &m : e.value(QLatin1String("embeddingModels")).toArray())
            c.embeddingModels.append(m.toString());
        c.dimension = e.value(QLatin1String("dimension")).toInt(384);
        auto *sim = new GeminiSimulator(c, tls, m_keys);
        m_endpoints.append(sim);
        if (auto started = sim->start(); !started)
            return core::fail(started.error().prefixed(QStringLiteral("endpoint %1").arg(c.name)));
    }
    m_control = std::make_unique<HttpServer>(tls, [this](HttpConnection *c, const HttpRequest &r) {
        control(c, r);
    });
    if (auto listening = m_control->listen(
            quint16(m_config.value(QLatin1String("controlPort")).toInt()));
        !listening)
        return core::fail(listening.error().prefixed(QStringLiteral("control endpoint")));
    const QJsonObject state{{QStringLiteral("pid"), qint64(::getpid())},
                            {QStringLiteral("ready"), true}};
    return core::files::writeAtomically(m_dir + QStringLiteral("/llm/state.json"),
                                        QJsonDocument(state).toJson(),
                                        kOwnerOnly);
}

QList<GeminiSimulator *> LlmServe::endpointsFor(const QString &endpoint) const
{
    if (endpoint.isEmpty())
        return m_endpoints.mid(0, 1);
    QList<GeminiSimulator *> out;
    for (GeminiSimulator *e : m_endpoints) {
        if (endpoint == QLatin1String("all") || e->config().name == endpoint)
            out.append(e);
    }
    return out;
}

QJsonObject LlmServe::statusJson() const
{
    QJsonArray endpoints;
    for (const GeminiSimulator *e : m_endpoints)
        endpoints.append(e->status());
    return {{QStringLiteral("pid"), qint64(::getpid())}, {QStringLiteral("endpoints"), endpoints}};
}

QByteArray LlmServe::incidents() const
{
    // An overload or a quota problem of the drill's primary shows as a provider incident, so that
    // the panel's status feed has something to say during a drill.
    QJsonArray list;
    for (const GeminiSimulator *e : m_endpoints) {
        const QString fault = e->status().value(QLatin1String("fault")).toString();
        if (fault.isEmpty() || fault == QLatin1String("llm-invalid-key")
            || fault == QLatin1String("llm-dim-768"))
            continue;
        const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        list.append(QJsonObject{
            {QStringLiteral("id"), QString(QStringLiteral("drill-") + e->config().name)},
            {QStringLiteral("begin"), now},
            {QStringLiteral("external_desc"),
             QStringLiteral("Gemini API: elevated error rates at %1 (drill fault %2)")
                 .arg(e->config().name, fault)},
            {QStringLiteral("status_impact"), QStringLiteral("SERVICE_DISRUPTION")},
            {QStringLiteral("severity"), QStringLiteral("medium")},
            {QStringLiteral("most_recent_update"),
             QJsonObject{{QStringLiteral("when"), now},
                         {QStringLiteral("text"),
                          QStringLiteral("We are investigating elevated error rates.")}}},
            {QStringLiteral("affected_products"),
             QJsonArray{QJsonObject{{QStringLiteral("title"), QStringLiteral("Gemini API")}}}}});
    }
    return QJsonDocument(list).toJson(QJsonDocument::Compact);
}

void LlmServe::control(HttpConnection *connection, const HttpRequest &request)
{
    if (request.path == QLatin1String("/incidents.json") && request.method == "GET") {
        connection->respond(200, "application/json", incidents());
        return;
    }
    if (request.header("x-goog-api-key")
        != m_config.value(QLatin1String("controlToken")).toString().toUtf8()) {
        sendJson(connection, 401, {{QStringLiteral("error"), QStringLiteral("unauthorized")}});
        return;
    }
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    if (request.path == QLatin1String("/ragdr-drill/v1/status") && request.method == "GET") {
        sendJson(connection, 200, statusJson());
        return;
    }
    if (request.path == QLatin1String("/ragdr-drill/v1/keys") && request.method == "POST") {
        const QByteArray key = issueKey();
        m_keys->insert(key);
        QByteArray all;
        for (const QByteArray &k : std::as_const(*m_keys))
            all += k + '\n';
        if (auto saved = core::files::writeAtomically(m_dir + QStringLiteral("/llm/keys"),
                                                      all,
                                                      kOwnerOnly);
            !saved) {
            sendJson(connection, 500, {{QStringLiteral("error"), saved.error().message}});
            return;
        }
        sendJson(connection, 200, {{QStringLiteral("key"), QString::fromLatin1(key)}});
        return;
    }
    if (request.path != QLatin1String("/ragdr-drill/v1/faults")) {
        sendJson(connection,
                 404,
                 {{QStringLiteral("error"), QStringLiteral("no such control endpoint")}});
        return;
    }
    const QString endpoint = body.contains(QLatin1String("endpoint"))
                                 ? body.value(QLatin1String("endpoint")).toString()
                                 : request.queryValue(QStringLiteral("endpoint"));
    const QList<GeminiSimulator *> targets = endpointsFor(
        request.method == "DELETE" && endpoint.isEmpty() ? QStringLiteral("all") : endpoint);
    if (targets.isEmpty()) {
        sendJson(connection,
                 400,
                 {{QStringLiteral("error"),
                   QStringLiteral("no simulated LLM endpoint is called \"%1\"").arg(endpoint)}});
        return;
    }
    if (request.method == "POST") {
        for (GeminiSimulator *e : targets) {
            if (auto injected = e->inject(body.value(QLatin1String("name")).toString(),
                                          body.value(QLatin1String("params")).toObject());
                !injected) {
                sendJson(connection, 400, {{QStringLiteral("error"), injected.error().message}});
                return;
            }
        }
    } else if (request.method == "DELETE") {
        for (GeminiSimulator *e : targets)
            e->heal();
    } else {
        sendJson(connection,
                 405,
                 {{QStringLiteral("error"), QStringLiteral("POST a fault or DELETE them")}});
        return;
    }
    sendJson(connection, 200, statusJson());
}

int LlmServe::run(const QString &dir)
{
    LlmServe serve(dir);
    return ServeProcess::run(
        QStringLiteral("ragdr-drill serve-llm"),
        [&serve] { return serve.start(); },
        [&dir] { QFile::remove(dir + QStringLiteral("/llm/state.json")); });
}

} // namespace ragdr::sandbox
