#include "kubecluster.h"

#include <QJsonArray>

namespace ragdr::sandbox {

namespace {

// Share of API requests that fail while apiserver-errors is on: enough for retries and error
// paths to show, not so much that nothing works.
constexpr double kErrorShare = 0.3;
// How often watch-expire drops the history (and so every open watch) while it is on.
constexpr int kExpireIntervalMs = 3000;

} // namespace

KubeCluster::KubeCluster(KubeClusterConfig config, QSslConfiguration tls)
    : m_config(std::move(config))
    , m_tls(std::move(tls))
    , m_expireTimer(this) // a child, so that it moves to the cluster's thread with it
{
    m_expireTimer.setInterval(kExpireIntervalMs);
    connect(&m_expireTimer, &QTimer::timeout, this, [this] { m_store->dropHistory(); });
}

KubeCluster::~KubeCluster() = default;

core::Status KubeCluster::start()
{
    m_store = std::make_unique<KubeStore>([this] { return m_controller->now(); });
    m_controller = std::make_unique<KubeController>(*m_store, m_config);
    m_api = std::make_unique<KubeApiServer>(*m_store, *m_controller, m_config);
    m_controller->start();
    m_http = std::make_unique<HttpServer>(m_tls, [this](HttpConnection *c, const HttpRequest &r) {
        m_api->handle(c, r);
    });
    return m_http->listen(m_config.port);
}

QStringList KubeCluster::faultNames()
{
    return {QStringLiteral("api-crashloop"),
            QStringLiteral("worker-down"),
            QStringLiteral("apiserver-errors"),
            QStringLiteral("watch-expire"),
            QStringLiteral("watch-stall"),
            QStringLiteral("pod-storm"),
            QStringLiteral("log-flood"),
            QStringLiteral("region-down"),
            QStringLiteral("deny:VERB:RESOURCE[/SUBRESOURCE]")};
}

core::Status KubeCluster::inject(const QString &fault)
{
    if (fault == QLatin1String("api-crashloop")) {
        m_controller->setFault(KubeController::Fault::ApiCrashLoop, true);
    } else if (fault == QLatin1String("worker-down")) {
        m_controller->setFault(KubeController::Fault::WorkerDown, true);
    } else if (fault == QLatin1String("apiserver-errors")) {
        m_api->setErrorShare(kErrorShare);
    } else if (fault == QLatin1String("watch-expire")) {
        m_store->dropHistory();
        m_expireTimer.start();
    } else if (fault == QLatin1String("watch-stall")) {
        m_api->setWatchStall(true);
    } else if (fault == QLatin1String("pod-storm")) {
        m_controller->setFault(KubeController::Fault::PodStorm, true);
    } else if (fault == QLatin1String("log-flood")) {
        m_controller->setFault(KubeController::Fault::LogFlood, true);
    } else if (fault == QLatin1String("region-down")) {
        // The region's control plane is gone: connections drop, new ones are refused.
        m_http->stop();
    } else if (fault.startsWith(QLatin1String("deny:")) && fault.count(QLatin1Char(':')) == 2) {
        m_api->setDenied(m_api->denied() << fault.mid(5));
    } else {
        return core::fail(core::Error::badInput(
            QStringLiteral("unknown fault \"%1\"; the simulated clusters know: %2")
                .arg(fault, faultNames().join(QStringLiteral(", ")))));
    }
    if (!m_faults.contains(fault))
        m_faults.append(fault);
    return {};
}

void KubeCluster::heal()
{
    m_controller->setFault(KubeController::Fault::ApiCrashLoop, false);
    m_controller->setFault(KubeController::Fault::WorkerDown, false);
    m_controller->setFault(KubeController::Fault::PodStorm, false);
    m_controller->setFault(KubeController::Fault::LogFlood, false);
    m_api->setErrorShare(0);
    m_api->setDenied({});
    m_api->setWatchStall(false);
    m_expireTimer.stop();
    if (!m_http->isListening())
        (void) m_http->listen(m_config.port);
    m_faults.clear();
}

QJsonObject KubeCluster::status() const
{
    return {{QStringLiteral("name"), m_config.name},
            {QStringLiteral("context"), m_config.context},
            {QStringLiteral("port"), m_config.port},
            {QStringLiteral("listening"), m_http && m_http->isListening()},
            {QStringLiteral("faults"), QJsonArray::fromStringList(m_faults)},
            {QStringLiteral("pods"), m_store ? m_store->objects(KubeResource::Pods).size() : 0},
            {QStringLiteral("resourceVersion"), m_store ? m_store->resourceVersion() : 0},
            {QStringLiteral("requests"), m_api ? m_api->requests() : 0}};
}

} // namespace ragdr::sandbox
