#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// The kubeconfig as kubectl sees it after merging (client-go tools/clientcmd/api/v1/types.go).
// Field names follow the YAML keys. Every path is absolute: a relative one was resolved against the
// directory of the file that defined it, as client-go does. Several fields are secrets (token,
// client key data): never log a Kube* value; describe it with ClusterAccess::describe().

namespace ragdr::core {

struct KubeExecEnvVar
{
    QString name;
    QString value;
};

// users[].user.exec: a client.authentication.k8s.io credential plugin.
struct KubeExecConfig
{
    QString apiVersion; // client.authentication.k8s.io/v1 or /v1beta1
    QString command;    // absolute if it contained a slash; otherwise looked up on PATH
    QStringList args;
    QList<KubeExecEnvVar> env;
    QString installHint;
    bool provideClusterInfo = false;
    // Never, IfAvailable or Always. Empty only for v1 configs that omit it (an error when used);
    // v1beta1 defaults to IfAvailable as client-go does.
    QString interactiveMode;
};

struct KubeCluster
{
    QString name;
    QString origin; // the file that defined it
    QString server;
    QString certificateAuthority;        // a PEM file
    QByteArray certificateAuthorityData; // PEM, already base64-decoded
    bool insecureSkipTlsVerify = false;
    QString tlsServerName;
    QString proxyUrl;
    bool disableCompression = false;
    // extensions[name=client.authentication.k8s.io/exec].extension as compact JSON, handed to exec
    // plugins as spec.cluster.config; empty when absent.
    QByteArray execExtension;
};

struct KubeUser
{
    QString name;
    QString origin;
    QByteArray token; // secret
    QString tokenFile;
    QString clientCertificate;
    QByteArray clientCertificateData; // PEM
    QString clientKey;
    QByteArray clientKeyData; // PEM, secret
    std::optional<KubeExecConfig> exec;
    // Recognised so that ragdr can refuse them by name rather than connect as someone else.
    QString authProvider;   // auth-provider.name
    QString impersonate;    // as (and as-uid, as-groups, as-user-extra)
    bool basicAuth = false; // username or password
};

struct KubeContext
{
    QString name;
    QString origin;
    QString cluster;
    QString user;
    QString ns; // namespace; empty: "default"
};

// Every file of a KUBECONFIG list merged: the first file to define a cluster, user or context name
// wins and later entries of that name are ignored entirely; current-context comes from the first
// file that sets one.
struct Kubeconfig
{
    QStringList files;   // read, in precedence order
    QStringList missing; // listed but absent; kubectl ignores them too
    // Keys kubectl ignores, e.g. a misspelt "tokenfile", as "FILE:LINE:COLUMN: ...".
    QStringList warnings;
    QString currentContext;
    QMap<QString, KubeCluster> clusters;
    QMap<QString, KubeUser> users;
    QMap<QString, KubeContext> contexts;

    QStringList contextNames() const { return contexts.keys(); }
};

} // namespace ragdr::core
