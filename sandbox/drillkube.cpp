#include "drillkube.h"

#include "localports.h"
#include "serveprocess.h"

#include "core/base/childprocess.h"
#include "core/base/files.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <unistd.h>

using namespace ragdr::core;

namespace ragdr::sandbox {

namespace {

constexpr int kStartTimeoutMs = 60000; // seeding 5,000 pods per region takes a few seconds
constexpr int kStopTimeoutMs = 10000;
constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

QString randomToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 8);
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// "app=rag-api,tier=web" (the profile's selector) as matchLabels.
QJsonObject matchLabels(const QString &selector)
{
    QJsonObject labels;
    for (const QString &part : selector.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        if (eq > 0)
            labels.insert(part.left(eq).trimmed(),
                          part.mid(eq + 1).remove(QLatin1Char('=')).trimmed());
    }
    return labels;
}

QString tail(const QString &path, int lines)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QStringList all
        = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(QStringLiteral("; "));
}

bool processIsServe(qint64 pid, const QString &dir)
{
    return ServeProcess::isServing(pid, "serve", dir);
}

} // namespace

DrillKube::DrillKube(QString dir)
    : m_dir(QDir(dir).absolutePath())
    , m_kubeDir(m_dir + QStringLiteral("/kube"))
{}

QString DrillKube::serverProgram()
{
    if (const QString fromEnv = qEnvironmentVariable("RAGDR_DRILL"); !fromEnv.isEmpty())
        return fromEnv;
    const QFileInfo self(QCoreApplication::applicationFilePath());
    if (self.fileName() == QLatin1String("ragdr-drill"))
        return self.absoluteFilePath();
    const QString beside = self.absolutePath() + QStringLiteral("/ragdr-drill");
    if (QFileInfo::exists(beside))
        return beside;
    return QStandardPaths::findExecutable(QStringLiteral("ragdr-drill"));
}

