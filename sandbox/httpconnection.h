#pragma once

#include "httprequest.h"

#include <QObject>
#include <QPointer>
#include <QSslSocket>

namespace ragdr::sandbox {

// One client connection of an HttpServer: reads HTTP/1.1 requests one at a time (Go's client
// never pipelines) and answers each either whole (Content-Length) or as a chunked stream, for
// watches and followed logs. The connection is kept alive between requests, as kubectl expects.
class HttpConnection final : public QObject
{
    Q_OBJECT

public:
    explicit HttpConnection(QSslSocket *socket, QObject *parent = nullptr);
    ~HttpConnection() override;

    void respond(int status, const QByteArray &contentType, const QByteArray &body);

    // A chunked response: one chunk per writeChunk, each flushed as it is written.
    void beginStream(int status, const QByteArray &contentType);
    void writeChunk(const QByteArray &data);
    void endStream();

    bool isOpen() const;
    bool isStreaming() const { return m_streaming; }
    // Bytes written but not yet taken by the peer, to notice a reader that fell behind.
    qint64 pendingBytes() const;
    void abort();

Q_SIGNALS:
    void requestReceived(const HttpRequest &request);
    void closed();

private:
    void onReadyRead();
    void processBuffer();
    void finishExchange();
    void writeHead(int status, const QList<std::pair<QByteArray, QByteArray>> &headers);

    QPointer<QSslSocket> m_socket;
    QByteArray m_buffer;
    bool m_busy = false; // a request is being answered
    bool m_streaming = false;
    bool m_closeAfter = false;
    bool m_closedEmitted = false;
};

QByteArray httpReasonPhrase(int status);

} // namespace ragdr::sandbox
