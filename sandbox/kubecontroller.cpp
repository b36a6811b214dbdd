#include "kubecontroller.h"

#include "core/cluster/kubetime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUuid>

#include <algorithm>
#include <cmath>

namespace ragdr::sandbox {

namespace kubetime = core::kubetime;

namespace {

const QString kSimulate = QStringLiteral("sandbox.ragdr.io/simulate");
const QString kLogs = QStringLiteral("sandbox.ragdr.io/logs");
const QString kRevision = QStringLiteral("deployment.kubernetes.io/revision");
const QString kHashLabel = QStringLiteral("pod-template-hash");
// kubernetes' rand.SafeEncodeString alphabet: no vowels, no confusable digits.
const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
constexpr int kBurst = 500;                // pods created or deleted per ReplicaSet and tick
constexpr int kEventsPerSyncLimit = 10;    // SuccessfulCreate/Delete events per ReplicaSet and tick
constexpr int kMaxEvents = 20000;          // kept like events' TTL would keep them
constexpr qint64 kSeedAgeMs = 3600 * 1000; // the cluster looks an hour old at start

QString randomSuffix(int length)
{
    QString s;
    for (int i = 0; i < length; ++i)
        s.append(QLatin1Char(
            kAlphabet[QRandomGenerator::global()->bounded(int(sizeof(kAlphabet) - 1))]));
    return s;
}

// pod-template-hash as the deployment controller makes it: fnv32a of the template, its decimal
// digits mapped through the safe alphabet (controller.ComputeHash + rand.SafeEncodeString).
QString templateHash(const QJsonObject &podTemplate)
{
    const QByteArray data = QJsonDocument(podTemplate).toJson(QJsonDocument::Compact);
    quint32 hash = 2166136261u;
    for (const char c : data) {
        hash ^= quint8(c);
        hash *= 16777619u;
    }
    const QByteArray digits = QByteArray::number(hash);
    QString out;
    for (const char c : digits)
        out.append(QLatin1Char(kAlphabet[int(c) % (int(sizeof(kAlphabet) - 1))]));
    return out;
}

QString hex64()
{
    QString s;
    for (int i = 0; i < 8; ++i)
        s += QString::number(QRandomGenerator::global()->generate(), 16)
                 .rightJustified(8, QLatin1Char('0'));
    return s;
}

QJsonObject meta(const QJsonObject &o)
{
    return o.value(QLatin1String("metadata")).toObject();
}

QString nameOf(const QJsonObject &o)
{
    return meta(o).value(QLatin1String("name")).toString();
}

QString nsOf(const QJsonObject &o)
{
    return meta(o).value(QLatin1String("namespace")).toString();
}

QString controllerOwner(const QJsonObject &o, const QString &kind)
{
    for (const QJsonValue &r : meta(o).value(QLatin1String("ownerReferences")).toArray()) {
        const QJsonObject ref = r.toObject();
        if (ref.value(QLatin1String("kind")).toString() == kind
            && ref.value(QLatin1String("controller")).toBool())
            return ref.value(QLatin1String("name")).toString();
    }
    return {};
}

QJsonObject ownerReference(const QJsonObject &owner, const QString &apiVersion, const QString &kind)
{
    return {{QStringLiteral("apiVersion"), apiVersion},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("name"), nameOf(owner)},
            {QStringLiteral("uid"), meta(owner).value(QLatin1String("uid"))},
            {QStringLiteral("controller"), true},
            {QStringLiteral("blockOwnerDeletion"), true}};
}

QString annotation(const QJsonObject &o, const QString &name)
{
    return meta(o).value(QLatin1String("annotations")).toObject().value(name).toString();
}

bool isDeleting(const QJsonObject &pod)
{
    return !meta(pod).value(QLatin1String("deletionTimestamp")).toString().isEmpty();
}

bool podReady(const QJsonObject &pod)
{
    for (const QJsonValue &c :
         pod.value(QLatin1String("status")).toObject().value(QLatin1String("conditions")).toArray()) {
        const QJsonObject condition = c.toObject();
        if (condition.value(QLatin1String("type")).toString() == QLatin1String("Ready"))
            return condition.value(QLatin1String("status")).toString() == QLatin1String("True");
    }
    return false;
}

PodBehaviour parseBehaviour(const QString &text)
{
    if (text == QLatin1String("crashloop"))
        return PodBehaviour::CrashLoop;
    if (text == QLatin1String("image-pull-backoff"))
        return PodBehaviour::ImagePullBackOff;
    if (text == QLatin1String("unschedulable"))
        return PodBehaviour::Unschedulable;
    if (text == QLatin1String("init-stuck"))
        return PodBehaviour::InitStuck;
    if (text == QLatin1String("complete"))
        return PodBehaviour::Complete;
    if (text == QLatin1String("error"))
        return PodBehaviour::Error;
    if (text == QLatin1String("worker-down"))
        return PodBehaviour::WorkerDown;
    if (text == QLatin1String("slow-shutdown"))
        return PodBehaviour::SlowShutdown;
    return PodBehaviour::Normal;
}

bool exits(PodBehaviour b)
{
    return b == PodBehaviour::CrashLoop || b == PodBehaviour::Complete || b == PodBehaviour::Error
           || b == PodBehaviour::WorkerDown;
}

// intstr against a replica count: "25%" of 3 rounds up for maxSurge and down for maxUnavailable.
int resolveIntOrPercent(const QJsonValue &value, int total, bool roundUp, int fallback)
{
    if (value.isDouble())
        return value.toInt();
    const QString text = value.toString();
    if (!text.endsWith(QLatin1Char('%')))
        return text.isEmpty() ? fallback : text.toInt();
    const double v = text.chopped(1).toDouble() * total / 100.0;
    return int(roundUp ? std::ceil(v) : std::floor(v));
}

QJsonObject defaultedContainer(QJsonObject c)
{
    if (!c.contains(QLatin1String("terminationMessagePath")))
        c.insert(QStringLiteral("terminationMessagePath"), QStringLiteral("/dev/termination-log"));
    if (!c.contains(QLatin1String("terminationMessagePolicy")))
        c.insert(QStringLiteral("terminationMessagePolicy"), QStringLiteral("File"));
    if (!c.contains(QLatin1String("imagePullPolicy"))) {
        const QString image = c.value(QLatin1String("image")).toString();
        const bool latest = image.endsWith(QLatin1String(":latest"))
                            || !image.section(QLatin1Char('/'), -1).contains(QLatin1Char(':'));
        c.insert(QStringLiteral("imagePullPolicy"),
                 latest ? QStringLiteral("Always") : QStringLiteral("IfNotPresent"));
    }
    if (!c.contains(QLatin1String("resources")))
        c.insert(QStringLiteral("resources"), QJsonObject());
    QJsonArray ports;
    for (const QJsonValue &p : c.value(QLatin1String("ports")).toArray()) {
        QJsonObject port = p.toObject();
        if (!port.contains(QLatin1String("protocol")))
            port.insert(QStringLiteral("protocol"), QStringLiteral("TCP"));
        ports.append(port);
    }
    if (!ports.isEmpty())
        c.insert(QStringLiteral("ports"), ports);
    return c;
}

QJsonObject defaultedPodSpec(QJsonObject spec)
{
    for (const char *field : {"containers", "initContainers"}) {
        const QString f = QString::fromLatin1(field);
        if (!spec.contains(f))
            continue;
        QJsonArray list;
        for (const QJsonValue &c : spec.value(f).toArray())
            list.append(defaultedContainer(c.toObject()));
        spec.insert(f, list);
    }
    const std::pair<const char *, QJsonValue> defaults[] = {
        {"restartPolicy", QStringLiteral("Always")},
        {"terminationGracePeriodSeconds", 30},
        {"dnsPolicy", QStringLiteral("ClusterFirst")},
        {"securityContext", QJsonObject()},
        {"schedulerName", QStringLiteral("default-scheduler")},
    };
    for (const auto &[key, value] : defaults) {
        if (!spec.contains(QLatin1String(key)))
            spec.insert(QLatin1String(key), value);
    }
    return spec;
}

} // namespace

KubeController::KubeController(KubeStore &store, KubeClusterConfig config, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_config(std::move(config))
{
    connect(&m_store, &KubeStore::changed, this, &KubeController::onChanged);
    m_timer.setInterval(m_config.tickMs);
    connect(&m_timer, &QTimer::timeout, this, &KubeController::tick);
}

qint64 KubeController::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch() + m_clockOffsetMs;
}

QDateTime KubeController::now() const
{
    return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
}

void KubeController::start()
{
    m_seeding = true;
    m_clockOffsetMs = -kSeedAgeMs;
    for (const QString &ns : {m_config.ns,
                              QStringLiteral("default"),
                              QStringLiteral("kube-system"),
                              QStringLiteral("kube-public")}) {
        if (m_store.contains(KubeResource::Namespaces, KubeStore::key(QString(), ns)))
            continue;
        m_store.create(KubeResource::Namespaces,
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
    for (const KubeWorkload &w : m_config.workloads) {
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
                                              QJsonObject{{kLogs, w.logs}}}}},
                                {QStringLiteral("spec"),
                                 defaultedPodSpec({{QStringLiteral("containers"),
                                                    QJsonArray{defaultedContainer(container)}}})}};
        QJsonObject deployment{
            {QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
            {QStringLiteral("kind"), QStringLiteral("Deployment")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), w.name},
                         {QStringLiteral("namespace"), m_config.ns},
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
        if (!m_store.contains(KubeResource::Deployments, KubeStore::key(m_config.ns, w.name)))
            m_store.create(KubeResource::Deployments, deployment);
    }
    seedConfiguration();
    // Let the workloads come up as they would have long ago, in simulated time, 5 s a step.
    for (int i = 0; i < 12; ++i) {
        tick();
        m_clockOffsetMs += 5000;
    }
    m_clockOffsetMs = 0;
    m_seeding = false;
    // Nobody watched the seeding; its history would only crowd out what comes next.
    m_store.dropHistory();
    m_timer.start();
}

