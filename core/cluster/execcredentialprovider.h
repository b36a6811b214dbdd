#pragma once

#include "credentialprovider.h"
#include "execpluginsearch.h"
#include "kubeconfig.h"

#include <chrono>
#include <memory>
#include <optional>

namespace ragdr::core {

// spec.cluster of KUBERNETES_EXEC_INFO (client-go rest.ConfigToExecCluster), handed to the plugin
// only when the kubeconfig sets provideClusterInfo.
struct ExecClusterInfo
{
    QString server;
    QString tlsServerName;
    bool insecureSkipTlsVerify = false;
    QByteArray certificateAuthorityData; // PEM, from -data or read from the file
    QString proxyUrl;
    bool disableCompression = false;
    QByteArray config; // JSON of the cluster's client.authentication.k8s.io/exec extension
};

// Runs a client.authentication.k8s.io (v1 or v1beta1) exec plugin as client-go does
// (plugin/pkg/client/auth/exec/exec.go): `command args` with the kubeconfig's env added and
// KUBERNETES_EXEC_INFO set, never interactive (the plugin gets no terminal), and its ExecCredential
// cached until expirationTimestamp passes or invalidate() is called.
//
// One refresh in flight, shared by its waiters: the plugin runs on a thread of its own (never the
// caller's, whose event loop it would otherwise spin with a lock held), blocking callers wait for
// it without holding anything, request() callers get its future. When every waiter has given up
// (cancelled, or dropped its interest), or the provider goes, the plugin is stopped.
//
// Differences from client-go, for a desktop program: the command is also looked for outside PATH
// (ExecPluginSearch), and a plugin found there gets its directory added to PATH, since
// gke-gcloud-auth-plugin calls gcloud beside it; and a plugin that has not answered after `timeout`
// is stopped (a plugin waiting for a prompt would otherwise hold every request forever).
class ExecCredentialProvider final : public CredentialProvider
{
public:
    explicit ExecCredentialProvider(KubeExecConfig exec,
                                    std::optional<ExecClusterInfo> cluster,
                                    ExecPluginSearch search = ExecPluginSearch::fromEnvironment(),
                                    std::chrono::seconds timeout = std::chrono::seconds(120));

    ~ExecCredentialProvider() override;

    Result<Credential> credential(const CancelToken &cancel = {}) override;
    PendingCredential request() override;
    void invalidate(quint64 refusedSerial = 0) override;
    QString describe() const override;

    // The KUBERNETES_EXEC_INFO value: spec.cluster only when cluster is given.
    static QByteArray execInfo(const QString &apiVersion,
                               const std::optional<ExecClusterInfo> &cluster);
    // A plugin's stdout read with client-go's checks; messages never quote it (it holds the token).
    static Result<Credential> parseOutput(const QByteArray &output,
                                          const QString &apiVersion,
                                          const QString &command);

private:
    struct Plugin;
    struct Refresh;
    struct State;

    // The refresh in flight, started when there is none; called with the state's mutex held.
    static std::shared_ptr<Refresh> joinRefresh(const std::shared_ptr<State> &state);
    static Result<Credential> run(const Plugin &plugin, const CancelToken &cancel);

    // Shared with the refresh's thread, which may outlive the provider by the time it takes to
    // stop a plugin.
    std::shared_ptr<State> m_state;
};

} // namespace ragdr::core
