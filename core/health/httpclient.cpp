#include "httpclient.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>

namespace ragdr::core {

QString HttpCall::safeUrl() const
{
    QUrl shown = url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    const QString path = shown.path();
    // Only the first path segment is shown: the rest of a webhook's path is its token.
    const qsizetype second = path.indexOf(QLatin1Char('/'), 1);
    if (second > 0)
        shown.setPath(path.left(second) + QStringLiteral("/…"));
    return shown.toString();
}

HttpClient::HttpClient()
    : m_nam(std::make_unique<QNetworkAccessManager>())
{}

HttpClient::~HttpClient() = default;

Result<HttpAnswer> HttpClient::send(const HttpCall &call, const CancelToken &cancel)
{
    QNetworkRequest request(call.url);
    if (!call.accept.isEmpty())
        request.setRawHeader("Accept", call.accept);
    if (!call.contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, call.contentType);
    request.setRawHeader("User-Agent", "ragdr/" RAGDR_VERSION);
    request.setTransferTimeout(call.timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    if (!call.caFile.isEmpty()) {
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(call.caFile);
        if (ca.isEmpty())
            return fail(Error::badInput(
                QStringLiteral("no certificate can be read from the CA file %1").arg(call.caFile)));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(ca);
        request.setSslConfiguration(tls);
    }
    QElapsedTimer clock;
    clock.start();
    std::unique_ptr<QNetworkReply> reply(
        call.body.isEmpty() && call.method == "GET"
            ? m_nam->get(request)
            : m_nam->sendCustomRequest(request, call.method, call.body));
    QEventLoop loop;
    bool tooLong = false;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(reply.get(),
                     &QNetworkReply::downloadProgress,
                     &loop,
                     [&](qint64 received, qint64) {
                         if (received > call.maxBytes && !tooLong) {
                             tooLong = true;
                             reply->abort();
                         }
                     });
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel.isCancelled())
            reply->abort();
    });
    poll.start(100);
    if (!reply->isFinished())
        loop.exec();
    if (cancel.isCancelled())
        return fail(Error::cancelled());
    if (tooLong)
        return fail(Error::failed(QStringLiteral("%1 answered with more than %2 bytes; the answer "
                                                 "was refused")
                                      .arg(call.safeUrl())
                                      .arg(call.maxBytes)));
    HttpAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.elapsedMs = clock.elapsed();
    if (answer.status == 0) {
        QString why = reply->error() == QNetworkReply::OperationCanceledError
                          ? QStringLiteral("no answer within %1 s").arg(call.timeoutMs / 1000.0)
                          : reply->errorString();
        why.replace(call.url.toString(), call.safeUrl()); // Qt may quote the URL, token and all
        return fail(Error::failed(QStringLiteral("cannot reach %1: %2").arg(call.safeUrl(), why)));
    }
    answer.body = reply->readAll();
    answer.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    return answer;
}

} // namespace ragdr::core