// What a real rag-prod namespace holds besides its workloads, so that the console's manifest
// export has something to save: a Service per workload with a port, the service's ConfigMap and
// a Secret. The Secret's values are random, made here, and only ever read by the API; its key
// names show in metadata.managedFields as a real API server records them.
void KubeController::seedConfiguration()
{
    const QJsonObject meta{{QStringLiteral("namespace"), m_config.ns}};
    auto withName = [&](const QString &name) {
        QJsonObject m = meta;
        m.insert(QStringLiteral("name"), name);
        return m;
    };
    int octet = 10;
    for (const KubeWorkload &w : m_config.workloads) {
        if (w.port <= 0
            || m_store.contains(KubeResource::Services, KubeStore::key(m_config.ns, w.name)))
            continue;
        const QString ip = QStringLiteral("10.96.0.%1").arg(octet++);
        m_store.create(KubeResource::Services,
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
    if (!m_store.contains(KubeResource::ConfigMaps,
                          KubeStore::key(m_config.ns, QStringLiteral("rag-config")))) {
        m_store.create(KubeResource::ConfigMaps,
                       {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                        {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
                        {QStringLiteral("metadata"), withName(QStringLiteral("rag-config"))},
                        {QStringLiteral("data"),
                         QJsonObject{{QStringLiteral("LLM_MODEL"),
                                      QStringLiteral("gemini-2.0-flash")},
                                     {QStringLiteral("EMBEDDING_MODEL"),
                                      QStringLiteral("text-embedding-004")},
                                     {QStringLiteral("EMBEDDING_DIMENSION"), QStringLiteral("384")},
                                     {QStringLiteral("TOP_K"), QStringLiteral("5")}}}});
    }
    if (!m_store.contains(KubeResource::Secrets,
                          KubeStore::key(m_config.ns, QStringLiteral("rag-secrets")))) {
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
        m_store.create(KubeResource::Secrets,
                       {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                        {QStringLiteral("kind"), QStringLiteral("Secret")},
                        {QStringLiteral("metadata"), m},
                        {QStringLiteral("type"), QStringLiteral("Opaque")},
                        {QStringLiteral("data"),
                         QJsonObject{{QStringLiteral("DATABASE_URL"), randomValue()},
                                     {QStringLiteral("GEMINI_API_KEY"), randomValue()}}}});
    }
}

// --- indexes ---------------------------------------------------------------------------------

void KubeController::onChanged(const KubeChange &change)
{
    const QString key = KubeStore::keyOf(change.object);
    switch (change.resource) {
    case KubeResource::Pods: {
        const QString rs = controllerOwner(change.object, QStringLiteral("ReplicaSet"));
        const QString rsKey = rs.isEmpty() ? QString() : KubeStore::key(nsOf(change.object), rs);
        // Move this pod's contribution to its ReplicaSet's counts from the old state to the new.
        const PodFlags before = m_podFlags.value(key);
        if (!before.replicaSet.isEmpty() && before.counted) {
            Counts &c = m_replicaSetCounts[before.replicaSet];
            --c.replicas;
            if (before.ready) {
                --c.ready;
                --c.available;
            }
        }
        if (change.type == "DELETED") {
            m_podFlags.remove(key);
        } else {
            const QString phase = change.object.value(QLatin1String("status"))
                                      .toObject()
                                      .value(QLatin1String("phase"))
                                      .toString();
            PodFlags after;
            after.replicaSet = rsKey;
            after.counted = !isDeleting(change.object) && phase != QLatin1String("Succeeded")
                            && phase != QLatin1String("Failed");
            after.ready = podReady(change.object);
            if (!rsKey.isEmpty() && after.counted) {
                Counts &c = m_replicaSetCounts[rsKey];
                ++c.replicas;
                if (after.ready) {
                    ++c.ready;
                    ++c.available; // minReadySeconds is 0
                }
            }
            m_podFlags.insert(key, after);
        }
        if (change.type == "ADDED") {
            if (!rsKey.isEmpty())
                m_podsByReplicaSet[rsKey].insert(key);
            if (!m_pods.contains(key))
                m_pods.insert(key, simFor(change.object));
            m_active.insert(key);
        } else if (change.type == "DELETED") {
            if (!rsKey.isEmpty()) {
                auto it = m_podsByReplicaSet.find(rsKey);
                if (it != m_podsByReplicaSet.end()) {
                    it->remove(key);
                    if (it->isEmpty())
                        m_podsByReplicaSet.erase(it);
                }
            }
            m_pods.remove(key);
            m_active.remove(key);
        } else if (isDeleting(change.object) && !isDeleting(change.previous)) {
            m_active.insert(key);
        }
        break;
    }
    case KubeResource::ReplicaSets: {
        const QString owner = controllerOwner(change.object, QStringLiteral("Deployment"));
        const QString deploymentKey = KubeStore::key(nsOf(change.object), owner);
        if (change.type == "ADDED" && !owner.isEmpty()) {
            m_replicaSetsByDeployment[deploymentKey].insert(key);
        } else if (change.type == "DELETED") {
            m_replicaSetsByDeployment[deploymentKey].remove(key);
            if (m_podsByReplicaSet.value(key).isEmpty())
                m_replicaSetCounts.remove(key);
            // Garbage collection (background propagation) on the next tick: never write to the
            // store while it is telling its watchers about this change.
            for (const QString &pod : m_podsByReplicaSet.value(key))
                m_orphanedPods.insert(pod);
        }
        break;
    }
    case KubeResource::Deployments:
        if (change.type == "DELETED") {
            for (const QString &rs : m_replicaSetsByDeployment.value(key))
                m_orphanedReplicaSets.insert(rs);
            m_deployments.remove(key);
        }
        break;
    case KubeResource::Events:
        if (change.type == "DELETED")
            m_eventOrder.removeOne(key);
        break;
    case KubeResource::Namespaces:
    case KubeResource::Services:
    case KubeResource::ConfigMaps:
    case KubeResource::Secrets:
        break;
    }
}

void KubeController::collectGarbage()
{
    const QSet<QString> replicaSets = std::exchange(m_orphanedReplicaSets, {});
    for (const QString &rs : replicaSets)
        m_store.remove(KubeResource::ReplicaSets, rs);
    const QSet<QString> pods = std::exchange(m_orphanedPods, {});
    for (const QString &key : pods) {
        QJsonObject pod = m_store.get(KubeResource::Pods, key);
        if (pod.isEmpty() || isDeleting(pod))
            continue;
        QJsonObject m = meta(pod);
        m.insert(QStringLiteral("deletionTimestamp"), kubetime::format(now()));
        m.insert(QStringLiteral("deletionGracePeriodSeconds"), 30);
        pod.insert(QStringLiteral("metadata"), m);
        m_store.update(KubeResource::Pods, pod);
    }
}

KubeController::PodSim KubeController::simFor(const QJsonObject &pod) const
{
    PodSim sim;
    const QJsonObject spec = pod.value(QLatin1String("spec")).toObject();
    QString behaviour = annotation(pod, kSimulate);
    sim.annotated = parseBehaviour(behaviour);
    sim.restartPolicy
        = spec.value(QLatin1String("restartPolicy")).toString(QStringLiteral("Always"));
    sim.graceSeconds = spec.value(QLatin1String("terminationGracePeriodSeconds")).toInt(30);
    // Which workload it belongs to decides which faults reach it and what it logs.
    const QString rs = controllerOwner(pod, QStringLiteral("ReplicaSet"));
    if (!rs.isEmpty()) {
        const QString deployment
            = controllerOwner(m_store.get(KubeResource::ReplicaSets, nsOf(pod), rs),
                              QStringLiteral("Deployment"));
        for (const KubeWorkload &w : m_config.workloads) {
            if (w.name == deployment)
                sim.role = w.role;
        }
    }
    sim.flavour = annotation(pod, kLogs);
    if (sim.flavour.isEmpty())
        sim.flavour = sim.role == QLatin1String("api") ? QStringLiteral("fastapi")
                                                       : QStringLiteral("worker");
    auto containers = [&](const QString &field) {
        QList<ContainerSim> list;
        for (const QJsonValue &c : spec.value(field).toArray()) {
            ContainerSim cs;
            cs.name = c.toObject().value(QLatin1String("name")).toString();
            cs.image = c.toObject().value(QLatin1String("image")).toString();
            if (field == QLatin1String("containers")
                && !spec.value(QLatin1String("initContainers")).toArray().isEmpty())
                cs.reason = QStringLiteral("PodInitializing");
            if (c.toObject().contains(QLatin1String("resources"))
                && !c.toObject().value(QLatin1String("resources")).toObject().isEmpty()) {
                sim.qosBurstable = true;
            }
            list.append(cs);
        }
        return list;
    };
    sim.init = containers(QStringLiteral("initContainers"));
    sim.main = containers(QStringLiteral("containers"));
    for (const ContainerSim &c : sim.main) {
        if (c.image.endsWith(QLatin1String(":missing")) && sim.annotated == PodBehaviour::Normal)
            sim.annotated = PodBehaviour::ImagePullBackOff;
    }
    return sim;
}

PodBehaviour KubeController::behaviourOf(const PodSim &sim) const
{
    if (sim.annotated != PodBehaviour::Normal)
        return sim.annotated;
    if (sim.role == QLatin1String("api") && m_faults.contains(Fault::ApiCrashLoop))
        return PodBehaviour::CrashLoop;
    if (sim.role == QLatin1String("worker") && m_faults.contains(Fault::WorkerDown))
        return PodBehaviour::WorkerDown;
    return PodBehaviour::Normal;
}

void KubeController::setFault(Fault fault, bool on)
{
    if (on)
        m_faults.insert(fault);
    else
        m_faults.remove(fault);
    const QString role = fault == Fault::ApiCrashLoop ? QStringLiteral("api")
                                                      : QStringLiteral("worker");
    for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
        if (it->role == role)
            m_active.insert(it.key());
    }
}

// --- tick ------------------------------------------------------------------------------------

void KubeController::tick()
{
    collectGarbage();
    const QSet<QString> active = std::exchange(m_active, {});
    for (const QString &key : active)
        advancePod(key);
    const QStringList deployments = m_store.objects(KubeResource::Deployments).keys();
    for (const QString &key : deployments)
        syncDeployment(key);
    const QStringList replicaSets = m_store.objects(KubeResource::ReplicaSets).keys();
    for (const QString &key : replicaSets) {
        syncReplicaSet(key);
        writeReplicaSetStatus(key);
    }
    for (const QString &key : deployments)
        writeDeploymentStatus(key);
}

// --- kubelet and scheduler ---------------------------------------------------------------------

void KubeController::setCondition(Condition &c,
                                  bool status,
                                  const QString &reason,
                                  const QString &message)
{
    if (!c.set || c.status != status)
        c.sinceMs = nowMs();
    c.set = true;
    c.status = status;
    c.reason = reason;
    c.message = message;
}

QString KubeController::pickNode()
{
    const int n = m_nextNode++ % std::max(1, m_config.nodes);
    return QStringLiteral("%1-pool-1-node-%2").arg(m_config.name).arg(n + 1);
}

QString KubeController::nextPodIP()
{
    const int n = m_nextIP++;
    return QStringLiteral("10.%1.%2.%3")
        .arg(244 + m_config.index % 10)
        .arg((n / 250) % 256)
        .arg(n % 250 + 2);
}

void KubeController::schedule(const QString &key, PodSim &sim, const QJsonObject &pod)
{
    Q_UNUSED(key)
    sim.node = pickNode();
    sim.hostIP = QStringLiteral("10.128.%1.%2")
                     .arg(m_config.index)
                     .arg(10 + sim.node.section(QLatin1Char('-'), -1).toInt());
    sim.startTimeMs = nowMs();
    setCondition(sim.scheduled, true);
    setCondition(sim.readyToStart, false);
    if (sim.init.isEmpty())
        setCondition(sim.initialized, true);
    else
        setCondition(sim.initialized,
                     false,
                     QStringLiteral("ContainersNotInitialized"),
                     QStringLiteral("containers with incomplete status: [%1]")
                         .arg(sim.init.first().name));
    QStringList names;
    for (const ContainerSim &c : sim.main)
        names.append(c.name);
    const QString notReady
        = QStringLiteral("containers with unready status: [%1]").arg(names.join(QLatin1Char(' ')));
    setCondition(sim.ready, false, QStringLiteral("ContainersNotReady"), notReady);
    setCondition(sim.containersReady, false, QStringLiteral("ContainersNotReady"), notReady);
    recordEvent(pod,
                QString(),
                QStringLiteral("Normal"),
                QStringLiteral("Scheduled"),
                QStringLiteral("Successfully assigned %1/%2 to %3")
                    .arg(nsOf(pod), nameOf(pod), sim.node),
                QStringLiteral("default-scheduler"));
}

void KubeController::startContainer(const QJsonObject &pod,
                                    PodSim &sim,
                                    ContainerSim &c,
                                    const QString &fieldPath)
{
    if (sim.podIP.isEmpty())
        sim.podIP = nextPodIP();
    setCondition(sim.readyToStart, true);
    const qint64 t = nowMs();
    c.state = ContainerSim::State::Running;
    c.reason.clear();
    c.message.clear();
    c.startedMs = t;
    c.started = true;
    c.ready = false;
    c.containerId = QStringLiteral("containerd://") + hex64();
    c.run = {t, 0, false};
    recordEvent(pod,
                fieldPath,
                QStringLiteral("Normal"),
                QStringLiteral("Pulled"),
                QStringLiteral("Container image \"%1\" already present on machine").arg(c.image),
                QStringLiteral("kubelet"),
                sim.node);
    recordEvent(pod,
                fieldPath,
                QStringLiteral("Normal"),
                QStringLiteral("Created"),
                QStringLiteral("Created container: %1").arg(c.name),
                QStringLiteral("kubelet"),
                sim.node);
    recordEvent(pod,
                fieldPath,
                QStringLiteral("Normal"),
                QStringLiteral("Started"),
                QStringLiteral("Started container %1").arg(c.name),
                QStringLiteral("kubelet"),
                sim.node);
}

void KubeController::exitContainer(PodSim &sim, ContainerSim &c, int exitCode)
{
    const qint64 t = nowMs();
    c.state = ContainerSim::State::Terminated;
    c.exitCode = exitCode;
    c.reason = exitCode == 0 ? QStringLiteral("Completed") : QStringLiteral("Error");
    c.finishedMs = t;
    c.ready = false;
    c.started = false;
    c.run.endedMs = t;
    c.run.crashed = exitCode != 0;
    QStringList names;
    for (const ContainerSim &m : sim.main)
        names.append(m.name);
    const QString notReady
        = QStringLiteral("containers with unready status: [%1]").arg(names.join(QLatin1Char(' ')));
    setCondition(sim.ready, false, QStringLiteral("ContainersNotReady"), notReady);
    setCondition(sim.containersReady, false, QStringLiteral("ContainersNotReady"), notReady);
}

void KubeController::restartContainer(const QJsonObject &pod, PodSim &sim, ContainerSim &c)
{
    c.hasLast = true;
    c.lastReason = c.exitCode == 0 ? QStringLiteral("Completed") : QStringLiteral("Error");
    c.lastExitCode = c.exitCode;
    c.lastStartedMs = c.startedMs;
    c.lastFinishedMs = c.finishedMs > 0 ? c.finishedMs : nowMs();
    c.previousRun = c.run;
    ++c.restarts;
    startContainer(pod, sim, c, QStringLiteral("spec.containers{%1}").arg(c.name));
}

void KubeController::advancePod(const QString &key)
{
    const QJsonObject pod = m_store.get(KubeResource::Pods, key);
    auto it = m_pods.find(key);
    if (pod.isEmpty() || it == m_pods.end())
        return;
    PodSim &sim = it.value();
    ++sim.ticks;
    const PodBehaviour behaviour = behaviourOf(sim);
    auto moveTo = [&sim](Stage stage) {
        sim.stage = stage;
        sim.ticks = 0;
    };
    auto stayActive = [&] { m_active.insert(key); };

    if (isDeleting(pod)) {
        if (sim.stage != Stage::Terminating) {
            const bool hadRun = std::any_of(sim.main.cbegin(),
                                            sim.main.cend(),
                                            [](const ContainerSim &c) {
                                                return c.state == ContainerSim::State::Running;
                                            });
            if (hadRun) {
                for (const ContainerSim &c : sim.main) {
                    recordEvent(pod,
                                QStringLiteral("spec.containers{%1}").arg(c.name),
                                QStringLiteral("Normal"),
                                QStringLiteral("Killing"),
                                QStringLiteral("Stopping container %1").arg(c.name),
                                QStringLiteral("kubelet"),
                                sim.node);
                }
            }
            for (ContainerSim &c : sim.main)
                c.ready = false;
            setCondition(sim.ready, false, QStringLiteral("ContainersNotReady"), QString());
            setCondition(sim.containersReady,
                         false,
                         QStringLiteral("ContainersNotReady"),
                         QString());
            const int grace = meta(pod)
                                  .value(QLatin1String("deletionGracePeriodSeconds"))
                                  .toInt(sim.graceSeconds);
            const qint64 graceMs = behaviour == PodBehaviour::SlowShutdown
                                       ? qint64(grace) * 1000
                                       : std::min<qint64>(qint64(grace) * 1000, m_config.tickMs);
            sim.deleteAtMs = nowMs() + graceMs;
            moveTo(Stage::Terminating);
            writePod(key, sim);
            stayActive();
        } else if (nowMs() >= sim.deleteAtMs) {
            m_store.remove(KubeResource::Pods, key);
        } else {
            stayActive();
        }
        return;
    }

    switch (sim.stage) {
    case Stage::Created:
        if (behaviour == PodBehaviour::Unschedulable) {
            setCondition(
                sim.scheduled,
                false,
                QStringLiteral("Unschedulable"),
                QStringLiteral(
                    "0/%1 nodes are available: %1 Insufficient memory. preemption: 0/%1 nodes are "
                    "available: %1 No preemption victims found for incoming pod.")
                    .arg(m_config.nodes));
            recordEvent(pod,
                        QString(),
                        QStringLiteral("Warning"),
                        QStringLiteral("FailedScheduling"),
                        sim.scheduled.message,
                        QStringLiteral("default-scheduler"));
            moveTo(Stage::Unschedulable);
        } else {
            schedule(key, sim, pod);
            moveTo(Stage::Scheduled);
            stayActive();
        }
        writePod(key, sim);
        return;
    case Stage::Scheduled:
        if (behaviour == PodBehaviour::ImagePullBackOff) {
            ContainerSim &c = sim.main.first();
            const QString fieldPath = QStringLiteral("spec.containers{%1}").arg(c.name);
            c.reason = QStringLiteral("ErrImagePull");
            c.message = QStringLiteral(
                            "rpc error: code = NotFound desc = failed to pull and unpack image "
                            "\"%1\": failed to resolve reference \"%1\": %1: not found")
                            .arg(c.image);
            recordEvent(pod,
                        fieldPath,
                        QStringLiteral("Normal"),
                        QStringLiteral("Pulling"),
                        QStringLiteral("Pulling image \"%1\"").arg(c.image),
                        QStringLiteral("kubelet"),
                        sim.node);
            recordEvent(pod,
                        fieldPath,
                        QStringLiteral("Warning"),
                        QStringLiteral("Failed"),
                        QStringLiteral("Failed to pull image \"%1\": %2").arg(c.image, c.message),
                        QStringLiteral("kubelet"),
                        sim.node);
            recordEvent(pod,
                        fieldPath,
                        QStringLiteral("Warning"),
                        QStringLiteral("Failed"),
                        QStringLiteral("Error: ErrImagePull"),
                        QStringLiteral("kubelet"),
                        sim.node);
            setCondition(sim.readyToStart, true);
            if (sim.podIP.isEmpty())
                sim.podIP = nextPodIP();
            moveTo(Stage::PullError);
        } else if (!sim.init.isEmpty()) {
            startContainer(pod,
                           sim,
                           sim.init[0],
                           QStringLiteral("spec.initContainers{%1}").arg(sim.init[0].name));
            sim.initIndex = 0;
            moveTo(Stage::Initializing);
        } else {
            for (ContainerSim &c : sim.main)
                startContainer(pod, sim, c, QStringLiteral("spec.containers{%1}").arg(c.name));
            sim.phase = QStringLiteral("Running");
            moveTo(Stage::NotReady);
        }
        stayActive();
        writePod(key, sim);
        return;
    case Stage::Initializing:
        if (behaviour == PodBehaviour::InitStuck)
            return; // waits for its database forever
        if (sim.ticks >= 1) {
            ContainerSim &c = sim.init[sim.initIndex];
            exitContainer(sim, c, 0);
            c.run.crashed = false;
            if (++sim.initIndex < sim.init.size()) {
                startContainer(pod,
                               sim,
                               sim.init[sim.initIndex],
                               QStringLiteral("spec.initContainers{%1}")
                                   .arg(sim.init[sim.initIndex].name));
            } else {
                setCondition(sim.initialized, true);
                for (ContainerSim &m : sim.main)
                    startContainer(pod, sim, m, QStringLiteral("spec.containers{%1}").arg(m.name));
                sim.phase = QStringLiteral("Running");
                moveTo(Stage::NotReady);
            }
            writePod(key, sim);
        }
        stayActive();
        return;
    case Stage::PullError:
        if (sim.ticks >= 2) {
            ContainerSim &c = sim.main.first();
            const QString fieldPath = QStringLiteral("spec.containers{%1}").arg(c.name);
            c.reason = QStringLiteral("ImagePullBackOff");
            c.message = QStringLiteral("Back-off pulling image \"%1\"").arg(c.image);
            recordEvent(pod,
                        fieldPath,
                        QStringLiteral("Normal"),
                        QStringLiteral("BackOff"),
                        c.message,
                        QStringLiteral("kubelet"),
                        sim.node);
            recordEvent(pod,
                        fieldPath,
                        QStringLiteral("Warning"),
                        QStringLiteral("Failed"),
                        QStringLiteral("Error: ImagePullBackOff"),
                        QStringLiteral("kubelet"),
                        sim.node);
            moveTo(Stage::PullBackOff);
            writePod(key, sim);
        }
        stayActive();
        return;
    case Stage::PullBackOff:
        if (behaviour != PodBehaviour::ImagePullBackOff) {
            moveTo(Stage::Scheduled);
        } else if (sim.ticks >= 10) {
            ContainerSim &c = sim.main.first();
            c.reason = QStringLiteral("ErrImagePull");
            recordEvent(pod,
                        QStringLiteral("spec.containers{%1}").arg(c.name),
                        QStringLiteral("Warning"),
                        QStringLiteral("Failed"),
                        QStringLiteral("Error: ErrImagePull"),
                        QStringLiteral("kubelet"),
                        sim.node);
            moveTo(Stage::PullError);
            writePod(key, sim);
        }
        stayActive();
        return;
    case Stage::NotReady:
        if (exits(behaviour)) {
            const int runTicks = behaviour == PodBehaviour::Complete ? 1 : 2;
            if (sim.ticks >= runTicks) {
                for (ContainerSim &c : sim.main)
                    exitContainer(sim, c, behaviour == PodBehaviour::Complete ? 0 : 1);
                moveTo(Stage::Exited);
                writePod(key, sim);
            }
            stayActive();
            return;
        }
        for (ContainerSim &c : sim.main)
            c.ready = true;
        setCondition(sim.ready, true);
        setCondition(sim.containersReady, true);
        moveTo(Stage::Ready);
        writePod(key, sim);
        return;
    case Stage::Ready:
        if (exits(behaviour)) {
            for (ContainerSim &c : sim.main)
                exitContainer(sim, c, behaviour == PodBehaviour::Complete ? 0 : 1);
            moveTo(Stage::Exited);
            writePod(key, sim);
            stayActive();
        }
        return;
    case Stage::Exited: {
        const int exitCode = sim.main.isEmpty() ? 0 : sim.main.first().exitCode;
        if (sim.restartPolicy == QLatin1String("Never")
            || (sim.restartPolicy == QLatin1String("OnFailure") && exitCode == 0)) {
            sim.phase = exitCode == 0 ? QStringLiteral("Succeeded") : QStringLiteral("Failed");
            const QString reason = exitCode == 0 ? QStringLiteral("PodCompleted")
                                                 : QStringLiteral("PodFailed");
            setCondition(sim.ready, false, reason);
            setCondition(sim.containersReady, false, reason);
            setCondition(sim.readyToStart, false);
            moveTo(Stage::Done);
            writePod(key, sim);
            return;
        }
        const int shownTicks = behaviour == PodBehaviour::WorkerDown ? 6 : 1;
        // The kubelet restarts a container the first time at once; back-off starts from the second.
        if (sim.ticks >= shownTicks && !sim.main.isEmpty() && sim.main.first().restarts == 0) {
            for (ContainerSim &c : sim.main)
                restartContainer(pod, sim, c);
            moveTo(Stage::NotReady);
            writePod(key, sim);
        } else if (sim.ticks >= shownTicks) {
            for (ContainerSim &c : sim.main) {
                const int backoffSeconds = std::min(300, 10 << std::min(c.restarts, 5));
                c.state = ContainerSim::State::Waiting;
                c.reason = QStringLiteral("CrashLoopBackOff");
                c.message = QStringLiteral(
                                "back-off %1s restarting failed container=%2 pod=%3_%4(%5)")
                                .arg(backoffSeconds)
                                .arg(c.name,
                                     nameOf(pod),
                                     nsOf(pod),
                                     meta(pod).value(QLatin1String("uid")).toString());
                // The last run becomes lastState while the container waits to restart.
                c.hasLast = true;
                c.lastReason = c.exitCode == 0 ? QStringLiteral("Completed")
                                               : QStringLiteral("Error");
                c.lastExitCode = c.exitCode;
                c.lastStartedMs = c.startedMs;
                c.lastFinishedMs = c.finishedMs;
                recordEvent(pod,
                            QStringLiteral("spec.containers{%1}").arg(c.name),
                            QStringLiteral("Warning"),
                            QStringLiteral("BackOff"),
                            QStringLiteral(
                                "Back-off restarting failed container %1 in pod %2_%3(%4)")
                                .arg(c.name,
                                     nameOf(pod),
                                     nsOf(pod),
                                     meta(pod).value(QLatin1String("uid")).toString()),
                            QStringLiteral("kubelet"),
                            sim.node);
            }
            moveTo(Stage::BackOff);
            writePod(key, sim);
        }
        stayActive();
        return;
    }
    case Stage::BackOff: {
        const int restarts = sim.main.isEmpty() ? 0 : sim.main.first().restarts;
        if (!exits(behaviour) || sim.ticks >= std::min(2 + restarts, 6)) {
            for (ContainerSim &c : sim.main)
                restartContainer(pod, sim, c);
            moveTo(Stage::NotReady);
            writePod(key, sim);
        }
        stayActive();
        return;
    }
    case Stage::Unschedulable:
    case Stage::Done:
    case Stage::Terminating:
        return;
    }
}

QJsonObject KubeController::podStatus(const PodSim &sim) const
{
    auto time = [](qint64 ms) {
        return QJsonValue(kubetime::format(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)));
    };
    QJsonObject status{{QStringLiteral("phase"), sim.phase}};
    QJsonArray conditions;
    auto condition = [&](const char *type, const Condition &c) {
        if (!c.set)
            return;
        QJsonObject o{{QStringLiteral("type"), QLatin1String(type)},
                      {QStringLiteral("status"),
                       c.status ? QStringLiteral("True") : QStringLiteral("False")},
                      {QStringLiteral("lastProbeTime"), QJsonValue::Null},
                      {QStringLiteral("lastTransitionTime"), time(c.sinceMs)}};
        if (!c.reason.isEmpty())
            o.insert(QStringLiteral("reason"), c.reason);
        if (!c.message.isEmpty())
            o.insert(QStringLiteral("message"), c.message);
        conditions.append(o);
    };
    condition("PodReadyToStartContainers", sim.readyToStart);
    condition("Initialized", sim.initialized);
    condition("Ready", sim.ready);
    condition("ContainersReady", sim.containersReady);
    condition("PodScheduled", sim.scheduled);
    if (!conditions.isEmpty())
        status.insert(QStringLiteral("conditions"), conditions);
    if (!sim.hostIP.isEmpty()) {
        status.insert(QStringLiteral("hostIP"), sim.hostIP);
        status.insert(QStringLiteral("hostIPs"),
                      QJsonArray{QJsonObject{{QStringLiteral("ip"), sim.hostIP}}});
    }
    if (!sim.podIP.isEmpty()) {
        status.insert(QStringLiteral("podIP"), sim.podIP);
        status.insert(QStringLiteral("podIPs"),
                      QJsonArray{QJsonObject{{QStringLiteral("ip"), sim.podIP}}});
    }
    if (sim.startTimeMs > 0)
        status.insert(QStringLiteral("startTime"), time(sim.startTimeMs));
    status.insert(QStringLiteral("qosClass"),
                  sim.qosBurstable ? QStringLiteral("Burstable") : QStringLiteral("BestEffort"));
    if (sim.node.isEmpty())
        return status;
    auto containerStatus = [&](const ContainerSim &c) {
        QJsonObject state;
        switch (c.state) {
        case ContainerSim::State::Waiting: {
            QJsonObject waiting{{QStringLiteral("reason"), c.reason}};
            if (!c.message.isEmpty())
                waiting.insert(QStringLiteral("message"), c.message);
            state.insert(QStringLiteral("waiting"), waiting);
            break;
        }
        case ContainerSim::State::Running:
            state.insert(QStringLiteral("running"),
                         QJsonObject{{QStringLiteral("startedAt"), time(c.startedMs)}});
            break;
        case ContainerSim::State::Terminated:
            state.insert(QStringLiteral("terminated"),
                         QJsonObject{{QStringLiteral("exitCode"), c.exitCode},
                                     {QStringLiteral("reason"), c.reason},
                                     {QStringLiteral("startedAt"), time(c.startedMs)},
                                     {QStringLiteral("finishedAt"), time(c.finishedMs)},
                                     {QStringLiteral("containerID"), c.containerId}});
            break;
        }
        QJsonObject last;
        if (c.hasLast) {
            last.insert(QStringLiteral("terminated"),
                        QJsonObject{{QStringLiteral("exitCode"), c.lastExitCode},
                                    {QStringLiteral("reason"), c.lastReason},
                                    {QStringLiteral("startedAt"), time(c.lastStartedMs)},
                                    {QStringLiteral("finishedAt"), time(c.lastFinishedMs)},
                                    {QStringLiteral("containerID"), c.containerId}});
        }
        QJsonObject o{{QStringLiteral("name"), c.name},
                      {QStringLiteral("state"), state},
                      {QStringLiteral("lastState"), last},
                      {QStringLiteral("ready"), c.ready},
                      {QStringLiteral("restartCount"), c.restarts},
                      {QStringLiteral("image"), c.image},
                      {QStringLiteral("imageID"),
                       c.containerId.isEmpty()
                           ? QString()
                           : c.image.section(QLatin1Char(':'), 0, 0) + QStringLiteral("@sha256:")
                                 + QString::number(qHash(c.image), 16)
                                       .rightJustified(64, QLatin1Char('0'))},
                      {QStringLiteral("started"), c.started}};
        if (!c.containerId.isEmpty())
            o.insert(QStringLiteral("containerID"), c.containerId);
        return o;
    };
    QJsonArray init;
    for (const ContainerSim &c : sim.init)
        init.append(containerStatus(c));
    if (!init.isEmpty())
        status.insert(QStringLiteral("initContainerStatuses"), init);
    QJsonArray main;
    for (const ContainerSim &c : sim.main)
        main.append(containerStatus(c));
    status.insert(QStringLiteral("containerStatuses"), main);
    return status;
}

void KubeController::writePod(const QString &key, const PodSim &sim)
{
    QJsonObject pod = m_store.get(KubeResource::Pods, key);
    if (pod.isEmpty())
        return;
    QJsonObject spec = pod.value(QLatin1String("spec")).toObject();
    if (!sim.node.isEmpty() && spec.value(QLatin1String("nodeName")).toString() != sim.node) {
        spec.insert(QStringLiteral("nodeName"), sim.node);
        pod.insert(QStringLiteral("spec"), spec);
    }
    pod.insert(QStringLiteral("status"), podStatus(sim));
    m_store.update(KubeResource::Pods, pod);
}

// --- ReplicaSets and Deployments -------------------------------------------------------------

KubeController::Counts KubeController::counts(const QString &replicaSetKey) const
{
    return m_replicaSetCounts.value(replicaSetKey);
}

QJsonObject KubeController::newPodFor(const QJsonObject &replicaSet)
{
    const QJsonObject podTemplate = replicaSet.value(QLatin1String("spec"))
                                        .toObject()
                                        .value(QLatin1String("template"))
                                        .toObject();
    QJsonObject templateMeta = podTemplate.value(QLatin1String("metadata")).toObject();
    QString name;
    do {
        name = nameOf(replicaSet) + QLatin1Char('-') + randomSuffix(5);
    } while (m_store.contains(KubeResource::Pods, KubeStore::key(nsOf(replicaSet), name)));
    QJsonObject podMeta{{QStringLiteral("name"), name},
                        {QStringLiteral("generateName"),
                         QString(nameOf(replicaSet) + QLatin1Char('-'))},
                        {QStringLiteral("namespace"), nsOf(replicaSet)},
                        {QStringLiteral("labels"), templateMeta.value(QLatin1String("labels"))},
                        {QStringLiteral("ownerReferences"),
                         QJsonArray{ownerReference(replicaSet,
                                                   QStringLiteral("apps/v1"),
                                                   QStringLiteral("ReplicaSet"))}}};
    if (templateMeta.contains(QLatin1String("annotations")))
        podMeta.insert(QStringLiteral("annotations"),
                       templateMeta.value(QLatin1String("annotations")));
    QJsonObject spec = defaultedPodSpec(podTemplate.value(QLatin1String("spec")).toObject());
    spec.insert(QStringLiteral("serviceAccountName"), QStringLiteral("default"));
    spec.insert(QStringLiteral("serviceAccount"), QStringLiteral("default"));
    spec.insert(QStringLiteral("enableServiceLinks"), true);
    spec.insert(QStringLiteral("preemptionPolicy"), QStringLiteral("PreemptLowerPriority"));
    spec.insert(QStringLiteral("priority"), 0);
    return {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("kind"), QStringLiteral("Pod")},
            {QStringLiteral("metadata"), podMeta},
            {QStringLiteral("spec"), spec},
            {QStringLiteral("status"),
             QJsonObject{{QStringLiteral("phase"), QStringLiteral("Pending")},
                         {QStringLiteral("qosClass"), QStringLiteral("BestEffort")}}}};
}

