#include "drillllm.h"

#include "drillkube.h"
#include "serveprocess.h"

#include "core/base/files.h"
#include "core/cluster/kubeapi.h"
#include "core/cluster/kubepaths.h"
#include "core/llm/geminirequest.h"
#include "core/llm/geminitransport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QThread>

#include <csignal>

using namespace ragdr::core;

namespace ragdr::sandbox {

namespace {

constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr int kStartTimeoutMs = 30000;

int portOrFree(int wanted)
{
    QTcpServer probe;
    if (wanted > 0 && probe.listen(QHostAddress::LocalHost, quint16(wanted)))
        return wanted;
    probe.close();
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

QByteArray randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &c : raw)
        c = char(QRandomGenerator::system()->bounded(256));
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

bool isServeLlm(qint64 pid, const QString &dir)
{
    return ServeProcess::isServing(pid, "serve-llm", dir);
}

} // namespace

DrillLlm::DrillLlm(QString dir)
    : m_dir(QDir(dir).absolutePath())
    , m_llmDir(m_dir + QStringLiteral("/llm"))
{}

QJsonObject DrillLlm::readJson(const QString &name) const
{
    QFile f(m_llmDir + QLatin1Char('/') + name);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object()
                                       : QJsonObject();
}

qint64 DrillLlm::pid() const
{
    const qint64 p = readJson(QStringLiteral("state.json")).value(QLatin1String("pid")).toInteger();
    return isServeLlm(p, m_dir) ? p : 0;
}

bool DrillLlm::isRunning() const
{
    return pid() > 0;
}

Result<DrillLlm::Ports> DrillLlm::configure(int dimension)
{
    if (!QDir().mkpath(m_llmDir))
        return fail(Error::badInput(QStringLiteral("cannot create %1").arg(m_llmDir)));
    QFile::setPermissions(m_llmDir, kOwnerOnly | QFileDevice::ExeOwner);
    QJsonObject config = readJson(QStringLiteral("serve.json"));
    const bool running = isRunning();
    auto port = [&](const QJsonValue &old) {
        // A running server keeps its ports; otherwise they are taken again if still free.
        return running && old.toInt() > 0 ? old.toInt() : portOrFree(old.toInt());
    };
    const QJsonArray oldEndpoints = config.value(QLatin1String("endpoints")).toArray();
    const QStringList names{QStringLiteral("gemini-primary"), QStringLiteral("gemini-backup")};
    QJsonArray endpoints;
    Ports ports;
    for (int i = 0; i < names.size(); ++i) {
        const int p = port(oldEndpoints.at(i).toObject().value(QLatin1String("port")));
        (i == 0 ? ports.primary : ports.backup) = p;
        endpoints.append(
            QJsonObject{{QStringLiteral("name"), names.at(i)},
                        {QStringLiteral("port"), p},
                        {QStringLiteral("models"), QJsonArray{QStringLiteral("gemini-2.0-flash")}},
                        {QStringLiteral("embeddingModels"),
                         QJsonArray{QStringLiteral("text-embedding-004")}},
                        {QStringLiteral("dimension"), dimension}});
    }
    ports.control = port(config.value(QLatin1String("controlPort")));
    if (ports.primary == 0 || ports.backup == 0 || ports.control == 0)
        return fail(
            Error::failed(QStringLiteral("no free port on 127.0.0.1 for the simulated Gemini")));
    config.insert(QStringLiteral("endpoints"), endpoints);
    config.insert(QStringLiteral("controlPort"), ports.control);
    if (config.value(QLatin1String("controlToken")).toString().isEmpty())
        config.insert(QStringLiteral("controlToken"), QString::fromLatin1(randomToken(32)));
    config.insert(QStringLiteral("certificateFile"),
                  QString(m_dir + QStringLiteral("/kube/server.crt")));
    config.insert(QStringLiteral("keyFile"), QString(m_dir + QStringLiteral("/kube/server.key")));
    if (auto written = files::writeAtomically(m_llmDir + QStringLiteral("/serve.json"),
                                              QJsonDocument(config).toJson(),
                                              kOwnerOnly);
        !written)
        return fail(written.error());

    // The drill key: made once, accepted by both endpoints.
    if (!QFile::exists(keyPath())) {
        const QByteArray key = "AIza" + randomToken(27).left(35);
        if (auto saved = files::writeAtomically(keyPath(), key + '\n', kOwnerOnly); !saved)
            return fail(saved.error());
        QFile keys(m_llmDir + QStringLiteral("/keys"));
        if (!keys.open(QIODevice::Append))
            return fail(Error::failed(QStringLiteral("cannot write %1").arg(keys.fileName())));
        keys.setPermissions(kOwnerOnly);
        keys.write(key + '\n');
    }
    return ports;
}

Status DrillLlm::up(const Profile &profile, const Say &say)
{
    const QJsonObject wanted = readJson(QStringLiteral("serve.json"));
    const QString applied = m_llmDir + QStringLiteral("/serve.running.json");
    QFile previous(applied);
    const bool same = previous.open(QIODevice::ReadOnly)
                      && QJsonDocument::fromJson(previous.readAll()).object() == wanted;
    if (isRunning() && same) {
        say(QStringLiteral("simulated Gemini already running (pid %1)").arg(pid()));
        return pointService(profile, say);
    }
    if (auto stopped = down(say); !stopped)
        return stopped;
    QFile::remove(m_llmDir + QStringLiteral("/state.json"));
    QProcess process;
    process.setProgram(DrillKube::serverProgram());
    process.setArguments({QStringLiteral("serve-llm"), QStringLiteral("--dir"), m_dir});
    process.setWorkingDirectory(m_dir);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(m_llmDir + QStringLiteral("/serve.log"), QIODevice::Append);
    process.setStandardErrorFile(m_llmDir + QStringLiteral("/serve.log"), QIODevice::Append);
    qint64 started = 0;
    if (process.program().isEmpty() || !process.startDetached(&started))
        return fail(Error::failed(
            QStringLiteral("cannot start ragdr-drill serve-llm: %1").arg(process.errorString())));
    QElapsedTimer clock;
    clock.start();
    while (!isRunning()) {
        if (clock.elapsed() > kStartTimeoutMs
            || (::kill(pid_t(started), 0) != 0 && clock.elapsed() > 1000))
            return fail(
                Error::failed(QStringLiteral("the simulated Gemini did not start; see %1/serve.log")
                                  .arg(m_llmDir)));
        QThread::msleep(50);
    }
    files::writeAtomically(applied, QJsonDocument(wanted).toJson(), kOwnerOnly);
    QStringList where;
    for (const QJsonValue &e : wanted.value(QLatin1String("endpoints")).toArray())
        where.append(QStringLiteral("%1 https://127.0.0.1:%2/v1beta")
                         .arg(e.toObject().value(QLatin1String("name")).toString())
                         .arg(e.toObject().value(QLatin1String("port")).toInt()));
    say(QStringLiteral("simulated Gemini up (pid %1): %2")
            .arg(pid())
            .arg(where.join(QStringLiteral(", "))));
    return pointService(profile, say);
}

Status DrillLlm::pointService(const Profile &profile, const Say &say) const
{
    const LlmSettings &s = profile.llm;
    if (!s.hasServiceConfig() || profile.llmEndpoints.isEmpty())
        return {};
    QStringList known;
    for (const LlmEndpoint &e : profile.llmEndpoints)
        known.append(e.url);
    QStringList seen;
    for (const Region &region : profile.regions) {
        if (seen.contains(region.kube.context))
            continue;
        seen.append(region.kube.context);
        auto connection = KubeConnection::open(region.kube);
        if (!connection)
            return fail(connection.error());
        KubeApi api(*connection);
        const QString path = kubepaths::configMaps(region.kube.ns) + QLatin1Char('/')
                             + s.serviceConfigMap;
        auto current = api.json(KubeRequest::get(path),
                                CancelToken(),
                                QStringLiteral("reading %1").arg(path));
        if (!current)
            return fail(current.error());
        const QString value
            = current->value(QLatin1String("data")).toObject().value(s.serviceConfigKey).toString();
        if (known.contains(value))
            continue;
        const QJsonObject patch{
            {QStringLiteral("data"),
             QJsonObject{{s.serviceConfigKey, profile.llmEndpoints.constFirst().url}}}};
        auto patched = api.json(KubeRequest::patch(path,
                                                   "application/merge-patch+json",
                                                   QJsonDocument(patch).toJson(
                                                       QJsonDocument::Compact)),
                                CancelToken(),
                                QStringLiteral("pointing %1 at the drill's Gemini").arg(path));
        if (!patched)
            return fail(patched.error());
        say(QStringLiteral("%1: %2/%3 %4 = %5")
                .arg(region.kube.context,
                     region.kube.ns,
                     s.serviceConfigMap,
                     s.serviceConfigKey,
                     profile.llmEndpoints.constFirst().url));
    }
    return {};
}

Status DrillLlm::down(const Say &say)
{
    const qint64 running = pid();
    if (running <= 0)
        return {};
    ::kill(pid_t(running), SIGTERM);
    QElapsedTimer clock;
    clock.start();
    while (isServeLlm(running, m_dir) && clock.elapsed() < 10000)
        QThread::msleep(50);
    if (isServeLlm(running, m_dir))
        ::kill(pid_t(running), SIGKILL);
    QFile::remove(m_llmDir + QStringLiteral("/state.json"));
    say(QStringLiteral("stopped the simulated Gemini (pid %1)").arg(running));
    return {};
}

Result<QJsonObject> DrillLlm::control(const QByteArray &verb,
                                      const QString &path,
                                      const QJsonObject &body) const
{
    if (!isRunning())
        return fail(Error::failed(
            QStringLiteral("the simulated Gemini in %1 is not running (ragdr-drill up starts it)")
                .arg(m_dir)));
    const QJsonObject config = readJson(QStringLiteral("serve.json"));
    GeminiRequest request;
    request.verb = verb;
    request.url = QUrl(QStringLiteral("https://127.0.0.1:%1%2")
                           .arg(config.value(QLatin1String("controlPort")).toInt())
                           .arg(path));
    if (!body.isEmpty())
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.key = config.value(QLatin1String("controlToken")).toString().toUtf8();
    request.timeoutMs = 15000;
    request.caFiles = {caPath()};
    const GeminiReply reply = GeminiTransport::instance()->call(request, CancelToken());
    const QJsonObject answer = QJsonDocument::fromJson(reply.body).object();
    if (reply.httpStatus == 0)
        return fail(Error::failed(QStringLiteral("cannot reach the simulated Gemini's control "
                                                 "endpoint: %1")
                                      .arg(reply.errorString)));
    if (reply.httpStatus != 200) {
        const QString message = answer.value(QLatin1String("error")).toString();
        return fail(reply.httpStatus == 400 ? Error::badInput(message) : Error::failed(message));
    }
    return answer;
}

Result<QJsonObject> DrillLlm::inject(const QString &fault,
                                     const QString &endpoint,
                                     const QJsonObject &params)
{
    QJsonObject body{{QStringLiteral("name"), fault}, {QStringLiteral("params"), params}};
    if (!endpoint.isEmpty())
        body.insert(QStringLiteral("endpoint"), endpoint);
    return control("POST", QStringLiteral("/ragdr-drill/v1/faults"), body);
}

Result<QJsonObject> DrillLlm::heal(const QString &endpoint)
{
    return control("DELETE",
                   QStringLiteral("/ragdr-drill/v1/faults?endpoint=%1")
                       .arg(endpoint.isEmpty() ? QStringLiteral("all") : endpoint),
                   {});
}

Result<QJsonObject> DrillLlm::status() const
{
    return control("GET", QStringLiteral("/ragdr-drill/v1/status"), {});
}

Result<QByteArray> DrillLlm::issueKey()
{
    auto answer = control("POST", QStringLiteral("/ragdr-drill/v1/keys"), {});
    if (!answer)
        return fail(answer.error());
    return answer->value(QLatin1String("key")).toString().toUtf8();
}

QStringList DrillLlm::statusLines() const
{
    if (!isRunning())
        return {QStringLiteral("gemini    stopped")};
    QStringList lines{QStringLiteral("gemini    running, pid %1").arg(pid())};
    auto answer = status();
    if (!answer)
        return lines << QStringLiteral("          control endpoint: %1").arg(answer.error().message);
    for (const QJsonValue &v : answer->value(QLatin1String("endpoints")).toArray()) {
        const QJsonObject e = v.toObject();
        const QString fault = e.value(QLatin1String("fault")).toString();
        lines.append(
            QStringLiteral("          %1 https://127.0.0.1:%2/v1beta %3, %4 requests, fault: %5")
                .arg(e.value(QLatin1String("name")).toString())
                .arg(e.value(QLatin1String("port")).toInt())
                .arg(e.value(QLatin1String("listening")).toBool() ? QStringLiteral("answering")
                                                                  : QStringLiteral("DOWN"))
                .arg(e.value(QLatin1String("requests")).toInteger())
                .arg(fault.isEmpty() ? QStringLiteral("none") : fault));
    }
    return lines;
}

} // namespace ragdr::sandbox
