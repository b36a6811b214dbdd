#pragma once

#include "httpconnection.h"
#include "kubecontroller.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace ragdr::sandbox {

// `kubectl logs -f`: after the lines so far, the ones the container writes from then on, one
// chunk as they come, until the container stops (its run ends or it restarts) or the pod is
// deleted, when the stream ends as the kubelet ends it.
class KubeLogStream final : public QObject
{
    Q_OBJECT

public:
    struct Follow
    {
        QString podKey;
        QString podName;
        QString container;
        bool timestamps = false;
        qint64 limitBytes = 0; // 0: no limit
        qint64 sentMs = 0;     // the last moment already written
        ContainerRun run;
    };

    KubeLogStream(KubeController &controller,
                  HttpConnection *connection,
                  Follow follow,
                  QObject *parent = nullptr);

    // Formats lines as the log endpoint writes them: an RFC3339Nano time first with timestamps=true.
    static QByteArray format(const QList<LogLine> &lines, bool timestamps);

private:
    void poll();
    void finish(bool endStream);

    KubeController &m_controller;
    QPointer<HttpConnection> m_connection;
    Follow m_follow;
    QTimer m_timer;
    qint64 m_written = 0;
    bool m_finished = false;
};

} // namespace ragdr::sandbox
