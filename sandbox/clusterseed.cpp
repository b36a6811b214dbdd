#include "clusterseed.h"

#include "kubedefaults.h"
#include "kubeobject.h"

#include <QJsonArray>
#include <QRandomGenerator>

namespace ragdr::sandbox {

void ClusterSeed::seed(KubeStore &store, const KubeClusterConfig &config)
{
    seedWorkloads(store, config);
    seedConfiguration(store, config);
}

void ClusterSeed::seedWorkloads(KubeStore &store, const KubeClusterConfig &config)
{
    for (const QString &ns : {config.ns,
                              QStringLiteral("default"),
                              QStringLiteral("kube-system"),
                              QStringLiteral("kube-public")}) {
        if (store.contains(KubeResource::Namespaces, KubeStore::key(QString(), ns)))
            continue;
        store.create(KubeResource::Namespaces,
                     {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                      {QStringLiteral("kind"), QStringLiteral("Namespace")},
                      {QStringLiteral("metadata"),
                       QJsonObject{{QStringLiteral("name"), ns},
                                   {QStringLiteral("labels"),
                                    QJsonObject{
                                        {QStringLiteral("kubernetes.io/metadata.name"), ns}}}}},
                      {QStringLiteral("spec"),
                       QJsonObject{{QStringLiteral("finalizers"),
                                    QJsonArray{QStringLiteral("kubernetes")}}}},
                      {QStringLiteral("status"),
                       QJsonObject{{QStringLiteral("phase"), QStringLiteral("Active")}}}});
    }
    for (const KubeWorkload &w : config.workloads) {
        QJsonObject container{{QStringLiteral("name"), w.container},
                              {QStringLiteral("image"), w.image}};
        if (w.port > 0) {
            container.insert(QStringLiteral("ports"),
                             QJsonArray{
                                 QJsonObject{{QStringLiteral("containerPort"), w.port},
                                             {QStringLiteral("protocol"), QStringLiteral("TCP")}}});
            container.insert(QStringLiteral("readinessProbe"),
                             QJsonObject{{QStringLiteral("httpGet"),
                                          QJsonObject{{QStringLiteral("path"),
                                                       QStringLiteral("/status")},
                                                      {QStringLiteral("port"), w.port},
                                                      {QStringLiteral("scheme"),
                                                       QStringLiteral("HTTP")}}},
                                         {QStringLiteral("periodSeconds"), 5},
                                         {QStringLiteral("timeoutSeconds"), 1},
                                         {QStringLiteral("successThreshold"), 1},
                                         {QStringLiteral("failureThreshold"), 3}});
        }
        container.insert(QStringLiteral("resources"),
                         QJsonObject{
                             {QStringLiteral("requests"),
                              QJsonObject{{QStringLiteral("cpu"), QStringLiteral("250m")},
                                          {QStringLiteral("memory"), QStringLiteral("512Mi")}}}});
        QJsonObject podTemplate{{QStringLiteral("metadata"),
                                 QJsonObject{{QStringLiteral("labels"), w.matchLabels},
                                             {QStringLiteral("annotations"),
                                              QJsonObject{{kubeobject::kLogsAnnotation, w.logs}}}}},
                                {QStringLiteral("spec"),
                                 KubeDefaults::podSpec(
                                     {{QStringLiteral("containers"),
                                       QJsonArray{KubeDefaults::container(container)}}})}};
        QJsonObject deployment{
            {QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
            {QStringLiteral("kind"), QStringLiteral("Deployment")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), w.name},
                         {QStringLiteral("namespace"), config.ns},
                         {QStringLiteral("labels"), w.matchLabels},
                         {QStringLiteral("generation"), 1}}},
            {QStringLiteral("spec"),
             QJsonObject{{QStringLiteral("replicas"), w.replicas},
                         {QStringLiteral("selector"),
                          QJsonObject{{QStringLiteral("matchLabels"), w.matchLabels}}},
                         {QStringLiteral("template"), podTemplate},
                         // The runbook's rollouts never lower capacity: surge one pod at a time.
                         {QStringLiteral("strategy"),
                          QJsonObject{{QStringLiteral("type"), QStringLiteral("RollingUpdate")},
                                      {QStringLiteral("rollingUpdate"),
                                       QJsonObject{{QStringLiteral("maxUnavailable"), 0},
                                                   {QStringLiteral("maxSurge"),
                                                    QStringLiteral("25%")}}}}},
                         {QStringLiteral("revisionHistoryLimit"), 10},
                         {QStringLiteral("progressDeadlineSeconds"), 600}}},
            {QStringLiteral("status"), QJsonObject()}};
        if (!store.contains(KubeResource::Deployments, KubeStore::key(config.ns, w.name)))
            store.create(KubeResource::Deployments, deployment);
    }
}

