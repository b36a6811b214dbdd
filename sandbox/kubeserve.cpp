#include "kubeserve.h"

#include "drillservices.h"
#include "httpserver.h"
#include "kubecluster.h"
#include "serveprocess.h"

#include "core/base/files.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>
#include <QThread>

#include <unistd.h>

namespace ragdr::sandbox {

namespace {

QString statePath(const QString &dir)
{
    return dir + QStringLiteral("/kube/state.json");
}

void sendJson(HttpConnection *connection, int code, const QJsonObject &body)
{
    connection->respond(code,
                        "application/json",
                        QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void sendError(HttpConnection *connection, int code, const QString &message)
{
    sendJson(connection, code, {{QStringLiteral("error"), message}});
}

// Runs f on the object's own thread (a cluster's, the services') and waits for it.
template<typename F>
void onClusterThread(QObject *owner, F f)
{
    QMetaObject::invokeMethod(owner, f, Qt::BlockingQueuedConnection);
}

} // namespace

KubeServe::KubeServe(QString dir)
    : m_dir(std::move(dir))
{}

KubeServe::~KubeServe()
{
    stop();
}

core::Status KubeServe::start()
{
    QFile file(m_dir + QStringLiteral("/kube/serve.json"));
    if (!file.open(QIODevice::ReadOnly))
        return core::fail(core::Error::badInput(
            QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString())));
    auto config = KubeServeConfig::fromJson(QJsonDocument::fromJson(file.readAll()).object());
    if (!config)
        return core::fail(config.error());
    m_config = *config;

    QFile certFile(m_config.certificateFile);
    QFile keyFile(m_config.keyFile);
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
        return core::fail(core::Error::failed(
            QStringLiteral("cannot read the sandbox's TLS certificate or key in %1/kube")
                .arg(m_dir)));
    const QSslCertificate certificate(certFile.readAll(), QSsl::Pem);
    const QSslKey key(keyFile.readAll(), QSsl::Rsa, QSsl::Pem);
    if (certificate.isNull() || key.isNull())
        return core::fail(core::Error::failed(
            QStringLiteral("the sandbox's TLS certificate or key does not load")));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(certificate);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    tls.setProtocol(QSsl::TlsV1_2OrLater);

    for (const KubeClusterConfig &c : m_config.clusters) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("kube-") + c.name);
        auto *cluster = new KubeCluster(c, tls);
        cluster->moveToThread(thread);
        thread->start();
        m_threads.append(thread);
        m_clusters.append(cluster);
        core::Status started;
        onClusterThread(cluster, [&] { started = cluster->start(); });
        if (!started)
            return core::fail(started.error().prefixed(QStringLiteral("cluster %1").arg(c.name)));
    }

