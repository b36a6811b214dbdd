#pragma once

#include "kubeapi.h"

#include <QJsonObject>

namespace ragdr::core {

struct ExportedObject
{
    QString kind; // Deployment, Service, ConfigMap
    QString name;
    QByteArray yaml;
    QByteArray sha256;

    QString fileName() const; // "deployment-rag-api.yaml"
};

struct SecretPresence
{
    QString name;
    QStringList keys; // names only: no value is ever requested
};

struct ManifestExport
{
    QString context;
    QString ns;
    QList<ExportedObject> objects;
    QList<SecretPresence> secrets;

    // Every object as one multi-document YAML file, in a stable order.
    QByteArray combinedYaml() const;
    QJsonObject summary() const; // what a backup's manifest records: names, hashes, secret keys

    // The namespace's Deployments, Services and ConfigMaps as clean YAML (no status,
    // managedFields, uid, resourceVersion, creationTimestamp, generation, clusterIP), and its
    // Secrets' names and key names. Secrets are listed as metadata only, so no value leaves the
    // API server; the key names come from the fields their managers set (metadata.managedFields).
    static Result<ManifestExport> collect(KubeApi &api, const CancelToken &cancel);

    // One file per object, secrets.yaml (names and keys), and SHA256SUMS, into dir.
    Status writeTo(const QString &dir) const;

    static QJsonObject clean(const QJsonObject &object);
};

} // namespace ragdr::core