void KubeController::syncReplicaSet(const QString &key)
{
    const QJsonObject rs = m_store.get(KubeResource::ReplicaSets, key);
    if (rs.isEmpty())
        return;
    const int desired
        = rs.value(QLatin1String("spec")).toObject().value(QLatin1String("replicas")).toInt(1);
    const int current = counts(key).replicas;
    const int burst = m_seeding ? 100000 : kBurst;
    int events = 0;
    if (current < desired) {
        const int create = std::min(desired - current, burst);
        for (int i = 0; i < create; ++i) {
            const QJsonObject pod = m_store.create(KubeResource::Pods, newPodFor(rs));
            if (events++ < kEventsPerSyncLimit) {
                recordEvent(rs,
                            QString(),
                            QStringLiteral("Normal"),
                            QStringLiteral("SuccessfulCreate"),
                            QStringLiteral("Created pod: %1").arg(nameOf(pod)),
                            QStringLiteral("replicaset-controller"));
            }
        }
    } else if (current > desired) {
        QList<QJsonObject> active;
        for (const QString &podKey : m_podsByReplicaSet.value(key)) {
            if (m_podFlags.value(podKey).counted)
                active.append(m_store.get(KubeResource::Pods, podKey));
        }
        // ActivePodsWithRanks: unscheduled, then pending, then not ready, then the youngest go first.
        auto rank = [](const QJsonObject &pod) {
            const QJsonObject status = pod.value(QLatin1String("status")).toObject();
            const bool scheduled = !pod.value(QLatin1String("spec"))
                                        .toObject()
                                        .value(QLatin1String("nodeName"))
                                        .toString()
                                        .isEmpty();
            const bool running = status.value(QLatin1String("phase")).toString()
                                 == QLatin1String("Running");
            return std::make_tuple(scheduled,
                                   running,
                                   podReady(pod),
                                   // younger first: invert the timestamp order
                                   QString(meta(pod)
                                               .value(QLatin1String("creationTimestamp"))
                                               .toString()));
        };
        std::sort(active.begin(), active.end(), [&](const QJsonObject &a, const QJsonObject &b) {
            const auto ra = rank(a);
            const auto rb = rank(b);
            if (std::get<0>(ra) != std::get<0>(rb))
                return !std::get<0>(ra);
            if (std::get<1>(ra) != std::get<1>(rb))
                return !std::get<1>(ra);
            if (std::get<2>(ra) != std::get<2>(rb))
                return !std::get<2>(ra);
            return std::get<3>(ra) > std::get<3>(rb);
        });
        const int remove = std::min(int(active.size()) - desired, burst);
        for (int i = 0; i < remove; ++i) {
            QJsonObject pod = active.at(i);
            QJsonObject m = meta(pod);
            m.insert(QStringLiteral("deletionTimestamp"), kubetime::format(now()));
            m.insert(QStringLiteral("deletionGracePeriodSeconds"),
                     pod.value(QLatin1String("spec"))
                         .toObject()
                         .value(QLatin1String("terminationGracePeriodSeconds"))
                         .toInt(30));
            pod.insert(QStringLiteral("metadata"), m);
            m_store.update(KubeResource::Pods, pod);
            if (events++ < kEventsPerSyncLimit) {
                recordEvent(rs,
                            QString(),
                            QStringLiteral("Normal"),
                            QStringLiteral("SuccessfulDelete"),
                            QStringLiteral("Deleted pod: %1").arg(nameOf(pod)),
                            QStringLiteral("replicaset-controller"));
            }
        }
    }
}

