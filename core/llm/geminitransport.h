#pragma once

#include "geminirequest.h"

#include "core/base/canceltoken.h"

#include <QHash>
#include <QObject>

class QNetworkAccessManager;
class QNetworkReply;

namespace ragdr::core {

// The one QNetworkAccessManager that talks to LLM endpoints, living on its own thread
// ("ragdr-llm"): requests go in as queued calls, answers come back as the queued signal
// finished(id, reply) carrying a value. call() wraps that for an operation's worker thread.
class GeminiTransport final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GeminiTransport)

public:
    // The process's transport, started at first use and stopped with the application object.
    static GeminiTransport *instance();

    // Sends and waits (serving a local event loop) until the reply is in or cancel fires. Call it
    // from any thread but the transport's own.
    GeminiReply call(const GeminiRequest &request, const CancelToken &cancel);

Q_SIGNALS:
    void finished(quint64 id, const ragdr::core::GeminiReply &reply);

private:
    GeminiTransport();
    ~GeminiTransport() override;
    void start(quint64 id, const GeminiRequest &request);
    void abort(quint64 id);

    // One manager per set of trusted CAs: a manager reuses its connections, and a connection that
    // one CA set verified must never carry a request that trusts another.
    QHash<QString, QNetworkAccessManager *> m_networks;
    QHash<quint64, QNetworkReply *> m_running;
};

} // namespace ragdr::core
