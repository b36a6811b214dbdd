#include "kubeaccessreview.h"

#include "kubeapireply.h"

#include <QJsonDocument>
#include <QMultiHash>

namespace ragdr::sandbox {

namespace {

// The length-delimited fields of a protobuf message, by field number (varints and fixed-width
// fields skipped): enough to read the strings of a SelfSubjectAccessReview that kubectl's typed
// client sends as application/vnd.kubernetes.protobuf.
QMultiHash<int, QByteArray> protobufFields(const QByteArray &data)
{
    QMultiHash<int, QByteArray> fields;
    qsizetype pos = 0;
    auto varint = [&](quint64 &value) {
        value = 0;
        for (int shift = 0; pos < data.size() && shift < 64; shift += 7) {
            const quint8 b = quint8(data.at(pos++));
            value |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return true;
        }
        return false;
    };
    while (pos < data.size()) {
        quint64 key = 0;
        if (!varint(key))
            break;
        const int field = int(key >> 3);
        switch (key & 7) {
        case 0: {
            quint64 ignored = 0;
            if (!varint(ignored))
                return fields;
            break;
        }
        case 1:
            pos += 8;
            break;
        case 5:
            pos += 4;
            break;
        case 2: {
            quint64 length = 0;
            if (!varint(length) || pos + qsizetype(length) > data.size())
                return fields;
            fields.insert(field, data.mid(pos, qsizetype(length)));
            pos += qsizetype(length);
            break;
        }
        default:
            return fields;
        }
    }
    return fields;
}

// SelfSubjectAccessReview.spec.resourceAttributes from the "k8s\0" protobuf envelope
// (runtime.Unknown.raw -> review.spec(2) -> resourceAttributes(1)).
QJsonObject resourceAttributesFromProtobuf(const QByteArray &body)
{
    if (!body.startsWith(QByteArray("k8s\0", 4)))
        return {};
    const QByteArray raw = protobufFields(body.mid(4)).value(2);
    const QByteArray spec = protobufFields(raw).value(2);
    const QMultiHash<int, QByteArray> attributes = protobufFields(protobufFields(spec).value(1));
    const char *names[]
        = {"", "namespace", "verb", "group", "version", "resource", "subresource", "name"};
    QJsonObject out;
    for (int field = 1; field <= 7; ++field) {
        if (attributes.contains(field))
            out.insert(QLatin1String(names[field]), QString::fromUtf8(attributes.value(field)));
    }
    return out;
}

} // namespace

void KubeAccessReview::answer(HttpConnection *connection,
                              const HttpRequest &request,
                              const KubeRbac &rbac,
                              const QString &user)
{
    QJsonObject review = QJsonDocument::fromJson(request.body).object();
    QJsonObject attributes = review.value(QLatin1String("spec"))
                                 .toObject()
                                 .value(QLatin1String("resourceAttributes"))
                                 .toObject();
    if (review.isEmpty()) {
        // kubectl auth can-i speaks protobuf; the answer may be JSON (it accepts both).
        attributes = resourceAttributesFromProtobuf(request.body);
        review = {{QStringLiteral("spec"),
                   QJsonObject{{QStringLiteral("resourceAttributes"), attributes}}}};
    }
    const QString verb = attributes.value(QLatin1String("verb")).toString();
    QString resource = attributes.value(QLatin1String("resource")).toString();
    const QString subresource = attributes.value(QLatin1String("subresource")).toString();
    if (!subresource.isEmpty())
        resource += QLatin1Char('/') + subresource;
    const bool denied = !attributes.isEmpty() && rbac.denies(verb, resource);
    QJsonObject meta = review.value(QLatin1String("metadata")).toObject();
    meta.insert(QStringLiteral("creationTimestamp"), QJsonValue::Null);
    review.insert(QStringLiteral("metadata"), meta);
    review.insert(QStringLiteral("apiVersion"), QStringLiteral("authorization.k8s.io/v1"));
    review.insert(QStringLiteral("kind"), QStringLiteral("SelfSubjectAccessReview"));
    QJsonObject status{{QStringLiteral("allowed"), !denied}};
    if (denied) {
        status.insert(QStringLiteral("reason"), QStringLiteral("denied by the drill's RBAC fault"));
    } else {
        status.insert(QStringLiteral("reason"),
                      QStringLiteral("RBAC: allowed by ClusterRoleBinding \"drill-admin\" of "
                                     "ClusterRole \"cluster-admin\" to User \"%1\"")
                          .arg(user));
    }
    review.insert(QStringLiteral("status"), status);
    KubeApiReply::json(connection, 201, review);
}

} // namespace ragdr::sandbox