    if (!m_config.services.isEmpty()) {
        auto services = DrillServicesConfig::fromJson(m_config.services);
        if (!services)
            return core::fail(services.error());
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("drill-services"));
        m_services = new DrillServices(*services, tls);
        m_services->moveToThread(thread);
        thread->start();
        m_threads.append(thread);
        core::Status started;
        onClusterThread(m_services, [&] { started = m_services->start(); });
        if (!started)
            return started;
    }

    m_control = std::make_unique<HttpServer>(tls, [this](HttpConnection *c, const HttpRequest &r) {
        control(c, r);
    });
    if (auto listening = m_control->listen(m_config.controlPort); !listening)
        return core::fail(listening.error().prefixed(QStringLiteral("control endpoint")));

    QJsonArray clusters;
    for (const KubeClusterConfig &c : m_config.clusters)
        clusters.append(QJsonObject{{QStringLiteral("name"), c.name},
                                    {QStringLiteral("context"), c.context},
                                    {QStringLiteral("port"), c.port}});
    const QJsonObject state{{QStringLiteral("pid"), qint64(::getpid())},
                            {QStringLiteral("ready"), true},
                            {QStringLiteral("controlPort"), m_config.controlPort},
                            {QStringLiteral("clusters"), clusters}};
    return core::files::writeAtomically(statePath(m_dir),
                                        QJsonDocument(state).toJson(),
                                        QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

void KubeServe::stop()
{
    m_control.reset();
    QList<QObject *> owned(m_clusters.cbegin(), m_clusters.cend());
    if (m_services)
        owned.append(m_services);
    for (qsizetype i = 0; i < owned.size() && i < m_threads.size(); ++i) {
        // Deleted on its own thread as that thread ends (its sockets belong to it).
        owned.at(i)->deleteLater();
        m_threads.at(i)->quit();
        m_threads.at(i)->wait();
        delete m_threads.at(i);
    }
    if (!m_clusters.isEmpty())
        QFile::remove(statePath(m_dir));
    m_clusters.clear();
    m_services = nullptr;
    m_threads.clear();
}

QList<KubeCluster *> KubeServe::clustersFor(const QString &region) const
{
    QList<KubeCluster *> out;
    for (KubeCluster *c : m_clusters) {
        if (region.isEmpty() || region == QLatin1String("all") || c->config().name == region
            || c->config().context == region)
            out.append(c);
    }
    return out;
}

void KubeServe::control(HttpConnection *connection, const HttpRequest &request)
{
    if (request.header("authorization") != "Bearer " + m_config.controlToken.toUtf8()) {
        sendError(connection, 401, QStringLiteral("unauthorized"));
        return;
    }
    auto statusOf = [](KubeCluster *c) {
        QJsonObject s;
        onClusterThread(c, [&] { s = c->status(); });
        return s;
    };
    if (request.path == QLatin1String("/ragdr-drill/v1/status") && request.method == "GET") {
        QJsonArray clusters;
        for (KubeCluster *c : m_clusters)
            clusters.append(statusOf(c));
        QJsonObject services;
        if (m_services)
            onClusterThread(m_services, [&] { services = m_services->status(); });
        sendJson(connection,
                 200,
                 {{QStringLiteral("pid"), qint64(::getpid())},
                  {QStringLiteral("clusters"), clusters},
                  {QStringLiteral("services"), services}});
        return;
    }
    if (request.path != QLatin1String("/ragdr-drill/v1/faults")) {
        sendError(connection, 404, QStringLiteral("no such control endpoint"));
        return;
    }
    QString region = request.queryValue(QStringLiteral("region"));
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    if (body.contains(QLatin1String("region")))
        region = body.value(QLatin1String("region")).toString();
    const QString faultName = body.value(QLatin1String("name")).toString();
    if (m_services
        && (request.method == "DELETE" || DrillServices::faultNames().contains(faultName))) {
        core::Status done;
        QJsonObject services;
        onClusterThread(m_services, [&] {
            if (request.method == "POST")
                done = m_services->inject(faultName, region);
            else
                m_services->heal(region);
            services = m_services->status();
        });
        if (!done) {
            sendError(connection, 400, done.error().message);
            return;
        }
        if (request.method == "POST") {
            sendJson(connection, 200, {{QStringLiteral("services"), services}});
            return;
        }
    }
    const QList<KubeCluster *> targets = clustersFor(region);
    // A region name the services know but no cluster does (the profile's "drill"): healed above.
    if (targets.isEmpty() && !(m_services && request.method == "DELETE")) {
        sendError(connection,
                  400,
                  QStringLiteral("no simulated cluster is called \"%1\"").arg(region));
        return;
    }
    QJsonArray changed;
    if (request.method == "POST") {
        const QString name = body.value(QLatin1String("name")).toString();
        for (KubeCluster *c : targets) {
            core::Status injected;
            onClusterThread(c, [&] { injected = c->inject(name); });
            if (!injected) {
                sendError(connection, 400, injected.error().message);
                return;
            }
            changed.append(statusOf(c));
        }
    } else if (request.method == "DELETE") {
        for (KubeCluster *c : targets) {
            onClusterThread(c, [c] { c->heal(); });
            changed.append(statusOf(c));
        }
    } else {
        sendError(connection, 405, QStringLiteral("POST a fault or DELETE them"));
        return;
    }
    sendJson(connection, 200, {{QStringLiteral("clusters"), changed}});
}

int KubeServe::run(const QString &dir)
{
    KubeServe serve(dir);
    return ServeProcess::run(
        QStringLiteral("ragdr-drill serve"),
        [&serve] { return serve.start(); },
        [&serve] { serve.stop(); });
}

} // namespace ragdr::sandbox
