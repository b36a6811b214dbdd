#include "kubeapi.h"

#include "core/base/backoff.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace ragdr::core {

namespace {

using namespace std::chrono_literals;

constexpr int kRetries = 3;
constexpr int kPageSize = 500;
// A request's retries are seconds apart at most: an operation waits for them.
constexpr Backoff::Policy kRetryPolicy{200ms, 2s, 30s};

// What client-go's request retries too: the server is overloaded or failed for now.
bool isRetryableStatus(int status)
{
    return status == 429 || status >= 500;
}

QString describeNetworkError(const QNetworkReply *reply, const KubeConnection &c)
{
    return QStringLiteral("cannot reach the API server of context %1 at %2: %3")
        .arg(c.access().context, c.access().server.toString(), reply->errorString());
}

// Runs reply to its end on this thread's event loop, aborting it on cancel.
void waitFor(QNetworkReply *reply,
             const CancelToken &cancel,
             const std::function<void()> &onReadyRead = {})
{
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (onReadyRead)
        QObject::connect(reply, &QNetworkReply::readyRead, &loop, onReadyRead);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel.isCancelled())
            reply->abort();
    });
    poll.start(50);
    if (!reply->isFinished())
        loop.exec();
}

} // namespace

KubeApi::KubeApi(std::shared_ptr<KubeConnection> connection)
    : m_connection(std::move(connection))
    , m_nam(m_connection->networkAccess())
{}

KubeApi::~KubeApi() = default;

Result<std::unique_ptr<QNetworkReply>> KubeApi::send(const KubeRequest &request,
                                                     const CancelToken &cancel,
                                                     quint64 *serial)
{
    auto prepared = m_connection->prepare(request, cancel, serial);
    if (!prepared)
        return fail(prepared.error());
    return std::unique_ptr<QNetworkReply>(
        m_nam->sendCustomRequest(*prepared, request.verb, request.body));
}

Result<KubeResponse> KubeApi::call(const KubeRequest &request,
                                   const CancelToken &cancel,
                                   bool retryable)
{
    bool refreshed = false;
    Backoff backoff(kRetryPolicy);
    for (int attempt = 0;; ++attempt) {
        quint64 serial = 0;
        auto sent = send(request, cancel, &serial);
        if (!sent)
            return fail(sent.error());
        std::unique_ptr<QNetworkReply> reply = std::move(*sent);
        waitFor(reply.get(), cancel);
        if (cancel.isCancelled())
            return fail(Error::cancelled());
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!status.isValid()) {
            if (retryable && attempt < kRetries) {
                if (!Backoff::sleep(backoff.next(), cancel))
                    return fail(Error::cancelled());
                continue;
            }
            return fail(Error::failed(describeNetworkError(reply.get(), *m_connection)));
        }
        KubeResponse response{status.toInt(), reply->readAll()};
        if (response.status == 401 && !refreshed) {
            refreshed = true;
            m_connection->credentials().invalidate(serial);
            continue;
        }
        if (isRetryableStatus(response.status) && retryable && attempt < kRetries) {
            if (!Backoff::sleep(backoff.next(), cancel))
                return fail(Error::cancelled());
            continue;
        }
        return response;
    }
}

Result<QJsonObject> KubeApi::json(const KubeRequest &request,
                                  const CancelToken &cancel,
                                  const QString &what,
                                  bool retryable)
{
    auto response = call(request, cancel, retryable);
    if (!response)
        return fail(response.error());
    if (response->status < 200 || response->status > 299)
        return fail(KubeConnection::errorFrom(response->status, response->body, what));
    return response->json();
}

Result<QList<QJsonObject>> KubeApi::list(const QString &path,
                                         QUrlQuery query,
                                         const CancelToken &cancel,
                                         QString *resourceVersion)
{
    QList<QJsonObject> items;
    query.addQueryItem(QStringLiteral("limit"), QString::number(kPageSize));
    for (;;) {
        auto page = json(KubeRequest::get(path, query),
                         cancel,
                         QStringLiteral("listing %1").arg(path));
        if (!page)
            return fail(page.error());
        for (const QJsonValue &v : page->value(QStringLiteral("items")).toArray())
            items.append(v.toObject());
        const QJsonObject meta = page->value(QStringLiteral("metadata")).toObject();
        if (resourceVersion)
            *resourceVersion = meta.value(QStringLiteral("resourceVersion")).toString();
        const QString next = meta.value(QStringLiteral("continue")).toString();
        if (next.isEmpty())
            return items;
        query.removeAllQueryItems(QStringLiteral("continue"));
        query.addQueryItem(QStringLiteral("continue"), next);
    }
}

Result<int> KubeApi::stream(const KubeRequest &request,
                            const CancelToken &cancel,
                            const std::function<bool(const QByteArray &)> &onLine,
                            QByteArray *errorBody)
{
    quint64 serial = 0;
    auto sent = send(request, cancel, &serial);
    if (!sent)
        return fail(sent.error());
    std::unique_ptr<QNetworkReply> reply = std::move(*sent);
    QByteArray pending;
    bool stopped = false;
    auto statusOk = [&] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        return status >= 200 && status <= 299;
    };
    auto drain = [&] {
        // An aborted reply (cancel, or onLine said stop) is closed: nothing more to read.
        if (!statusOk() || !reply->isOpen())
            return;
        pending += reply->readAll();
        qsizetype start = 0;
        for (qsizetype nl; !stopped && (nl = pending.indexOf('\n', start)) >= 0; start = nl + 1) {
            if (!onLine(pending.mid(start, nl - start))) {
                stopped = true;
                reply->abort();
            }
        }
        pending.remove(0, start);
    };
    waitFor(reply.get(), cancel, drain);
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!stopped && statusOk()) {
        drain();
        if (!stopped && !pending.isEmpty())
            onLine(pending);
    }
    if (cancel.isCancelled())
        return fail(Error::cancelled());
    if (!status.isValid() && !stopped)
        return fail(Error::failed(describeNetworkError(reply.get(), *m_connection)));
    if (status.toInt() == 401)
        m_connection->credentials().invalidate(serial);
    if (errorBody && !statusOk() && reply->isOpen())
        *errorBody = reply->readAll();
    return status.toInt();
}

} // namespace ragdr::core
