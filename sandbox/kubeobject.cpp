#include "kubeobject.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

#include <cmath>

namespace ragdr::sandbox::kubeobject {

namespace {
// kubernetes' rand.SafeEncodeString alphabet: no vowels, no confusable digits.
const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
} // namespace

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

QString resourceVersionOf(const QJsonObject &o)
{
    return meta(o).value(QLatin1String("resourceVersion")).toString();
}

QString annotation(const QJsonObject &o, const QString &name)
{
    return meta(o).value(QLatin1String("annotations")).toObject().value(name).toString();
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

QString randomSuffix(int length)
{
    QString s;
    for (int i = 0; i < length; ++i)
        s.append(QLatin1Char(
            kAlphabet[QRandomGenerator::global()->bounded(int(sizeof(kAlphabet) - 1))]));
    return s;
}

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

} // namespace ragdr::sandbox::kubeobject
