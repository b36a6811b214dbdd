#include "httpconnection.h"

#include <QDateTime>
#include <QLocale>
#include <QTimer>
#include <QUrl>

namespace ragdr::sandbox {

namespace {

constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
constexpr qsizetype kMaxBodyBytes = 32 * 1024 * 1024;

QByteArray httpDate()
{
    return QLocale::c()
        .toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
        .toLatin1();
}

// Decodes a chunked request body; returns false until it is complete.
bool decodeChunked(const QByteArray &data, qsizetype from, QByteArray &body, qsizetype &end)
{
    qsizetype pos = from;
    body.clear();
    for (;;) {
        const qsizetype lineEnd = data.indexOf("\r\n", pos);
        if (lineEnd < 0)
            return false;
        bool ok = false;
        const qint64 size
            = data.mid(pos, lineEnd - pos).split(';').first().trimmed().toLongLong(&ok, 16);
        if (!ok)
            return false;
        pos = lineEnd + 2;
        if (size == 0) {
            const qsizetype trailerEnd = data.indexOf("\r\n", pos);
            if (trailerEnd < 0)
                return false;
            end = trailerEnd + 2;
            return true;
        }
        if (data.size() < pos + size + 2)
            return false;
        body += data.mid(pos, size);
        pos += size + 2;
    }
}

} // namespace

QByteArray httpReasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Request Entity Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status";
    }
}

HttpConnection::HttpConnection(QSslSocket *socket, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
{
    socket->setParent(this);
    connect(socket, &QSslSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QSslSocket::disconnected, this, [this] {
        if (!m_closedEmitted) {
            m_closedEmitted = true;
            Q_EMIT closed();
        }
        deleteLater();
    });
    // Whatever arrived with the handshake.
    QTimer::singleShot(0, this, &HttpConnection::onReadyRead);
}

HttpConnection::~HttpConnection()
{
    if (!m_closedEmitted) {
        m_closedEmitted = true;
        Q_EMIT closed();
    }
}

bool HttpConnection::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

qint64 HttpConnection::pendingBytes() const
{
    return m_socket ? m_socket->bytesToWrite() + m_socket->encryptedBytesToWrite() : 0;
}

void HttpConnection::abort()
{
    if (m_socket)
        m_socket->abort();
}

void HttpConnection::onReadyRead()
{
    if (!m_socket)
        return;
    m_buffer += m_socket->readAll();
    processBuffer();
}

void HttpConnection::processBuffer()
{
    if (m_busy || !m_socket)
        return;
    const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (m_buffer.size() > kMaxHeaderBytes) {
            m_closeAfter = true;
            m_busy = true;
            respond(431, "text/plain", "request headers too large\n");
        }
        return;
    }
    const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3) {
        m_closeAfter = true;
        m_busy = true;
        respond(400, "text/plain", "malformed request line\n");
        return;
    }
    HttpRequest request;
    request.method = requestLine.at(0);
    const QUrl url = QUrl::fromEncoded(requestLine.at(1));
    request.path = url.path(QUrl::FullyDecoded);
    request.query = QUrlQuery(url);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        // Repeated headers (Accept can be) are joined as HTTP says they may be.
        if (request.headers.contains(name))
            request.headers[name] += ", " + value;
        else
            request.headers.insert(name, value);
    }
    qsizetype end = headEnd + 4;
    if (request.header("transfer-encoding").toLower().contains("chunked")) {
        if (!decodeChunked(m_buffer, end, request.body, end))
            return;
    } else {
        const qint64 length = request.header("content-length").toLongLong();
        if (length > kMaxBodyBytes) {
            m_closeAfter = true;
            m_busy = true;
            respond(413, "text/plain", "request body too large\n");
            return;
        }
        if (m_buffer.size() < end + length)
            return;
        request.body = m_buffer.mid(end, length);
        end += length;
    }
    m_buffer.remove(0, end);
    m_closeAfter = request.header("connection").toLower() == "close";
    m_busy = true;
    Q_EMIT requestReceived(request);
}

void HttpConnection::writeHead(int status, const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReasonPhrase(status)
                      + "\r\n";
    head += "Date: " + httpDate() + "\r\n";
    head += "Cache-Control: no-cache, private\r\n";
    for (const auto &[name, value] : headers)
        head += name + ": " + value + "\r\n";
    if (m_closeAfter)
        head += "Connection: close\r\n";
    head += "\r\n";
    m_socket->write(head);
}

void HttpConnection::respond(int status, const QByteArray &contentType, const QByteArray &body)
{
    if (!m_socket)
        return;
    writeHead(status,
              {{"Content-Type", contentType}, {"Content-Length", QByteArray::number(body.size())}});
    m_socket->write(body);
    m_socket->flush();
    finishExchange();
}

void HttpConnection::beginStream(int status, const QByteArray &contentType)
{
    if (!m_socket)
        return;
    m_streaming = true;
    writeHead(status, {{"Content-Type", contentType}, {"Transfer-Encoding", "chunked"}});
    m_socket->flush();
}

void HttpConnection::writeChunk(const QByteArray &data)
{
    if (!m_socket || !m_streaming || data.isEmpty())
        return;
    m_socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
    m_socket->flush();
}

void HttpConnection::endStream()
{
    if (!m_socket || !m_streaming)
        return;
    m_streaming = false;
    m_socket->write("0\r\n\r\n");
    m_socket->flush();
    finishExchange();
}

void HttpConnection::finishExchange()
{
    m_busy = false;
    if (m_closeAfter) {
        if (m_socket)
            m_socket->disconnectFromHost();
        return;
    }
    // The next request may already be buffered; answer it from the event loop, not from here.
    QTimer::singleShot(0, this, &HttpConnection::processBuffer);
}

} // namespace ragdr::sandbox