void KubeController::writeReplicaSetStatus(const QString &key)
{
    QJsonObject rs = m_store.get(KubeResource::ReplicaSets, key);
    if (rs.isEmpty())
        return;
    const Counts c = counts(key);
    rs.insert(QStringLiteral("status"),
              QJsonObject{{QStringLiteral("replicas"), c.replicas},
                          {QStringLiteral("fullyLabeledReplicas"), c.replicas},
                          {QStringLiteral("readyReplicas"), c.ready},
                          {QStringLiteral("availableReplicas"), c.available},
                          {QStringLiteral("observedGeneration"),
                           meta(rs).value(QLatin1String("generation")).toInt(1)}});
    m_store.update(KubeResource::ReplicaSets, rs);
}

void KubeController::scaleReplicaSet(const QJsonObject &deployment,
                                     const QString &rsKey,
                                     int replicas)
{
    QJsonObject rs = m_store.get(KubeResource::ReplicaSets, rsKey);
    QJsonObject spec = rs.value(QLatin1String("spec")).toObject();
    const int old = spec.value(QLatin1String("replicas")).toInt();
    if (old == replicas)
        return;
    spec.insert(QStringLiteral("replicas"), replicas);
    rs.insert(QStringLiteral("spec"), spec);
    QJsonObject m = meta(rs);
    QJsonObject annotations = m.value(QLatin1String("annotations")).toObject();
    const int desired = deployment.value(QLatin1String("spec"))
                            .toObject()
                            .value(QLatin1String("replicas"))
                            .toInt(1);
    annotations.insert(QStringLiteral("deployment.kubernetes.io/desired-replicas"),
                       QString::number(desired));
    m.insert(QStringLiteral("annotations"), annotations);
    m.insert(QStringLiteral("generation"), m.value(QLatin1String("generation")).toInt(1) + 1);
    rs.insert(QStringLiteral("metadata"), m);
    m_store.update(KubeResource::ReplicaSets, rs);
    recordEvent(deployment,
                QString(),
                QStringLiteral("Normal"),
                QStringLiteral("ScalingReplicaSet"),
                QStringLiteral("Scaled %1 replica set %2 from %3 to %4")
                    .arg(replicas > old ? QStringLiteral("up") : QStringLiteral("down"), nameOf(rs))
                    .arg(old)
                    .arg(replicas),
                QStringLiteral("deployment-controller"));
}

