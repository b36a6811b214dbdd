#pragma once

#include "kubeclusterconfig.h"

#include "core/base/error.h"

#include <QList>
#include <QObject>
#include <QString>

#include <memory>

class QThread;

namespace ragdr::sandbox {

class DrillServices;
class HttpServer;
class HttpConnection;
class KubeCluster;
struct HttpRequest;

// The process behind `ragdr-drill serve --dir DIR` (started detached by `up`): every region's
// simulated cluster, each on its own thread, and the control endpoint through which `ragdr-drill
// fault` and `heal` reach them.
//
// Control endpoint (HTTPS on 127.0.0.1, the port in DIR/kube/serve.json, bearer controlToken):
//   GET    /ragdr-drill/v1/status                       what runs, per cluster
//   POST   /ragdr-drill/v1/faults {"name","region"}     inject a fault ("region": a cluster
//                                                        name, a context or "all")
//   DELETE /ragdr-drill/v1/faults?region=R              heal one region, or all of them
// Faults of the simulated RAG API and webhook receiver (DrillServices) go the same way.
// It is separate from the clusters' own servers so that a region that is down can be healed.
class KubeServe final : public QObject
{
    Q_OBJECT

public:
    explicit KubeServe(QString dir);
    ~KubeServe() override;

    core::Status start();
    void stop();

    // Runs until SIGTERM or SIGINT; the exit code of `ragdr-drill serve`.
    static int run(const QString &dir);

private:
    void control(HttpConnection *connection, const HttpRequest &request);
    QList<KubeCluster *> clustersFor(const QString &region) const;

    QString m_dir;
    KubeServeConfig m_config;
    QList<KubeCluster *> m_clusters;
    QList<QThread *> m_threads;
    DrillServices *m_services = nullptr; // on its own thread, the last of m_threads
    std::unique_ptr<HttpServer> m_control;
};

} // namespace ragdr::sandbox
