#include "fieldselector.h"

#include <QStringList>

namespace ragdr::sandbox {

namespace {

// The field labels kube-apiserver supports per resource (pkg/registry/*/strategy.go ToSelectableFields).
QStringList supportedFields(KubeResource resource)
{
    QStringList fields{QStringLiteral("metadata.name"), QStringLiteral("metadata.namespace")};
    switch (resource) {
    case KubeResource::Pods:
        fields << QStringLiteral("spec.nodeName") << QStringLiteral("spec.restartPolicy")
               << QStringLiteral("spec.schedulerName") << QStringLiteral("spec.serviceAccountName")
               << QStringLiteral("spec.hostNetwork") << QStringLiteral("status.phase")
               << QStringLiteral("status.podIP") << QStringLiteral("status.nominatedNodeName");
        break;
    case KubeResource::Events:
        fields << QStringLiteral("involvedObject.kind")
               << QStringLiteral("involvedObject.namespace")
               << QStringLiteral("involvedObject.name") << QStringLiteral("involvedObject.uid")
               << QStringLiteral("involvedObject.apiVersion")
               << QStringLiteral("involvedObject.resourceVersion")
               << QStringLiteral("involvedObject.fieldPath") << QStringLiteral("reason")
               << QStringLiteral("reportingComponent") << QStringLiteral("source")
               << QStringLiteral("type");
        break;
    case KubeResource::ReplicaSets:
        fields << QStringLiteral("status.replicas");
        break;
    case KubeResource::Namespaces:
        fields << QStringLiteral("status.phase");
        break;
    case KubeResource::Secrets:
        fields << QStringLiteral("type");
        break;
    case KubeResource::Deployments:
    case KubeResource::Services:
    case KubeResource::ConfigMaps:
        break;
    }
    return fields;
}

QString fieldValue(const QJsonObject &object, const QString &field)
{
    if (field == QLatin1String("source"))
        return object.value(QLatin1String("source"))
            .toObject()
            .value(QLatin1String("component"))
            .toString();
    QJsonValue v = object;
    for (const QString &part : field.split(QLatin1Char('.')))
        v = v.toObject().value(part);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble())
        return QString::number(v.toInteger());
    return v.toString();
}

} // namespace

core::Result<FieldSelector> FieldSelector::parse(const QString &text, KubeResource resource)
{
    FieldSelector selector;
    if (text.trimmed().isEmpty())
        return selector;
    const QStringList supported = supportedFields(resource);
    for (const QString &rawPart : text.split(QLatin1Char(','))) {
        const QString part = rawPart.trimmed();
        Requirement r;
        qsizetype at = part.indexOf(QStringLiteral("!="));
        qsizetype width = 2;
        if (at >= 0) {
            r.negated = true;
        } else if (at = part.indexOf(QStringLiteral("==")); at >= 0) {
            width = 2;
        } else if (at = part.indexOf(QLatin1Char('=')); at >= 0) {
            width = 1;
        } else {
            return core::fail(core::Error::badInput(
                QStringLiteral("invalid selector: '%1'; can't understand '%2'").arg(text, part)));
        }
        r.field = part.left(at).trimmed();
        r.value = part.mid(at + width).trimmed();
        if (!supported.contains(r.field))
            return core::fail(core::Error::badInput(
                QStringLiteral("field label not supported: %1").arg(r.field)));
        selector.m_requirements.append(r);
    }
    return selector;
}

bool FieldSelector::matches(const QJsonObject &object) const
{
    for (const Requirement &r : m_requirements) {
        if ((fieldValue(object, r.field) == r.value) == r.negated)
            return false;
    }
    return true;
}

QString FieldSelector::exactName() const
{
    for (const Requirement &r : m_requirements) {
        if (r.field == QLatin1String("metadata.name") && !r.negated)
            return r.value;
    }
    return {};
}

} // namespace ragdr::sandbox