void KubeController::syncDeployment(const QString &key)
{
    QJsonObject deployment = m_store.get(KubeResource::Deployments, key);
    if (deployment.isEmpty())
        return;
    DeploymentSim &dsim = m_deployments[key];
    dsim.createdNewReplicaSet = false;
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    const int replicas = spec.value(QLatin1String("replicas")).toInt(1);
    const bool paused = spec.value(QLatin1String("paused")).toBool();
    const QJsonObject podTemplate = spec.value(QLatin1String("template")).toObject();
    const QString hash = templateHash(podTemplate);

    QString newKey;
    QList<QJsonObject> replicaSets;
    int maxRevision = 0;
    for (const QString &rsKey : m_replicaSetsByDeployment.value(key)) {
        const QJsonObject rs = m_store.get(KubeResource::ReplicaSets, rsKey);
        if (rs.isEmpty())
            continue;
        replicaSets.append(rs);
        maxRevision = std::max(maxRevision, annotation(rs, kRevision).toInt());
        if (meta(rs).value(QLatin1String("labels")).toObject().value(kHashLabel).toString() == hash)
            newKey = rsKey;
    }
    std::sort(replicaSets.begin(),
              replicaSets.end(),
              [](const QJsonObject &a, const QJsonObject &b) {
                  return meta(a).value(QLatin1String("creationTimestamp")).toString()
                         < meta(b).value(QLatin1String("creationTimestamp")).toString();
              });

    if (newKey.isEmpty() && paused) {
        // A paused deployment does not roll out; only scaling reaches its newest ReplicaSet.
        if (!replicaSets.isEmpty())
            scaleReplicaSet(deployment, KubeStore::keyOf(replicaSets.last()), replicas);
        return;
    }
    QJsonObject m = meta(deployment);
    if (newKey.isEmpty()) {
        QJsonObject rsTemplate = podTemplate;
        QJsonObject templateMeta = rsTemplate.value(QLatin1String("metadata")).toObject();
        QJsonObject labels = templateMeta.value(QLatin1String("labels")).toObject();
        labels.insert(kHashLabel, hash);
        templateMeta.insert(QStringLiteral("labels"), labels);
        rsTemplate.insert(QStringLiteral("metadata"), templateMeta);
        QJsonObject selector = spec.value(QLatin1String("selector")).toObject();
        QJsonObject matchLabels = selector.value(QLatin1String("matchLabels")).toObject();
        matchLabels.insert(kHashLabel, hash);
        selector.insert(QStringLiteral("matchLabels"), matchLabels);
        const int revision = maxRevision + 1;
        const int maxSurge = resolveIntOrPercent(spec.value(QLatin1String("strategy"))
                                                     .toObject()
                                                     .value(QLatin1String("rollingUpdate"))
                                                     .toObject()
                                                     .value(QLatin1String("maxSurge")),
                                                 replicas,
                                                 true,
                                                 0);
        QJsonObject rs{
            {QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
            {QStringLiteral("kind"), QStringLiteral("ReplicaSet")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"),
                          QString(nameOf(deployment) + QLatin1Char('-') + hash)},
                         {QStringLiteral("namespace"), nsOf(deployment)},
                         {QStringLiteral("labels"), labels},
                         {QStringLiteral("generation"), 1},
                         {QStringLiteral("annotations"),
                          QJsonObject{{kRevision, QString::number(revision)},
                                      {QStringLiteral("deployment.kubernetes.io/desired-replicas"),
                                       QString::number(replicas)},
                                      {QStringLiteral("deployment.kubernetes.io/max-replicas"),
                                       QString::number(replicas + maxSurge)}}},
                         {QStringLiteral("ownerReferences"),
                          QJsonArray{ownerReference(deployment,
                                                    QStringLiteral("apps/v1"),
                                                    QStringLiteral("Deployment"))}}}},
            {QStringLiteral("spec"),
             QJsonObject{{QStringLiteral("replicas"), 0},
                         {QStringLiteral("selector"), selector},
                         {QStringLiteral("template"), rsTemplate}}},
            {QStringLiteral("status"), QJsonObject{{QStringLiteral("replicas"), 0}}}};
        newKey = KubeStore::keyOf(m_store.create(KubeResource::ReplicaSets, rs));
        dsim.createdNewReplicaSet = true;
        dsim.lastProgressMs = nowMs();
        QJsonObject annotations = m.value(QLatin1String("annotations")).toObject();
        annotations.insert(kRevision, QString::number(revision));
        m.insert(QStringLiteral("annotations"), annotations);
        deployment.insert(QStringLiteral("metadata"), m);
        deployment = m_store.update(KubeResource::Deployments, deployment);
        replicaSets.append(m_store.get(KubeResource::ReplicaSets, newKey));
    } else {
        QJsonObject rs = m_store.get(KubeResource::ReplicaSets, newKey);
        int revision = annotation(rs, kRevision).toInt();
        // An older template again (rollout undo): its ReplicaSet becomes the newest revision.
        if (revision < maxRevision) {
            revision = maxRevision + 1;
            QJsonObject rsMeta = meta(rs);
            QJsonObject annotations = rsMeta.value(QLatin1String("annotations")).toObject();
            annotations.insert(kRevision, QString::number(revision));
            rsMeta.insert(QStringLiteral("annotations"), annotations);
            rs.insert(QStringLiteral("metadata"), rsMeta);
            m_store.update(KubeResource::ReplicaSets, rs);
        }
        if (annotation(deployment, kRevision) != QString::number(revision)) {
            QJsonObject annotations = m.value(QLatin1String("annotations")).toObject();
            annotations.insert(kRevision, QString::number(revision));
            m.insert(QStringLiteral("annotations"), annotations);
            deployment.insert(QStringLiteral("metadata"), m);
            deployment = m_store.update(KubeResource::Deployments, deployment);
        }
    }
    dsim.newReplicaSet = nameOf(m_store.get(KubeResource::ReplicaSets, newKey));
    if (paused)
        return;

    const QJsonObject strategy = spec.value(QLatin1String("strategy")).toObject();
    auto rsReplicas = [this](const QString &rsKey) {
        return m_store.get(KubeResource::ReplicaSets, rsKey)
            .value(QLatin1String("spec"))
            .toObject()
            .value(QLatin1String("replicas"))
            .toInt();
    };
    QList<QString> oldKeys;
    for (const QJsonObject &rs : replicaSets) {
        const QString rsKey = KubeStore::keyOf(rs);
        if (rsKey != newKey && rsReplicas(rsKey) > 0)
            oldKeys.append(rsKey);
    }

    if (strategy.value(QLatin1String("type")).toString() == QLatin1String("Recreate")) {
        bool oldPodsLeft = false;
        for (const QString &rsKey : oldKeys) {
            scaleReplicaSet(deployment, rsKey, 0);
            oldPodsLeft = oldPodsLeft || !m_podsByReplicaSet.value(rsKey).isEmpty();
        }
        if (!oldPodsLeft)
            scaleReplicaSet(deployment, newKey, replicas);
        return;
    }
    if (oldKeys.isEmpty()) {
        scaleReplicaSet(deployment, newKey, replicas);
    } else {
        const QJsonObject rolling = strategy.value(QLatin1String("rollingUpdate")).toObject();
        const int maxSurge
            = resolveIntOrPercent(rolling.value(QLatin1String("maxSurge")), replicas, true, 1);
        int maxUnavailable = resolveIntOrPercent(rolling.value(QLatin1String("maxUnavailable")),
                                                 replicas,
                                                 false,
                                                 0);
        if (maxSurge == 0 && maxUnavailable == 0)
            maxUnavailable = 1;
        // Scale the new ReplicaSet up within maxSurge (NewRSNewReplicas).
        int current = 0;
        for (const QJsonObject &rs : replicaSets)
            current += rsReplicas(KubeStore::keyOf(rs));
        const int maxTotal = replicas + maxSurge;
        if (current < maxTotal) {
            const int wanted = std::min(rsReplicas(newKey) + maxTotal - current, replicas);
            if (wanted > rsReplicas(newKey))
                scaleReplicaSet(deployment, newKey, wanted);
        }
        // Scale old ones down as far as availability allows (reconcileOldReplicaSets).
        int all = 0;
        for (const QJsonObject &rs : replicaSets)
            all += rsReplicas(KubeStore::keyOf(rs));
        const int minAvailable = replicas - maxUnavailable;
        const int newUnavailable = rsReplicas(newKey) - counts(newKey).available;
        int budget = all - minAvailable - newUnavailable;
        // Old pods that are not available can go without lowering availability.
        for (const QString &rsKey : oldKeys) {
            const Counts c = counts(rsKey);
            const int unhealthy = std::max(0, rsReplicas(rsKey) - c.available);
            if (unhealthy > 0 && budget > 0) {
                const int cut = std::min(unhealthy, budget);
                scaleReplicaSet(deployment, rsKey, rsReplicas(rsKey) - cut);
                budget -= cut;
            }
        }
        for (const QString &rsKey : oldKeys) {
            if (budget <= 0)
                break;
            const int cut = std::min(rsReplicas(rsKey), budget);
            if (cut > 0) {
                scaleReplicaSet(deployment, rsKey, rsReplicas(rsKey) - cut);
                budget -= cut;
            }
        }
    }
    // revisionHistoryLimit: old, empty ReplicaSets beyond it are deleted, oldest first.
    const int limit = spec.value(QLatin1String("revisionHistoryLimit")).toInt(10);
    QList<QJsonObject> empty;
    for (const QJsonObject &rs : replicaSets) {
        const QString rsKey = KubeStore::keyOf(rs);
        if (rsKey != newKey && rsReplicas(rsKey) == 0 && m_podsByReplicaSet.value(rsKey).isEmpty())
            empty.append(rs);
    }
    for (qsizetype i = 0; i + limit < empty.size(); ++i)
        m_store.remove(KubeResource::ReplicaSets, KubeStore::keyOf(empty.at(i)));
}

