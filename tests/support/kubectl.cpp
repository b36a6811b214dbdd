#include "kubectl.h"

#include "wait.h"
#include "testsandbox.h"

#include "core/cluster/kubeconfigloader.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>

namespace ragdr::test {

const QString kNamespace = QStringLiteral("rag-prod");
const QString kImage = QStringLiteral("europe-docker.pkg.dev/rag-prod/rag/rag-api:1.8.2");

QString Kubectl::program()
{
    return QStandardPaths::findExecutable(QStringLiteral("kubectl"));
}

const char *Kubectl::missingMessage()
{
    return "kubectl is missing. These tests run the real kubectl (v1.32) against the drill's "
           "simulated API servers. Install it from Google Cloud's apt repository (deb "
           "https://packages.cloud.google.com/apt cloud-sdk main; apt-get install kubectl), with "
           "`gcloud components install kubectl`, or put a kubectl v1.32 binary on PATH.";
}

Kubectl::Kubectl(QString kubeconfig, QString cacheDir, QString context)
    : m_kubeconfig(std::move(kubeconfig))
    , m_cacheDir(std::move(cacheDir))
    , m_context(std::move(context))
{}

Kubectl Kubectl::withContext(const QString &context) const
{
    return Kubectl(m_kubeconfig, m_cacheDir, context);
}

QStringList Kubectl::arguments(const QStringList &args) const
{
    return QStringList{QStringLiteral("--kubeconfig"),
                       m_kubeconfig,
                       QStringLiteral("--context"),
                       m_context,
                       QStringLiteral("-n"),
                       kNamespace,
                       QStringLiteral("--cache-dir"),
                       m_cacheDir}
           + args;
}

KubectlRun Kubectl::run(const QStringList &args, const QByteArray &input, int timeoutMs) const
{
    QProcess p;
    p.start(program(), arguments(args));
    if (!p.waitForStarted(10000))
        return {-1, QString(), QStringLiteral("cannot start kubectl: ") + p.errorString()};
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

std::unique_ptr<QProcess> Kubectl::start(const QStringList &args) const
{
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::MergedChannels);
    p->start(program(), arguments(args));
    p->waitForStarted(10000);
    return p;
}

QStringList readLinesUntil(QProcess &p,
                           const std::function<bool(const QStringList &)> &enough,
                           int timeoutMs)
{
    QStringList lines;
    QByteArray pending;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs && !enough(lines)) {
        p.waitForReadyRead(200);
        pending += p.readAll();
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            lines.append(QString::fromUtf8(pending.left(nl)));
            pending.remove(0, nl + 1);
        }
        if (p.state() == QProcess::NotRunning && p.bytesAvailable() == 0)
            break;
    }
    return lines;
}

void stop(QProcess &p)
{
    p.kill();
    p.waitForFinished(5000);
}

bool waitUntil(const std::function<bool()> &condition, int timeoutMs)
{
    return waitUntil(condition,
                     std::chrono::milliseconds(timeoutMs),
                     std::chrono::milliseconds(300));
}

QList<QStringList> rows(const QString &out)
{
    static const QRegularExpression columns(QStringLiteral("\\s{2,}"));
    QList<QStringList> r;
    for (const QString &line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        r.append(line.trimmed().split(columns));
    return r;
}

DeploymentCleanup::DeploymentCleanup(Kubectl kubectl, QString name)
    : m_kubectl(std::move(kubectl))
    , m_name(std::move(name))
{}

DeploymentCleanup::~DeploymentCleanup()
{
    m_kubectl.run({QStringLiteral("delete"),
                   QStringLiteral("deployment"),
                   m_name,
                   QStringLiteral("--wait=false")});
}

SandboxContext sandboxContext(const QString &context)
{
    auto config = core::KubeconfigLoader::load(core::KubeconfigSearch::fromEnvironment(
        TestSandbox::shared().environment().kubeconfigPath()));
    if (!config)
        return {};
    const core::KubeContext ctx = config->contexts.value(context);
    const core::KubeCluster cluster = config->clusters.value(ctx.cluster);
    return {cluster.server, cluster.certificateAuthorityData, config->users.value(ctx.user).token};
}

QString uniqueName(const QString &what)
{
    return QStringLiteral("kt-%1-%2")
        .arg(what)
        .arg(QRandomGenerator::global()->bounded(1000000), 6, 10, QLatin1Char('0'));
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject deploymentJson(const QString &name,
                           int replicas,
                           const QJsonObject &templateAnnotations,
                           int progressDeadline)
{
    const QJsonObject labels{{QStringLiteral("app"), name}};
    QJsonObject templateMeta{{QStringLiteral("labels"), labels}};
    if (!templateAnnotations.isEmpty())
        templateMeta.insert(QStringLiteral("annotations"), templateAnnotations);
    return {{QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
            {QStringLiteral("kind"), QStringLiteral("Deployment")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("labels"), labels}}},
            {QStringLiteral("spec"),
             QJsonObject{
                 {QStringLiteral("replicas"), replicas},
                 {QStringLiteral("progressDeadlineSeconds"), progressDeadline},
                 {QStringLiteral("selector"), QJsonObject{{QStringLiteral("matchLabels"), labels}}},
                 {QStringLiteral("strategy"),
                  QJsonObject{{QStringLiteral("type"), QStringLiteral("RollingUpdate")},
                              {QStringLiteral("rollingUpdate"),
                               QJsonObject{{QStringLiteral("maxSurge"), QStringLiteral("25%")},
                                           {QStringLiteral("maxUnavailable"), 0}}}}},
                 {QStringLiteral("template"),
                  QJsonObject{{QStringLiteral("metadata"), templateMeta},
                              {QStringLiteral("spec"),
                               QJsonObject{
                                   {QStringLiteral("containers"),
                                    QJsonArray{
                                        QJsonObject{{QStringLiteral("name"), QStringLiteral("api")},
                                                    {QStringLiteral("image"), kImage}}}}}}}}}}};
}

QJsonObject podJson(const QString &name,
                    const QString &label,
                    const QString &simulate,
                    const QString &restartPolicy,
                    bool withInitContainer,
                    const QString &labelKey)
{
    QJsonObject spec{{QStringLiteral("restartPolicy"), restartPolicy},
                     {QStringLiteral("containers"),
                      QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("main")},
                                             {QStringLiteral("image"), kImage}}}}};
    if (withInitContainer) {
        spec.insert(QStringLiteral("initContainers"),
                    QJsonArray{
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("wait-for-db")},
                                    {QStringLiteral("image"), QStringLiteral("busybox:1.36")}}});
    }
    return {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("kind"), QStringLiteral("Pod")},
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), name},
                         {QStringLiteral("labels"), QJsonObject{{labelKey, label}}},
                         {QStringLiteral("annotations"),
                          QJsonObject{{QStringLiteral("sandbox.ragdr.io/simulate"), simulate}}}}},
            {QStringLiteral("spec"), spec}};
}

} // namespace ragdr::test
