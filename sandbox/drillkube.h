#pragma once

#include "kubeclusterconfig.h"

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace ragdr::sandbox {

// The drill's simulated Kubernetes as `ragdr-drill` manages it: one simulated cluster per
// kube context of the profile (drill-a, drill-b), served over HTTPS by a detached
// `ragdr-drill serve` process, and DIR/kubeconfig (0600) that the real kubectl and the console
// use to reach them with a bearer token each.
//
// DIR/kube holds the sandbox's own CA and server certificate (made with the openssl command at
// the first `up`), serve.json (what the server runs, tokens included: 0600), state.json (its pid
// once it listens) and serve.log.
class DrillKube final
{
public:
    using Say = std::function<void(const QString &)>;

    struct Options
    {
        int pods = 0; // > 0: the workload marked scaleTarget (rag-worker) runs this many pods
        QJsonObject services; // DrillServicesConfig, served beside the clusters; empty: none
    };

    explicit DrillKube(QString dir);

    // Starts the server if it is not running (or runs with another configuration) and writes the
    // kubeconfig. A server that already runs this configuration is left alone.
    core::Status up(const core::Profile &profile, const Options &options, const Say &say);
    core::Status down(const Say &say);

    bool isRunning() const;
    qint64 pid() const;
    QString kubeconfigPath() const { return m_dir + QStringLiteral("/kubeconfig"); }
    QStringList statusLines() const;
    // What the running server says of each cluster: {"clusters":[{name, context, port,
    // listening, faults, pods, resourceVersion, requests}]}.
    core::Result<QJsonObject> status() const;
    // pid, control port and clusters, for DIR/drill.json.
    QJsonObject summary() const;

    // Faults go to the running server's control endpoint. region: a cluster (context) name or
    // "all"; empty picks the default for the fault (region-down: the second region; the
    // others: the first).
    core::Result<QJsonObject> inject(const QString &fault, const QString &region);
    core::Result<QJsonObject> heal(const QString &region);

    // The ragdr-drill executable that runs `serve`: $RAGDR_DRILL, this program if it is
    // ragdr-drill, or the ragdr-drill next to it (test binaries live beside it in build/bin).
    static QString serverProgram();

private:
    core::Status ensureCertificates(const Say &say) const;
    core::Result<KubeServeConfig> configure(const core::Profile &profile,
                                            const Options &options) const;
    core::Status writeKubeconfig(const KubeServeConfig &config) const;
    core::Result<KubeServeConfig> readConfig() const;
    QJsonObject readState() const;
    core::Result<QJsonObject> control(const QByteArray &method,
                                      const QString &path,
                                      const QJsonObject &body) const;

    QString m_dir;
    QString m_kubeDir;
};

} // namespace ragdr::sandbox