void KubeController::writeDeploymentStatus(const QString &key)
{
    QJsonObject deployment = m_store.get(KubeResource::Deployments, key);
    if (deployment.isEmpty())
        return;
    DeploymentSim &dsim = m_deployments[key];
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    const int desired = spec.value(QLatin1String("replicas")).toInt(1);
    const QString newKey = KubeStore::key(nsOf(deployment), dsim.newReplicaSet);
    int replicas = 0;
    int ready = 0;
    int available = 0;
    for (const QString &rsKey : m_replicaSetsByDeployment.value(key)) {
        const Counts c = counts(rsKey);
        replicas += c.replicas;
        ready += c.ready;
        available += c.available;
    }
    const int updated = dsim.newReplicaSet.isEmpty() ? 0 : counts(newKey).replicas;
    const QJsonObject rolling = spec.value(QLatin1String("strategy"))
                                    .toObject()
                                    .value(QLatin1String("rollingUpdate"))
                                    .toObject();
    const int maxUnavailable
        = resolveIntOrPercent(rolling.value(QLatin1String("maxUnavailable")), desired, false, 0);

    QJsonObject status = deployment.value(QLatin1String("status")).toObject();
    const QJsonObject countsNow{{QStringLiteral("u"), updated},
                                {QStringLiteral("r"), ready},
                                {QStringLiteral("a"), available},
                                {QStringLiteral("t"), replicas}};
    const bool progressed = countsNow != dsim.lastCounts;
    if (progressed) {
        dsim.lastCounts = countsNow;
        dsim.lastProgressMs = nowMs();
    }
    const bool complete = updated == desired && replicas == updated && available == updated;

    QJsonArray oldConditions = status.value(QLatin1String("conditions")).toArray();
    auto previous = [&](const QString &type) {
        for (const QJsonValue &c : oldConditions) {
            if (c.toObject().value(QLatin1String("type")).toString() == type)
                return c.toObject();
        }
        return QJsonObject();
    };
    const QString nowText = kubetime::format(now());
    auto condition = [&](const QString &type,
                         const QString &value,
                         const QString &reason,
                         const QString &message) {
        const QJsonObject old = previous(type);
        QJsonObject c{{QStringLiteral("type"), type},
                      {QStringLiteral("status"), value},
                      {QStringLiteral("reason"), reason},
                      {QStringLiteral("message"), message},
                      {QStringLiteral("lastUpdateTime"), nowText},
                      {QStringLiteral("lastTransitionTime"), nowText}};
        if (old.value(QLatin1String("status")).toString() == value)
            c.insert(QStringLiteral("lastTransitionTime"),
                     old.value(QLatin1String("lastTransitionTime")));
        if (old.value(QLatin1String("status")).toString() == value
            && old.value(QLatin1String("reason")).toString() == reason
            && old.value(QLatin1String("message")).toString() == message) {
            c.insert(QStringLiteral("lastUpdateTime"), old.value(QLatin1String("lastUpdateTime")));
        }
        return c;
    };
    QJsonArray conditions;
    if (available >= desired - maxUnavailable)
        conditions.append(condition(QStringLiteral("Available"),
                                    QStringLiteral("True"),
                                    QStringLiteral("MinimumReplicasAvailable"),
                                    QStringLiteral("Deployment has minimum availability.")));
    else
        conditions.append(
            condition(QStringLiteral("Available"),
                      QStringLiteral("False"),
                      QStringLiteral("MinimumReplicasUnavailable"),
                      QStringLiteral("Deployment does not have minimum availability.")));
    const QString rsName = dsim.newReplicaSet;
    const QJsonObject oldProgressing = previous(QStringLiteral("Progressing"));
    const int deadline = spec.value(QLatin1String("progressDeadlineSeconds")).toInt(600);
    if (spec.value(QLatin1String("paused")).toBool()) {
        conditions.append(condition(QStringLiteral("Progressing"),
                                    QStringLiteral("Unknown"),
                                    QStringLiteral("DeploymentPaused"),
                                    QStringLiteral("Deployment is paused")));
    } else if (complete) {
        conditions.append(
            condition(QStringLiteral("Progressing"),
                      QStringLiteral("True"),
                      QStringLiteral("NewReplicaSetAvailable"),
                      QStringLiteral("ReplicaSet \"%1\" has successfully progressed.").arg(rsName)));
    } else if (dsim.createdNewReplicaSet) {
        conditions.append(condition(QStringLiteral("Progressing"),
                                    QStringLiteral("True"),
                                    QStringLiteral("NewReplicaSetCreated"),
                                    QStringLiteral("Created new replica set \"%1\"").arg(rsName)));
    } else if (nowMs() - dsim.lastProgressMs > qint64(deadline) * 1000) {
        conditions.append(
            condition(QStringLiteral("Progressing"),
                      QStringLiteral("False"),
                      QStringLiteral("ProgressDeadlineExceeded"),
                      QStringLiteral("ReplicaSet \"%1\" has timed out progressing.").arg(rsName)));
    } else if (progressed || oldProgressing.isEmpty()
               || oldProgressing.value(QLatin1String("reason")).toString()
                      == QLatin1String("NewReplicaSetAvailable")
               || oldProgressing.value(QLatin1String("reason")).toString()
                      == QLatin1String("ProgressDeadlineExceeded")) {
        QJsonObject c = condition(QStringLiteral("Progressing"),
                                  QStringLiteral("True"),
                                  QStringLiteral("ReplicaSetUpdated"),
                                  QStringLiteral("ReplicaSet \"%1\" is progressing.").arg(rsName));
        c.insert(QStringLiteral("lastUpdateTime"), nowText);
        conditions.append(c);
    } else {
        conditions.append(oldProgressing);
    }

    QJsonObject next{{QStringLiteral("observedGeneration"),
                      meta(deployment).value(QLatin1String("generation")).toInt(1)},
                     {QStringLiteral("replicas"), replicas},
                     {QStringLiteral("updatedReplicas"), updated},
                     {QStringLiteral("readyReplicas"), ready},
                     {QStringLiteral("availableReplicas"), available},
                     {QStringLiteral("conditions"), conditions}};
    if (desired - available > 0)
        next.insert(QStringLiteral("unavailableReplicas"), desired - available);
    // apps/v1 omits zero counts (omitempty).
    for (const char *field : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"}) {
        if (next.value(QLatin1String(field)).toInt() == 0)
            next.remove(QLatin1String(field));
    }
    deployment.insert(QStringLiteral("status"), next);
    m_store.update(KubeResource::Deployments, deployment);
}

