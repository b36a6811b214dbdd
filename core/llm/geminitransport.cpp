#include "geminitransport.h"

#include "core/base/dedicatedthread.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>

#include <atomic>

namespace ragdr::core {

Q_LOGGING_CATEGORY(lcLlmTransport, "ragdr.llm.transport", QtWarningMsg)

namespace {

std::atomic<quint64> s_nextId{0};

} // namespace

GeminiTransport::GeminiTransport() = default;

GeminiTransport::~GeminiTransport()
{
    for (QNetworkReply *r : std::as_const(m_running))
        r->abort();
}

GeminiTransport *GeminiTransport::instance()
{
    static GeminiTransport *transport = [] {
        auto *t = new GeminiTransport;
        DedicatedThread::adopt(t, QStringLiteral("ragdr-llm"));
        return t;
    }();
    return transport;
}

GeminiReply GeminiTransport::call(const GeminiRequest &request, const CancelToken &cancel)
{
    const quint64 id = ++s_nextId;
    GeminiReply answer;
    QEventLoop loop;
    // The answer is queued into this thread's loop: the receiver lives here.
    QObject receiver;
    connect(this,
            &GeminiTransport::finished,
            &receiver,
            [&](quint64 finishedId, const GeminiReply &reply) {
                if (finishedId != id)
                    return;
                answer = reply;
                loop.quit();
            });
    QMetaObject::invokeMethod(this, [this, id, request] { start(id, request); });
    QTimer poll;
    bool abortSent = false;
    connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel.isCancelled() && !abortSent) {
            abortSent = true;
            QMetaObject::invokeMethod(this, [this, id] { abort(id); });
        }
    });
    poll.start(50);
    loop.exec();
    return answer;
}

void GeminiTransport::start(quint64 id, const GeminiRequest &request)
{
    const QString trust = request.caFiles.join(QLatin1Char('\n'));
    QNetworkAccessManager *&network = m_networks[trust];
    if (!network)
        network = new QNetworkAccessManager(this);
    QNetworkRequest r(request.url);
    // A redirect would carry the key's header to wherever it points: never follow one.
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setTransferTimeout(request.timeoutMs);
    r.setRawHeader("Accept", "application/json");
    if (!request.key.isEmpty())
        r.setRawHeader("x-goog-api-key", request.key);
    if (!request.body.isEmpty())
        r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!request.caFiles.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        QList<QSslCertificate> cas = tls.caCertificates();
        for (const QString &file : request.caFiles) {
            const QList<QSslCertificate> read = QSslCertificate::fromPath(file);
            if (read.isEmpty()) {
                // Said as what it is, not as the handshake failure it would turn into.
                GeminiReply out;
                out.networkError = int(QNetworkReply::SslHandshakeFailedError);
                out.errorString = QStringLiteral(
                                      "the CA file %1 holds no certificate (missing, "
                                      "unreadable or not PEM): fix the profile's ca_file")
                                      .arg(file);
                QMetaObject::invokeMethod(
                    this, [this, id, out] { Q_EMIT finished(id, out); }, Qt::QueuedConnection);
                return;
            }
            cas += read;
        }
        tls.setCaCertificates(cas);
        r.setSslConfiguration(tls);
    }
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    QNetworkReply *reply = network->sendCustomRequest(r, request.verb, request.body);
    m_running.insert(id, reply);
    connect(reply, &QNetworkReply::finished, this, [this, id, reply, clock] {
        m_running.remove(id);
        GeminiReply out;
        out.elapsedMs = clock->elapsed();
        out.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.contentType = reply->rawHeader("Content-Type");
        if (out.httpStatus == 0) {
            out.networkError = int(reply->error());
            out.errorString = reply->errorString();
            out.cancelled = reply->error() == QNetworkReply::OperationCanceledError
                            && reply->property("ragdrAborted").toBool();
        }
        qCDebug(lcLlmTransport) << reply->request().url().toString(QUrl::RemoveQuery)
                                << out.httpStatus << out.networkError << out.elapsedMs << "ms";
        reply->deleteLater();
        Q_EMIT finished(id, out);
    });
}

void GeminiTransport::abort(quint64 id)
{
    if (QNetworkReply *reply = m_running.value(id)) {
        reply->setProperty("ragdrAborted", true);
        reply->abort();
    }
}

} // namespace ragdr::core
