#include "manifestexport.h"

#include "kubepaths.h"

#include "core/base/files.h"
#include "core/base/yamlwriter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>

namespace ragdr::core {

namespace {

QStringList keysIn(const QJsonObject &fields, const QString &field)
{
    QStringList keys;
    const QJsonObject data = fields.value(field).toObject();
    for (auto it = data.begin(); it != data.end(); ++it) {
        if (it.key().startsWith(QLatin1String("f:")))
            keys.append(it.key().mid(2));
    }
    return keys;
}

} // namespace

QString ExportedObject::fileName() const
{
    return QStringLiteral("%1-%2.yaml").arg(kind.toLower(), name);
}

QJsonObject ManifestExport::clean(const QJsonObject &object)
{
    QJsonObject o = object;
    o.remove(QStringLiteral("status"));
    QJsonObject meta = o.value(QStringLiteral("metadata")).toObject();
    for (const char *key :
         {"managedFields", "uid", "resourceVersion", "creationTimestamp", "generation", "selfLink"})
        meta.remove(QLatin1String(key));
    QJsonObject annotations = meta.value(QStringLiteral("annotations")).toObject();
    annotations.remove(QStringLiteral("deployment.kubernetes.io/revision"));
    annotations.remove(QStringLiteral("kubectl.kubernetes.io/last-applied-configuration"));
    if (annotations.isEmpty())
        meta.remove(QStringLiteral("annotations"));
    else
        meta.insert(QStringLiteral("annotations"), annotations);
    o.insert(QStringLiteral("metadata"), meta);
    if (o.value(QStringLiteral("kind")).toString() == QLatin1String("Service")) {
        // Allocated by the cluster: a restore into another cluster must get its own.
        QJsonObject spec = o.value(QStringLiteral("spec")).toObject();
        spec.remove(QStringLiteral("clusterIP"));
        spec.remove(QStringLiteral("clusterIPs"));
        o.insert(QStringLiteral("spec"), spec);
    }
    return o;
}

Result<ManifestExport> ManifestExport::collect(KubeApi &api, const CancelToken &cancel)
{
    ManifestExport out;
    out.context = api.connection().access().context;
    out.ns = api.connection().ns();
    const struct
    {
        QString kind;
        QString apiVersion;
        QString path;
    } kinds[]
        = {{QStringLiteral("Deployment"), QStringLiteral("apps/v1"), kubepaths::deployments(out.ns)},
           {QStringLiteral("Service"), QStringLiteral("v1"), kubepaths::services(out.ns)},
           {QStringLiteral("ConfigMap"), QStringLiteral("v1"), kubepaths::configMaps(out.ns)}};
    for (const auto &k : kinds) {
        auto items = api.list(k.path, {}, cancel);
        if (!items)
            return fail(items.error());
        QList<QJsonObject> sorted = *items;
        std::sort(sorted.begin(), sorted.end(), [](const QJsonObject &a, const QJsonObject &b) {
            return a.value(QLatin1String("metadata"))
                       .toObject()
                       .value(QLatin1String("name"))
                       .toString()
                   < b.value(QLatin1String("metadata"))
                         .toObject()
                         .value(QLatin1String("name"))
                         .toString();
        });
        for (QJsonObject item : std::as_const(sorted)) {
            // Lists leave kind and apiVersion out of their items.
            item.insert(QStringLiteral("apiVersion"), k.apiVersion);
            item.insert(QStringLiteral("kind"), k.kind);
            ExportedObject e;
            e.kind = k.kind;
            e.name = item.value(QLatin1String("metadata"))
                         .toObject()
                         .value(QLatin1String("name"))
                         .toString();
            e.yaml = toYaml(clean(item));
            e.sha256 = QCryptographicHash::hash(e.yaml, QCryptographicHash::Sha256).toHex();
            out.objects.append(e);
        }
    }

    KubeRequest secrets = KubeRequest::get(kubepaths::secrets(out.ns));
    secrets.accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
    auto list = api.json(secrets, cancel, QStringLiteral("listing the names of secrets"));
    if (!list)
        return fail(list.error());
    for (const QJsonValue &v : list->value(QLatin1String("items")).toArray()) {
        const QJsonObject meta = v.toObject().value(QLatin1String("metadata")).toObject();
        SecretPresence s;
        s.name = meta.value(QLatin1String("name")).toString();
        for (const QJsonValue &m : meta.value(QLatin1String("managedFields")).toArray()) {
            const QJsonObject fields = m.toObject().value(QLatin1String("fieldsV1")).toObject();
            for (const QString &key : keysIn(fields, QStringLiteral("f:data"))
                                          + keysIn(fields, QStringLiteral("f:stringData"))) {
                if (!s.keys.contains(key))
                    s.keys.append(key);
            }
        }
        s.keys.sort();
        out.secrets.append(s);
    }
    return out;
}

QByteArray ManifestExport::combinedYaml() const
{
    QByteArray all;
    for (const ExportedObject &e : objects)
        all += "---\n" + e.yaml;
    return all;
}

QJsonObject ManifestExport::summary() const
{
    QJsonArray objectList;
    for (const ExportedObject &e : objects) {
        objectList.append(QJsonObject{{QStringLiteral("kind"), e.kind},
                                      {QStringLiteral("name"), e.name},
                                      {QStringLiteral("sha256"), QString::fromLatin1(e.sha256)}});
    }
    QJsonArray secretList;
    for (const SecretPresence &s : secrets) {
        secretList.append(QJsonObject{{QStringLiteral("name"), s.name},
                                      {QStringLiteral("keys"), QJsonArray::fromStringList(s.keys)}});
    }
    return {{QStringLiteral("context"), context},
            {QStringLiteral("namespace"), ns},
            {QStringLiteral("objects"), objectList},
            {QStringLiteral("secrets"), secretList}};
}

Status ManifestExport::writeTo(const QString &dir) const
{
    if (!QDir().mkpath(dir))
        return fail(Error::badInput(QStringLiteral("cannot create %1").arg(dir)));
    QByteArray sums;
    for (const ExportedObject &e : objects) {
        if (auto written = files::writeAtomically(QDir(dir).filePath(e.fileName()), e.yaml);
            !written)
            return written;
        sums += e.sha256 + "  " + e.fileName().toUtf8() + '\n';
    }
    QJsonArray secretList;
    for (const SecretPresence &s : secrets) {
        secretList.append(QJsonObject{{QStringLiteral("name"), s.name},
                                      {QStringLiteral("keys"), QJsonArray::fromStringList(s.keys)}});
    }
    const QByteArray secretsYaml = "# Secrets in namespace " + ns.toUtf8()
                                   + ": names and key names only; no value was read.\n"
                                   + toYaml(QJsonObject{{QStringLiteral("secrets"), secretList}});
    if (auto written = files::writeAtomically(QDir(dir).filePath(QStringLiteral("secrets.yaml")),
                                              secretsYaml);
        !written)
        return written;
    sums += QCryptographicHash::hash(secretsYaml, QCryptographicHash::Sha256).toHex()
            + "  secrets.yaml\n";
    return files::writeAtomically(QDir(dir).filePath(QStringLiteral("SHA256SUMS")), sums);
}

} // namespace ragdr::core
