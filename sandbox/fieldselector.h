#pragma once

#include "core/base/error.h"
#include "kubetable.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace ragdr::sandbox {

// A ?fieldSelector= ("metadata.name=rag-api", "involvedObject.kind=Pod,involvedObject.name=x",
// "status.phase!=Running"), limited like kube-apiserver to the fields each resource indexes; any
// other field is refused as the real server refuses it.
class FieldSelector final
{
public:
    static core::Result<FieldSelector> parse(const QString &text, KubeResource resource);

    bool matches(const QJsonObject &object) const;
    bool isEmpty() const { return m_requirements.isEmpty(); }
    // The name an exact "metadata.name=" requirement asks for, if any: a direct lookup.
    QString exactName() const;

private:
    struct Requirement
    {
        QString field;
        QString value;
        bool negated = false;
    };
    QList<Requirement> m_requirements;
};

} // namespace ragdr::sandbox