void ClusterSeed::seedConfiguration(KubeStore &store, const KubeClusterConfig &config)
{
    const QJsonObject meta{{QStringLiteral("namespace"), config.ns}};
    auto withName = [&](const QString &name) {
        QJsonObject m = meta;
        m.insert(QStringLiteral("name"), name);
        return m;
    };
    int octet = 10;
    for (const KubeWorkload &w : config.workloads) {
        if (w.port <= 0 || store.contains(KubeResource::Services, KubeStore::key(config.ns, w.name)))
            continue;
        const QString ip = QStringLiteral("10.96.0.%1").arg(octet++);
        store.create(KubeResource::Services,
                     {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                      {QStringLiteral("kind"), QStringLiteral("Service")},
                      {QStringLiteral("metadata"), withName(w.name)},
                      {QStringLiteral("spec"),
                       QJsonObject{{QStringLiteral("type"), QStringLiteral("ClusterIP")},
                                   {QStringLiteral("clusterIP"), ip},
                                   {QStringLiteral("clusterIPs"), QJsonArray{ip}},
                                   {QStringLiteral("selector"), w.matchLabels},
                                   {QStringLiteral("ports"),
                                    QJsonArray{QJsonObject{{QStringLiteral("name"),
                                                            QStringLiteral("http")},
                                                           {QStringLiteral("port"), 80},
                                                           {QStringLiteral("targetPort"), w.port},
                                                           {QStringLiteral("protocol"),
                                                            QStringLiteral("TCP")}}}}}}});
    }
    if (!store.contains(KubeResource::ConfigMaps,
                        KubeStore::key(config.ns, QStringLiteral("rag-config")))) {
        store.create(KubeResource::ConfigMaps,
                     {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                      {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
                      {QStringLiteral("metadata"), withName(QStringLiteral("rag-config"))},
                      {QStringLiteral("data"),
                       QJsonObject{{QStringLiteral("LLM_MODEL"), QStringLiteral("gemini-2.0-flash")},
                                   {QStringLiteral("EMBEDDING_MODEL"),
                                    QStringLiteral("text-embedding-004")},
                                   {QStringLiteral("EMBEDDING_DIMENSION"), QStringLiteral("384")},
                                   {QStringLiteral("TOP_K"), QStringLiteral("5")}}}});
    }
    if (!store.contains(KubeResource::Secrets,
                        KubeStore::key(config.ns, QStringLiteral("rag-secrets")))) {
        auto randomValue = [] {
            QByteArray bytes(24, Qt::Uninitialized);
            QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 6);
            return QString::fromLatin1(bytes.toBase64());
        };
        QJsonObject m = withName(QStringLiteral("rag-secrets"));
        m.insert(QStringLiteral("managedFields"),
                 QJsonArray{QJsonObject{
                     {QStringLiteral("manager"), QStringLiteral("kubectl-create")},
                     {QStringLiteral("operation"), QStringLiteral("Update")},
                     {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                     {QStringLiteral("fieldsType"), QStringLiteral("FieldsV1")},
                     {QStringLiteral("fieldsV1"),
                      QJsonObject{{QStringLiteral("f:data"),
                                   QJsonObject{{QStringLiteral("."), QJsonObject()},
                                               {QStringLiteral("f:DATABASE_URL"), QJsonObject()},
                                               {QStringLiteral("f:GEMINI_API_KEY"), QJsonObject()}}},
                                  {QStringLiteral("f:type"), QJsonObject()}}}}});
        store.create(KubeResource::Secrets,
                     {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                      {QStringLiteral("kind"), QStringLiteral("Secret")},
                      {QStringLiteral("metadata"), m},
                      {QStringLiteral("type"), QStringLiteral("Opaque")},
                      {QStringLiteral("data"),
                       QJsonObject{{QStringLiteral("DATABASE_URL"), randomValue()},
                                   {QStringLiteral("GEMINI_API_KEY"), randomValue()}}}});
    }
}

} // namespace ragdr::sandbox