QJsonObject DrillKube::readState() const
{
    QFile f(m_kubeDir + QStringLiteral("/state.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

qint64 DrillKube::pid() const
{
    const qint64 p = readState().value(QLatin1String("pid")).toInteger();
    return processIsServe(p, m_dir) ? p : 0;
}

bool DrillKube::isRunning() const
{
    return pid() > 0;
}

Result<KubeServeConfig> DrillKube::readConfig() const
{
    QFile f(m_kubeDir + QStringLiteral("/serve.json"));
    if (!f.open(QIODevice::ReadOnly))
        return fail(Error::badInput(
            QStringLiteral("%1 has no simulated cluster configuration").arg(m_dir)));
    return KubeServeConfig::fromJson(QJsonDocument::fromJson(f.readAll()).object());
}

Status DrillKube::ensureCertificates(const Say &say) const
{
    const QString caCert = m_kubeDir + QStringLiteral("/ca.crt");
    const QString serverCert = m_kubeDir + QStringLiteral("/server.crt");
    const QString serverKey = m_kubeDir + QStringLiteral("/server.key");
    if (QFileInfo::exists(caCert) && QFileInfo::exists(serverCert) && QFileInfo::exists(serverKey)) {
        const auto certs = QSslCertificate::fromPath(serverCert);
        if (!certs.isEmpty()
            && certs.first().expiryDate() > QDateTime::currentDateTimeUtc().addDays(7))
            return {};
    }
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty()) {
        return fail(Error::failed(
            QStringLiteral("openssl is missing; it makes the sandbox API server's certificates: "
                           "apt-get install openssl (./run installs it)")));
    }
    say(QStringLiteral("making a CA and a server certificate for the simulated API servers in %1")
            .arg(m_kubeDir));
    const QByteArray extensions = "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                  "extendedKeyUsage=serverAuth\n"
                                  "keyUsage=critical,digitalSignature,keyEncipherment\n"
                                  "basicConstraints=CA:FALSE\n";
    if (auto written = files::writeAtomically(m_kubeDir + QStringLiteral("/server.ext"), extensions);
        !written)
        return written;
    const QList<QStringList> steps{
        {QStringLiteral("req"),
         QStringLiteral("-x509"),
         QStringLiteral("-newkey"),
         QStringLiteral("rsa:2048"),
         QStringLiteral("-nodes"),
         QStringLiteral("-keyout"),
         QStringLiteral("ca.key"),
         QStringLiteral("-out"),
         QStringLiteral("ca.crt"),
         QStringLiteral("-days"),
         QStringLiteral("3650"),
         QStringLiteral("-subj"),
         QStringLiteral("/CN=ragdr drill CA"),
         QStringLiteral("-addext"),
         QStringLiteral("basicConstraints=critical,CA:TRUE"),
         QStringLiteral("-addext"),
         QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")},
        {QStringLiteral("genrsa"),
         QStringLiteral("-traditional"),
         QStringLiteral("-out"),
         QStringLiteral("server.key"),
         QStringLiteral("2048")},
        {QStringLiteral("req"),
         QStringLiteral("-new"),
         QStringLiteral("-key"),
         QStringLiteral("server.key"),
         QStringLiteral("-out"),
         QStringLiteral("server.csr"),
         QStringLiteral("-subj"),
         QStringLiteral("/CN=localhost")},
        {QStringLiteral("x509"),
         QStringLiteral("-req"),
         QStringLiteral("-in"),
         QStringLiteral("server.csr"),
         QStringLiteral("-CA"),
         QStringLiteral("ca.crt"),
         QStringLiteral("-CAkey"),
         QStringLiteral("ca.key"),
         QStringLiteral("-CAcreateserial"),
         QStringLiteral("-out"),
         QStringLiteral("server.crt"),
         QStringLiteral("-days"),
         QStringLiteral("825"),
         QStringLiteral("-extfile"),
         QStringLiteral("server.ext")},
    };
    for (const QStringList &args : steps) {
        ChildSpec spec;
        spec.program = openssl;
        spec.arguments = args;
        spec.workingDirectory = m_kubeDir;
        spec.environment = ChildProcess::baseEnvironment();
        auto ran = ChildProcess::run(spec, CancelToken());
        if (!ran)
            return fail(ran.error());
        if (!ran->succeeded())
            return fail(Error::failed(ran->failureText(QStringLiteral("openssl ") + args.first())));
    }
    for (const char *key : {"ca.key", "server.key"})
        QFile::setPermissions(m_kubeDir + QLatin1Char('/') + QLatin1String(key), kOwnerOnly);
    return {};
}

Result<KubeServeConfig> DrillKube::configure(const Profile &profile, const Options &options) const
{
    QFile workloadsFile(QStringLiteral(":/ragdr/sandbox/workloads.json"));
    if (!workloadsFile.open(QIODevice::ReadOnly))
        return fail(Error::failed(
            QStringLiteral("the sandbox's workload descriptions are missing from the build")));
    const QJsonObject catalog = QJsonDocument::fromJson(workloadsFile.readAll()).object();
    const QJsonObject known = catalog.value(QLatin1String("workloads")).toObject();

    KubeServeConfig previous;
    if (auto existing = readConfig())
        previous = *existing;
    auto previousCluster = [&](const QString &name) -> const KubeClusterConfig * {
        for (const KubeClusterConfig &c : previous.clusters) {
            if (c.name == name)
                return &c;
        }
        return nullptr;
    };

    QList<KubeWorkload> workloads;
    for (const DeploymentSpec &d : profile.deployments) {
        const QJsonObject details = known.contains(d.name)
                                        ? known.value(d.name).toObject()
                                        : catalog.value(QLatin1String("default")).toObject();
        KubeWorkload w = KubeWorkload::fromJson(details);
        w.name = d.name;
        w.matchLabels = matchLabels(d.selector);
        if (w.matchLabels.isEmpty())
            w.matchLabels = QJsonObject{{QStringLiteral("app"), d.name}};
        w.replicas = d.normalReplicas;
        if (options.pods > 0 && details.value(QLatin1String("scaleTarget")).toBool())
            w.replicas = options.pods;
        workloads.append(w);
    }

    KubeServeConfig config;
    QStringList seen;
    for (const Region &region : profile.regions) {
        const QString context = region.kube.context;
        if (context.isEmpty() || seen.contains(context))
            continue;
        seen.append(context);
        KubeClusterConfig c;
        c.name = context;
        c.context = context;
        c.user = context + QStringLiteral("-admin");
        c.ns = region.kube.ns;
        c.index = int(config.clusters.size());
        c.workloads = workloads;
        // Tokens and ports stay across `up`s, so kubeconfigs and kubectl's caches stay valid.
        if (const KubeClusterConfig *old = previousCluster(c.name)) {
            c.token = old->token;
            c.port = old->port;
        } else {
            c.token = randomToken();
        }
        config.clusters.append(c);
    }
    if (config.clusters.isEmpty())
        return fail(Error::badInput(QStringLiteral("the drill profile names no kube context")));
    config.certificateFile = m_kubeDir + QStringLiteral("/server.crt");
    config.keyFile = m_kubeDir + QStringLiteral("/server.key");
    config.controlPort = previous.controlPort;
    config.controlToken = previous.controlToken.isEmpty() ? randomToken() : previous.controlToken;
    config.services = options.services;
    return config;
}

Status DrillKube::up(const Profile &profile, const Options &options, const Say &say)
{
    if (!QDir().mkpath(m_kubeDir))
        return fail(Error::badInput(QStringLiteral("cannot create %1").arg(m_kubeDir)));
    QFile::setPermissions(m_kubeDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (auto certs = ensureCertificates(say); !certs)
        return certs;
    auto configured = configure(profile, options);
    if (!configured)
        return fail(configured.error());
    KubeServeConfig config = *configured;

    if (isRunning()) {
        auto running = readConfig();
        if (running && running->toJson() == config.toJson()) {
            say(QStringLiteral("simulated clusters already running (pid %1)").arg(pid()));
            return writeKubeconfig(config);
        }
        say(QStringLiteral("the simulated clusters run another configuration; restarting them"));
        if (auto stopped = down(say); !stopped)
            return stopped;
    }
    for (KubeClusterConfig &c : config.clusters) {
        if (!LocalPorts::isFree(c.port))
            c.port = LocalPorts::pick();
    }
    if (!LocalPorts::isFree(config.controlPort))
        config.controlPort = LocalPorts::pick();
    if (auto written = files::writeAtomically(m_kubeDir + QStringLiteral("/serve.json"),
                                              QJsonDocument(config.toJson()).toJson(),
                                              kOwnerOnly);
        !written) {
        return written;
    }
    QFile::remove(m_kubeDir + QStringLiteral("/state.json"));

    const QString program = serverProgram();
    if (program.isEmpty())
        return fail(Error::failed(
            QStringLiteral("cannot find the ragdr-drill program to serve the simulated clusters")));
    const QString log = m_kubeDir + QStringLiteral("/serve.log");
    QProcess process;
    process.setProgram(program);
    process.setArguments({QStringLiteral("serve"), QStringLiteral("--dir"), m_dir});
    process.setWorkingDirectory(m_dir);
    // Nothing of ours may stay open in it: ctest, for one, waits for its pipes to close.
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(log, QIODevice::Append);
    process.setStandardErrorFile(log, QIODevice::Append);
    qint64 started = 0;
    if (!process.startDetached(&started))
        return fail(Error::failed(
            QStringLiteral("cannot start %1 serve: %2").arg(program, process.errorString())));
    say(QStringLiteral("starting the simulated Kubernetes API servers (pid %1)").arg(started));

    QElapsedTimer clock;
    clock.start();
    for (;;) {
        const QJsonObject state = readState();
        if (state.value(QLatin1String("ready")).toBool()
            && processIsServe(state.value(QLatin1String("pid")).toInteger(), m_dir))
            break;
        if (::kill(pid_t(started), 0) != 0 && clock.elapsed() > 1000
            && !processIsServe(state.value(QLatin1String("pid")).toInteger(), m_dir))
            return fail(
                Error::failed(QStringLiteral("the simulated API server stopped at its start: %1")
                                  .arg(tail(log, 3))));
        if (clock.elapsed() > kStartTimeoutMs)
            return fail(Error::failed(
                QStringLiteral("the simulated API server did not start within %1 s: %2")
                    .arg(kStartTimeoutMs / 1000)
                    .arg(tail(log, 3))));
        QThread::msleep(50);
    }
    if (auto written = writeKubeconfig(config); !written)
        return written;
    QStringList where;
    for (const KubeClusterConfig &c : config.clusters)
        where.append(QStringLiteral("%1 https://127.0.0.1:%2").arg(c.context).arg(c.port));
    say(QStringLiteral("simulated clusters up: %1; kubeconfig %2")
            .arg(where.join(QStringLiteral(", ")), kubeconfigPath()));
    return {};
}

Status DrillKube::writeKubeconfig(const KubeServeConfig &config) const
{
    QFile ca(m_kubeDir + QStringLiteral("/ca.crt"));
    if (!ca.open(QIODevice::ReadOnly))
        return fail(Error::failed(QStringLiteral("cannot read %1").arg(ca.fileName())));
    const QByteArray caData = ca.readAll().toBase64();
    QByteArray yaml = "# Written by ragdr-drill up for the sandbox in " + QFile::encodeName(m_dir)
                      + ": one context per simulated region.\n"
                        "apiVersion: v1\nkind: Config\nclusters:\n";
    for (const KubeClusterConfig &c : config.clusters) {
        yaml += "- name: " + c.name.toUtf8() + "\n  cluster:\n    certificate-authority-data: "
                + caData + "\n    server: https://127.0.0.1:" + QByteArray::number(c.port) + "\n";
    }
    yaml += "users:\n";
    for (const KubeClusterConfig &c : config.clusters)
        yaml += "- name: " + c.user.toUtf8() + "\n  user:\n    token: " + c.token.toUtf8() + "\n";
    yaml += "contexts:\n";
    for (const KubeClusterConfig &c : config.clusters) {
        yaml += "- name: " + c.context.toUtf8() + "\n  context:\n    cluster: " + c.name.toUtf8()
                + "\n    user: " + c.user.toUtf8() + "\n    namespace: " + c.ns.toUtf8() + "\n";
    }
    yaml += "current-context: " + config.clusters.first().context.toUtf8() + "\npreferences: {}\n";
    return files::writeAtomically(kubeconfigPath(), yaml, kOwnerOnly);
}

Status DrillKube::down(const Say &say)
{
    const qint64 running = pid();
    if (running <= 0) {
        QFile::remove(m_kubeDir + QStringLiteral("/state.json"));
        return {};
    }
    ::kill(pid_t(running), SIGTERM);
    QElapsedTimer clock;
    clock.start();
    while (processIsServe(running, m_dir) && clock.elapsed() < kStopTimeoutMs)
        QThread::msleep(50);
    if (processIsServe(running, m_dir)) {
        ::kill(pid_t(running), SIGKILL);
        QThread::msleep(100);
    }
    QFile::remove(m_kubeDir + QStringLiteral("/state.json"));
    say(QStringLiteral("stopped the simulated Kubernetes API servers (pid %1)").arg(running));
    return {};
}

QJsonObject DrillKube::summary() const
{
    const QJsonObject state = readState();
    QJsonObject s{{QStringLiteral("pid"), pid()},
                  {QStringLiteral("kubeconfig"), kubeconfigPath()},
                  {QStringLiteral("controlPort"), state.value(QLatin1String("controlPort"))},
                  {QStringLiteral("clusters"), state.value(QLatin1String("clusters"))}};
    return s;
}

QStringList DrillKube::statusLines() const
{
    if (!isRunning())
        return {QStringLiteral("kube      stopped")};
    QStringList lines{
        QStringLiteral("kube      running, pid %1, kubeconfig %2").arg(pid()).arg(kubeconfigPath())};
    auto status = this->status();
    if (!status) {
        lines.append(QStringLiteral("          control endpoint: %1").arg(status.error().message));
        return lines;
    }
    for (const QJsonValue &c : status->value(QLatin1String("clusters")).toArray()) {
        const QJsonObject cluster = c.toObject();
        QStringList faults;
        for (const QJsonValue &f : cluster.value(QLatin1String("faults")).toArray())
            faults.append(f.toString());
        lines.append(QStringLiteral("          %1 https://127.0.0.1:%2 %3, %4 pods, faults: %5")
                         .arg(cluster.value(QLatin1String("context")).toString())
                         .arg(cluster.value(QLatin1String("port")).toInt())
                         .arg(cluster.value(QLatin1String("listening")).toBool()
                                  ? QStringLiteral("answering")
                                  : QStringLiteral("DOWN"))
                         .arg(cluster.value(QLatin1String("pods")).toInt())
                         .arg(faults.isEmpty() ? QStringLiteral("none")
                                               : faults.join(QStringLiteral(", "))));
    }
    const QJsonObject services = status->value(QLatin1String("services")).toObject();
    for (const QJsonValue &a : services.value(QLatin1String("apis")).toArray()) {
        const QJsonObject api = a.toObject();
        QStringList faults;
        for (const QJsonValue &f : api.value(QLatin1String("faults")).toArray())
            faults.append(f.toString());
        lines.append(QStringLiteral("rag-api   %1 %2, %3 requests served, faults: %4")
                         .arg(api.value(QLatin1String("region")).toString(),
                              api.value(QLatin1String("url")).toString())
                         .arg(api.value(QLatin1String("served")).toInteger())
                         .arg(faults.isEmpty() ? QStringLiteral("none")
                                               : faults.join(QStringLiteral(", "))));
    }
    if (services.contains(QLatin1String("webhooks"))) {
        const QJsonObject hooks = services.value(QLatin1String("webhooks")).toObject();
        lines.append(QStringLiteral("webhooks  https://127.0.0.1:%1/hooks/… %2, %3 received (%4)")
                         .arg(hooks.value(QLatin1String("port")).toInt())
                         .arg(hooks.value(QLatin1String("down")).toBool()
                                  ? QStringLiteral("DOWN")
                                  : QStringLiteral("answering"))
                         .arg(hooks.value(QLatin1String("received")).toInteger())
                         .arg(hooks.value(QLatin1String("file")).toString()));
    }
    return lines;
}

Result<QJsonObject> DrillKube::status() const
{
    return control("GET", QStringLiteral("/ragdr-drill/v1/status"), {});
}

Result<QJsonObject> DrillKube::control(const QByteArray &method,
                                       const QString &path,
                                       const QJsonObject &body) const
{
    auto config = readConfig();
    if (!config)
        return fail(config.error());
    const QJsonObject state = readState();
    const int port = state.value(QLatin1String("controlPort")).toInt(config->controlPort);
    const auto ca = QSslCertificate::fromPath(m_kubeDir + QStringLiteral("/ca.crt"));
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("https://127.0.0.1:%1%2").arg(port).arg(path)));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(ca);
    request.setSslConfiguration(tls);
    // The certificate names the host "localhost" and the address 127.0.0.1.
    request.setPeerVerifyName(QStringLiteral("localhost"));
    request.setRawHeader("Authorization", "Bearer " + config->controlToken.toUtf8());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(15000);
    QNetworkReply *reply = network.sendCustomRequest(request,
                                                     method,
                                                     body.isEmpty() ? QByteArray()
                                                                    : QJsonDocument(body).toJson());
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray data = reply->readAll();
    const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString networkError = reply->error() != QNetworkReply::NoError && code == 0
                                     ? reply->errorString()
                                     : QString();
    reply->deleteLater();
    if (!networkError.isEmpty())
        return fail(Error::failed(
            QStringLiteral("cannot reach the simulated clusters' control endpoint: %1")
                .arg(networkError)));
    const QJsonObject answer = QJsonDocument::fromJson(data).object();
    if (code != 200) {
        const QString message
            = answer.value(QLatin1String("error")).toString(QString::fromUtf8(data));
        return fail(code == 400 ? Error::badInput(message) : Error::failed(message));
    }
    return answer;
}

Result<QJsonObject> DrillKube::inject(const QString &fault, const QString &region)
{
    if (!isRunning())
        return fail(Error::failed(
            QStringLiteral(
                "the simulated clusters in %1 are not running (ragdr-drill up starts them)")
                .arg(m_dir)));
    QString target = region;
    if (target.isEmpty()) {
        auto config = readConfig();
        if (!config)
            return fail(config.error());
        // A lost region is the other one; everything else hits the region the profile lists first.
        target = fault == QLatin1String("region-down") && config->clusters.size() > 1
                     ? config->clusters.at(1).name
                     : config->clusters.first().name;
    }
    return control("POST",
                   QStringLiteral("/ragdr-drill/v1/faults"),
                   {{QStringLiteral("name"), fault}, {QStringLiteral("region"), target}});
}

Result<QJsonObject> DrillKube::heal(const QString &region)
{
    if (!isRunning())
        return fail(Error::failed(
            QStringLiteral(
                "the simulated clusters in %1 are not running (ragdr-drill up starts them)")
                .arg(m_dir)));
    return control("DELETE",
                   QStringLiteral("/ragdr-drill/v1/faults?region=%1")
                       .arg(region.isEmpty() ? QStringLiteral("all") : region),
                   {});
}

} // namespace ragdr::sandbox
