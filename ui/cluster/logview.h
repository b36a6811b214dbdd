#pragma once

#include "core/cluster/clusterrows.h"
#include "core/cluster/logstream.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

namespace ragdr::core {
class KubeConnection;
}

namespace ragdr::ui {

// One pod's log: follows it as it grows (or pauses, keeping what arrives meanwhile), searches it,
// shows the previous container of a restarted one, says when the stream reconnects, and keeps at
// most kMaxLines lines so that a chatty pod cannot eat the machine's memory.
class LogView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogView)

public:
    static constexpr int kMaxLines = 50'000;
    // Lines appended in one turn of the event loop (about 5 ms here).
    static constexpr int kSliceLines = 500;

    explicit LogView(QWidget *parent = nullptr);

    void showPod(std::shared_ptr<core::KubeConnection> connection, const core::PodRow &pod);
    // The shown pod changed (it restarted, say): what can be asked of its log changes too.
    void updatePod(const core::PodRow &pod);
    void clear();
    QString text() const;
    QString podName() const { return m_pod.name; }
    // What the stream delivers (public for tests): shown a slice per turn of the event loop.
    void append(const QList<core::LogLine> &lines);

private:
    void restart();
    void feed();
    void find(bool backwards);
    void setIndicator(const QString &text, const QColor &colour);

    core::LogStream m_stream;
    std::shared_ptr<core::KubeConnection> m_connection;
    core::PodRow m_pod;
    QList<core::LogLine> m_held;  // what arrived while paused
    QList<core::LogLine> m_queue; // what arrived, not shown yet
    QTimer m_feed;
    QLabel *m_title;
    QComboBox *m_container;
    QCheckBox *m_previous;
    QCheckBox *m_timestamps;
    QToolButton *m_follow;
    QToolButton *m_pause;
    QLineEdit *m_search;
    QLabel *m_indicator;
    QPlainTextEdit *m_text;
};

} // namespace ragdr::ui
