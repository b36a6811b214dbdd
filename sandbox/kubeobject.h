#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

// Reading and writing Kubernetes objects as JSON, as the drill's controllers and its API server
// need it: metadata, owners, annotations, and the names the controllers make.
namespace ragdr::sandbox::kubeobject {

// The annotations by which a drill's pod (or its template) says what it does and what it logs.
inline const QString kSimulateAnnotation = QStringLiteral("sandbox.ragdr.io/simulate");
inline const QString kLogsAnnotation = QStringLiteral("sandbox.ragdr.io/logs");

QJsonObject meta(const QJsonObject &o);
QString nameOf(const QJsonObject &o);
QString nsOf(const QJsonObject &o);
QString resourceVersionOf(const QJsonObject &o);
QString annotation(const QJsonObject &o, const QString &name);
// The name of the owner of this kind that is the object's controller, or "".
QString controllerOwner(const QJsonObject &o, const QString &kind);
QJsonObject ownerReference(const QJsonObject &owner, const QString &apiVersion, const QString &kind);
bool isDeleting(const QJsonObject &pod);
bool podReady(const QJsonObject &pod);

// intstr against a replica count: "25%" of 3 rounds up for maxSurge and down for maxUnavailable.
int resolveIntOrPercent(const QJsonValue &value, int total, bool roundUp, int fallback);

// kubernetes' rand.String: length characters of the safe alphabet (no vowels, no confusable
// digits), as in generated pod names.
QString randomSuffix(int length);
// pod-template-hash as the deployment controller makes it: fnv32a of the template, its decimal
// digits mapped through the safe alphabet (controller.ComputeHash + rand.SafeEncodeString).
QString templateHash(const QJsonObject &podTemplate);

} // namespace ragdr::sandbox::kubeobject
