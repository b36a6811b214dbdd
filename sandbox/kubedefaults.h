#pragma once

#include <QJsonObject>

namespace ragdr::sandbox {

// What kube-apiserver's defaulting fills into objects created by POST (and the controllers into
// the objects they make), as far as kubectl shows it.
class KubeDefaults final
{
public:
    static QJsonObject container(QJsonObject container);
    static QJsonObject podSpec(QJsonObject spec);
    static QJsonObject pod(QJsonObject pod);
    static QJsonObject deployment(QJsonObject deployment);
};

} // namespace ragdr::sandbox
