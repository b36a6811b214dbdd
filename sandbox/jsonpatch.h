#pragma once

#include "core/base/error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>

namespace ragdr::sandbox::jsonpatch {

// The three PATCH bodies kubectl sends, applied to an object as kube-apiserver applies them.

// application/merge-patch+json (RFC 7386): objects merge, null deletes, anything else replaces.
QJsonValue mergePatch(const QJsonValue &target, const QJsonValue &patch);

// application/strategic-merge-patch+json: a merge patch in which the lists Kubernetes declares
// with a merge key (containers, env, volumes by name; ports by containerPort; conditions by
// type) are merged element by element, and the $patch / $setElementOrder / $retainKeys
// directives are understood (ordering directives are accepted and ignored).
QJsonValue strategicMergePatch(const QJsonValue &target, const QJsonValue &patch);

// application/json-patch+json (RFC 6902): add, remove, replace, move, copy and test.
core::Result<QJsonValue> jsonPatch(const QJsonValue &target, const QByteArray &patch);

// Applies a PATCH body by its Content-Type; BadInput for a body that is not valid, Refused for a
// patch type the drill does not serve (apply-patch+yaml).
core::Result<QJsonObject> apply(const QJsonObject &target,
                                const QByteArray &contentType,
                                const QByteArray &body);

} // namespace ragdr::sandbox::jsonpatch
