#include "drillservicesconfig.h"

#include "localports.h"

#include "core/base/files.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUrl>

namespace ragdr::sandbox {

namespace {

QString statePath(const QString &dir)
{
    return dir + QStringLiteral("/services.json");
}

} // namespace

QJsonObject DrillServicesConfig::toJson() const
{
    QJsonArray list;
    for (const Api &a : apis)
        list.append(QJsonObject{{QStringLiteral("region"), a.region},
                                {QStringLiteral("context"), a.context},
                                {QStringLiteral("prefix"), a.prefix}});
    return {{QStringLiteral("apiPort"), apiPort},
            {QStringLiteral("apis"), list},
            {QStringLiteral("webhookPort"), webhookPort},
            {QStringLiteral("webhookToken"), webhookToken},
            {QStringLiteral("receivedFile"), receivedFile},
            {QStringLiteral("database"),
             QJsonObject{{QStringLiteral("host"), database.host},
                         {QStringLiteral("port"), database.port},
                         {QStringLiteral("name"), database.name},
                         {QStringLiteral("user"), database.user},
                         {QStringLiteral("sslmode"), database.sslmode},
                         {QStringLiteral("passwordFile"), database.password.location}}}};
}

core::Result<DrillServicesConfig> DrillServicesConfig::fromJson(const QJsonObject &json)
{
    DrillServicesConfig c;
    c.apiPort = quint16(json.value(QLatin1String("apiPort")).toInt());
    for (const QJsonValue &v : json.value(QLatin1String("apis")).toArray()) {
        const QJsonObject a = v.toObject();
        c.apis.append({a.value(QLatin1String("region")).toString(),
                       a.value(QLatin1String("context")).toString(),
                       a.value(QLatin1String("prefix")).toString()});
    }
    c.webhookPort = quint16(json.value(QLatin1String("webhookPort")).toInt());
    c.webhookToken = json.value(QLatin1String("webhookToken")).toString();
    c.receivedFile = json.value(QLatin1String("receivedFile")).toString();
    const QJsonObject db = json.value(QLatin1String("database")).toObject();
    c.database.host = db.value(QLatin1String("host")).toString();
    c.database.port = db.value(QLatin1String("port")).toInt();
    c.database.name = db.value(QLatin1String("name")).toString();
    c.database.user = db.value(QLatin1String("user")).toString();
    c.database.sslmode = db.value(QLatin1String("sslmode")).toString();
    c.database.password = {core::SecretRef::Source::File,
                           db.value(QLatin1String("passwordFile")).toString()};
    if (c.apiPort == 0 || c.webhookPort == 0 || c.webhookToken.isEmpty()
        || c.database.name.isEmpty())
        return core::fail(core::Error::badInput(
            QStringLiteral("the drill's service configuration is incomplete")));
    return c;
}

core::Result<DrillServicesConfig> DrillServicesConfig::ports(const QString &dir, bool keepPorts)
{
    DrillServicesConfig c;
    QFile state(statePath(dir));
    if (state.open(QIODevice::ReadOnly)) {
        const QJsonObject json = QJsonDocument::fromJson(state.readAll()).object();
        c.apiPort = quint16(json.value(QLatin1String("apiPort")).toInt());
        c.webhookPort = quint16(json.value(QLatin1String("webhookPort")).toInt());
        c.webhookToken = json.value(QLatin1String("webhookToken")).toString();
    }
    if (c.webhookToken.isEmpty()) {
        QByteArray bytes(24, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 6);
        c.webhookToken = QString::fromLatin1(
            bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    }
    if (!keepPorts || c.apiPort == 0 || c.webhookPort == 0) {
        if (!LocalPorts::isFree(c.apiPort))
            c.apiPort = LocalPorts::pick();
        if (!LocalPorts::isFree(c.webhookPort) || c.webhookPort == c.apiPort)
            c.webhookPort = LocalPorts::pick();
    }
    if (c.apiPort == 0 || c.webhookPort == 0 || c.apiPort == c.webhookPort)
        return core::fail(core::Error::failed(
            QStringLiteral("no free local port for the drill's simulated RAG API")));
    c.receivedFile = dir + QStringLiteral("/webhooks/received.jsonl");
    return c;
}

core::Status DrillServicesConfig::savePorts(const QString &dir) const
{
    const QJsonObject json{{QStringLiteral("apiPort"), apiPort},
                           {QStringLiteral("webhookPort"), webhookPort},
                           {QStringLiteral("webhookToken"), webhookToken}};
    return core::files::writeAtomically(statePath(dir),
                                        QJsonDocument(json).toJson(),
                                        QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

void DrillServicesConfig::addApisFrom(const core::Profile &profile)
{
    apis.clear();
    for (const core::ServiceEndpoint &e : profile.health.endpoints) {
        const QUrl url(e.url);
        if (url.port() != apiPort)
            continue;
        const core::Region *region = profile.region(e.region);
        apis.append({e.region, region ? region->kube.context : QString(), url.path()});
    }
}

} // namespace ragdr::sandbox
