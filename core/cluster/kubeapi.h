#pragma once

#include "kubeconnection.h"

#include <QJsonObject>
#include <QList>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace ragdr::core {

// Blocking calls to one API server, for an operation's worker thread: each call spins a local
// event loop until the reply is in, the cancel token fires or the request times out. Create it on
// the thread that uses it (its QNetworkAccessManager belongs there).
class KubeApi final
{
public:
    explicit KubeApi(std::shared_ptr<KubeConnection> connection);
    ~KubeApi();
    KubeApi(const KubeApi &) = delete;
    KubeApi &operator=(const KubeApi &) = delete;

    KubeConnection &connection() const { return *m_connection; }

    // One request. After a 401 it asks for a fresh credential and tries once more (client-go's
    // behaviour for exec plugins); when retryable, a dropped connection or a 5xx is retried up to
    // three times with jittered backoff. Any HTTP status comes back as a response; only a failure
    // to get one is an error.
    Result<KubeResponse> call(const KubeRequest &request,
                              const CancelToken &cancel,
                              bool retryable = true);

    // call(), then a 2xx's JSON body, or the server's Status as an error naming what was asked.
    Result<QJsonObject> json(const KubeRequest &request,
                             const CancelToken &cancel,
                             const QString &what,
                             bool retryable = true);

    // Every item of a list, page by page (limit/continue), and the list's resourceVersion.
    Result<QList<QJsonObject>> list(const QString &path,
                                    QUrlQuery query,
                                    const CancelToken &cancel,
                                    QString *resourceVersion = nullptr);

    // A response read line by line (watch events, followed logs) until the server ends it, onLine
    // returns false, or cancel. Returns the HTTP status; a non-2xx body is not passed to onLine.
    Result<int> stream(const KubeRequest &request,
                       const CancelToken &cancel,
                       const std::function<bool(const QByteArray &line)> &onLine,
                       QByteArray *errorBody = nullptr);

private:
    Result<std::unique_ptr<QNetworkReply>> send(const KubeRequest &request,
                                                const CancelToken &cancel,
                                                quint64 *serial);

    std::shared_ptr<KubeConnection> m_connection;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

} // namespace ragdr::core
