#include "kubemediatype.h"

#include <QHash>
#include <QList>

namespace ragdr::sandbox {

namespace {

struct MediaRange
{
    QByteArray type;
    QHash<QByteArray, QByteArray> params;
};

QList<MediaRange> parseAccept(const QByteArray &accept)
{
    QList<MediaRange> out;
    for (const QByteArray &entry : accept.split(',')) {
        const QList<QByteArray> parts = entry.split(';');
        MediaRange range;
        range.type = parts.first().trimmed().toLower();
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray p = parts.at(i).trimmed();
            const qsizetype eq = p.indexOf('=');
            if (eq > 0)
                range.params.insert(p.left(eq).trimmed(), p.mid(eq + 1).trimmed());
        }
        if (!range.type.isEmpty())
            out.append(range);
    }
    return out;
}

} // namespace

QString KubeMediaType::tableVersion(const QByteArray &accept)
{
    for (const MediaRange &r : parseAccept(accept)) {
        if (r.type == "application/json" && r.params.value("as") == "Table"
            && r.params.value("g") == "meta.k8s.io")
            return QString::fromLatin1(r.params.value("v", "v1"));
        if (r.type == "application/json" || r.type == "*/*" || r.type == "application/*")
            return {};
    }
    return {};
}

QByteArray KubeMediaType::discoveryVersion(const QByteArray &accept)
{
    for (const MediaRange &r : parseAccept(accept)) {
        if (r.type == "application/json" && r.params.value("as") == "APIGroupDiscoveryList"
            && r.params.value("g") == "apidiscovery.k8s.io") {
            const QByteArray v = r.params.value("v");
            if (v == "v2" || v == "v2beta1")
                return v;
        }
        if (r.type == "application/json" || r.type == "*/*")
            return {};
    }
    return {};
}

} // namespace ragdr::sandbox
