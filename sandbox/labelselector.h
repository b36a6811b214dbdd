#pragma once

#include "core/base/error.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace ragdr::sandbox {

// A ?labelSelector= as kube-apiserver reads it: "app=rag-api", "tier in (api,web)",
// "env!=prod", "canary", "!canary", joined by commas (apimachinery pkg/labels/selector.go).
class LabelSelector final
{
public:
    static core::Result<LabelSelector> parse(const QString &text);
    // The selector of a Deployment or ReplicaSet (matchLabels and matchExpressions).
    static LabelSelector fromJson(const QJsonObject &selector);

    bool matches(const QJsonObject &labels) const;
    bool isEmpty() const { return m_requirements.isEmpty(); }

private:
    enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };
    struct Requirement
    {
        QString key;
        Op op = Op::Equals;
        QStringList values;
    };
    QList<Requirement> m_requirements;
};

} // namespace ragdr::sandbox