// --- events ----------------------------------------------------------------------------------

void KubeController::recordEvent(const QJsonObject &involved,
                                 const QString &fieldPath,
                                 const QString &type,
                                 const QString &reason,
                                 const QString &message,
                                 const QString &component,
                                 const QString &host)
{
    const QJsonObject m = meta(involved);
    const QString uid = m.value(QLatin1String("uid")).toString();
    const QString dedup = uid + QLatin1Char('\n') + fieldPath + QLatin1Char('\n') + reason
                          + QLatin1Char('\n') + message;
    const QString nowText = kubetime::format(now());
    // The event correlator: the same event again raises the count of the one recorded.
    if (const QString existing = m_eventKeys.value(dedup); !existing.isEmpty()) {
        QJsonObject event = m_store.get(KubeResource::Events, existing);
        if (!event.isEmpty()) {
            event.insert(QStringLiteral("count"), event.value(QLatin1String("count")).toInt(1) + 1);
            event.insert(QStringLiteral("lastTimestamp"), nowText);
            m_store.update(KubeResource::Events, event);
            return;
        }
    }
    QString kind = involved.value(QLatin1String("kind")).toString();
    QString apiVersion = involved.value(QLatin1String("apiVersion")).toString();
    QJsonObject involvedObject{{QStringLiteral("kind"), kind},
                               {QStringLiteral("namespace"), m.value(QLatin1String("namespace"))},
                               {QStringLiteral("name"), m.value(QLatin1String("name"))},
                               {QStringLiteral("uid"), uid},
                               {QStringLiteral("apiVersion"), apiVersion},
                               {QStringLiteral("resourceVersion"),
                                m.value(QLatin1String("resourceVersion"))}};
    if (!fieldPath.isEmpty())
        involvedObject.insert(QStringLiteral("fieldPath"), fieldPath);
    QJsonObject source{{QStringLiteral("component"), component}};
    if (!host.isEmpty())
        source.insert(QStringLiteral("host"), host);
    const QString name = QStringLiteral("%1.%2")
                             .arg(m.value(QLatin1String("name")).toString())
                             .arg(nowMs() * 1000 + QRandomGenerator::global()->bounded(1000), 0, 16);
    const QJsonObject event{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                            {QStringLiteral("kind"), QStringLiteral("Event")},
                            {QStringLiteral("metadata"),
                             QJsonObject{{QStringLiteral("name"), name},
                                         {QStringLiteral("namespace"),
                                          m.value(QLatin1String("namespace"))},
                                         {QStringLiteral("creationTimestamp"), nowText}}},
                            {QStringLiteral("involvedObject"), involvedObject},
                            {QStringLiteral("reason"), reason},
                            {QStringLiteral("message"), message},
                            {QStringLiteral("source"), source},
                            {QStringLiteral("firstTimestamp"), nowText},
                            {QStringLiteral("lastTimestamp"), nowText},
                            {QStringLiteral("count"), 1},
                            {QStringLiteral("type"), type},
                            {QStringLiteral("eventTime"), QJsonValue::Null},
                            {QStringLiteral("reportingComponent"), component},
                            {QStringLiteral("reportingInstance"), host}};
    const QString key = KubeStore::keyOf(m_store.create(KubeResource::Events, event));
    m_eventKeys.insert(dedup, key);
    m_eventOrder.append(key);
    // Old events expire (kube-apiserver's --event-ttl); here the oldest go past a count.
    while (m_eventOrder.size() > kMaxEvents) {
        const QString oldest = m_eventOrder.takeFirst();
        m_store.remove(KubeResource::Events, oldest);
    }
    if (m_eventKeys.size() > kMaxEvents * 2) {
        for (auto it = m_eventKeys.begin(); it != m_eventKeys.end();) {
            if (!m_store.contains(KubeResource::Events, it.value()))
                it = m_eventKeys.erase(it);
            else
                ++it;
        }
    }
}

