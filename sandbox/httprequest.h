#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QUrlQuery>

namespace ragdr::sandbox {

// One HTTP/1.1 request as the drill's servers see it: the path decoded, the query parsed, header
// names in lower case.
struct HttpRequest
{
    QByteArray method;
    QString path;
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;

    QByteArray header(const QByteArray &lowerCaseName) const
    {
        return headers.value(lowerCaseName);
    }
    QString queryValue(const QString &key) const
    {
        return query.queryItemValue(key, QUrl::FullyDecoded);
    }
    bool hasQuery(const QString &key) const { return query.hasQueryItem(key); }
};

} // namespace ragdr::sandbox
