#pragma once

#include <QByteArray>
#include <QJsonValue>

namespace ragdr::core {

// JSON as block-style YAML, the way kubectl get -o yaml writes objects: keys in the object's order,
// strings quoted wherever YAML would read them as something else ("true", "5432", "").
QByteArray toYaml(const QJsonValue &value);

} // namespace ragdr::core