// --- API helpers -------------------------------------------------------------------------------

QJsonObject KubeController::defaultedPod(QJsonObject pod) const
{
    pod.insert(QStringLiteral("apiVersion"), QStringLiteral("v1"));
    pod.insert(QStringLiteral("kind"), QStringLiteral("Pod"));
    QJsonObject spec = defaultedPodSpec(pod.value(QLatin1String("spec")).toObject());
    if (!spec.contains(QLatin1String("serviceAccountName")))
        spec.insert(QStringLiteral("serviceAccountName"), QStringLiteral("default"));
    pod.insert(QStringLiteral("spec"), spec);
    pod.insert(QStringLiteral("status"),
               QJsonObject{{QStringLiteral("phase"), QStringLiteral("Pending")},
                           {QStringLiteral("qosClass"), QStringLiteral("BestEffort")}});
    return pod;
}

QJsonObject KubeController::defaultedDeployment(QJsonObject deployment) const
{
    deployment.insert(QStringLiteral("apiVersion"), QStringLiteral("apps/v1"));
    deployment.insert(QStringLiteral("kind"), QStringLiteral("Deployment"));
    QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    if (!spec.contains(QLatin1String("replicas")))
        spec.insert(QStringLiteral("replicas"), 1);
    QJsonObject strategy = spec.value(QLatin1String("strategy")).toObject();
    if (strategy.value(QLatin1String("type")).toString().isEmpty())
        strategy.insert(QStringLiteral("type"), QStringLiteral("RollingUpdate"));
    if (strategy.value(QLatin1String("type")).toString() == QLatin1String("RollingUpdate")) {
        QJsonObject rolling = strategy.value(QLatin1String("rollingUpdate")).toObject();
        if (!rolling.contains(QLatin1String("maxUnavailable")))
            rolling.insert(QStringLiteral("maxUnavailable"), QStringLiteral("25%"));
        if (!rolling.contains(QLatin1String("maxSurge")))
            rolling.insert(QStringLiteral("maxSurge"), QStringLiteral("25%"));
        strategy.insert(QStringLiteral("rollingUpdate"), rolling);
    }
    spec.insert(QStringLiteral("strategy"), strategy);
    if (!spec.contains(QLatin1String("revisionHistoryLimit")))
        spec.insert(QStringLiteral("revisionHistoryLimit"), 10);
    if (!spec.contains(QLatin1String("progressDeadlineSeconds")))
        spec.insert(QStringLiteral("progressDeadlineSeconds"), 600);
    QJsonObject podTemplate = spec.value(QLatin1String("template")).toObject();
    podTemplate.insert(QStringLiteral("spec"),
                       defaultedPodSpec(podTemplate.value(QLatin1String("spec")).toObject()));
    spec.insert(QStringLiteral("template"), podTemplate);
    deployment.insert(QStringLiteral("spec"), spec);
    QJsonObject m = meta(deployment);
    m.insert(QStringLiteral("generation"), 1);
    deployment.insert(QStringLiteral("metadata"), m);
    deployment.insert(QStringLiteral("status"), QJsonObject());
    return deployment;
}

std::optional<KubeController::LogTarget> KubeController::logTarget(const QString &podKey,
                                                                   const QString &container) const
{
    const auto it = m_pods.constFind(podKey);
    if (it == m_pods.cend())
        return std::nullopt;
    const PodSim &sim = it.value();
    for (const QList<ContainerSim> *list : {&sim.main, &sim.init}) {
        for (const ContainerSim &c : *list) {
            if (c.name != container)
                continue;
            LogTarget t;
            t.flavour = list == &sim.init ? QStringLiteral("init") : sim.flavour;
            t.podIP = sim.podIP;
            t.started = c.run.startedMs > 0;
            t.waitingReason = c.state == ContainerSim::State::Waiting ? c.reason : QString();
            t.current = c.run;
            t.previous = c.previousRun;
            return t;
        }
    }
    return std::nullopt;
}

} // namespace ragdr::sandbox
