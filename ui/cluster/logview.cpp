#include "logview.h"

#include "../common/palette.h"

#include "core/cluster/kubetime.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace ragdr::ui {

LogView::LogView(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(tr("Select a pod to read its log."), this))
    , m_container(new QComboBox(this))
    , m_previous(new QCheckBox(tr("Previous container"), this))
    , m_timestamps(new QCheckBox(tr("Timestamps"), this))
    , m_follow(new QToolButton(this))
    , m_pause(new QToolButton(this))
    , m_search(new QLineEdit(this))
    , m_indicator(new QLabel(this))
    , m_text(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("logView"));
    m_container->setObjectName(QStringLiteral("logContainer"));
    m_previous->setObjectName(QStringLiteral("logPrevious"));
    m_previous->setToolTip(
        tr("The log of the container's last terminated run: why a crash-looping pod died"));
    m_follow->setObjectName(QStringLiteral("logFollow"));
    m_follow->setText(tr("Follow"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest line in view"));
    m_pause->setObjectName(QStringLiteral("logPause"));
    m_pause->setText(tr("Pause"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Hold new lines back (they are kept) to read without the text moving"));
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(tr("Find (Enter: next, Shift+Enter: previous)"));
    m_search->setClearButtonEnabled(true);
    m_indicator->setObjectName(QStringLiteral("logIndicator"));
    m_text->setObjectName(QStringLiteral("logText"));
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(kMaxLines);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_title, 1);
    bar->addWidget(m_indicator);
    bar->addWidget(m_container);
    bar->addWidget(m_previous);
    bar->addWidget(m_timestamps);
    bar->addWidget(m_follow);
    bar->addWidget(m_pause);
    bar->addWidget(m_search);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_text, 1);

    m_feed.setSingleShot(true);
    m_feed.setInterval(0);
    connect(&m_feed, &QTimer::timeout, this, &LogView::feed);
    connect(&m_stream, &core::LogStream::lines, this, &LogView::append);
    connect(&m_stream,
            &core::LogStream::stateChanged,
            this,
            [this](core::LogFollower::State state, const QString &detail) {
                switch (state) {
                case core::LogFollower::State::Streaming:
                    setIndicator(m_previous->isChecked() ? tr("previous container")
                                                         : tr("streaming"),
                                 Palette::good());
                    break;
                case core::LogFollower::State::Reconnecting:
                    setIndicator(tr("reconnecting…"), Palette::warning());
                    m_indicator->setToolTip(detail);
                    break;
                case core::LogFollower::State::Ended:
                    setIndicator(detail.isEmpty() ? tr("ended") : detail, Palette::warning());
                    break;
                }
            });
    connect(&m_stream, &core::LogStream::failed, this, [this](const QString &message) {
        setIndicator(tr("no log"), Palette::bad());
        m_indicator->setToolTip(message);
        m_text->appendPlainText(QStringLiteral("-- %1").arg(message));
    });
    connect(m_previous, &QCheckBox::toggled, this, &LogView::restart);
    connect(m_timestamps, &QCheckBox::toggled, this, &LogView::restart);
    connect(m_container, &QComboBox::activated, this, &LogView::restart);
    connect(m_pause, &QToolButton::toggled, this, [this](bool paused) {
        if (!paused) {
            const QList<core::LogLine> held = std::exchange(m_held, {});
            append(held);
        }
    });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        find(QGuiApplication::keyboardModifiers() & Qt::ShiftModifier);
    });
}

void LogView::setIndicator(const QString &text, const QColor &colour)
{
    m_indicator->setText(text);
    m_indicator->setStyleSheet(QStringLiteral("color: %1; font-weight: bold").arg(colour.name()));
}

void LogView::showPod(std::shared_ptr<core::KubeConnection> connection, const core::PodRow &pod)
{
    m_connection = std::move(connection);
    m_pod = pod;
    m_title->setText(tr("Log of <b>%1</b>").arg(pod.name.toHtmlEscaped()));
    const QSignalBlocker blocker(m_container);
    m_container->clear();
    m_container->addItems(pod.containers);
    m_previous->setEnabled(pod.hasPreviousContainer);
    if (!pod.hasPreviousContainer)
        m_previous->setChecked(false);
    restart();
}

void LogView::updatePod(const core::PodRow &pod)
{
    if (pod.name != m_pod.name)
        return;
    m_pod = pod;
    m_previous->setEnabled(pod.hasPreviousContainer);
}

void LogView::clear()
{
    m_stream.stop();
    m_text->clear();
    m_held.clear();
    m_queue.clear();
    m_feed.stop();
    m_pod = {};
    m_title->setText(tr("Select a pod to read its log."));
    m_indicator->clear();
}

void LogView::restart()
{
    if (!m_connection || m_pod.name.isEmpty())
        return;
    m_text->clear();
    m_held.clear();
    m_queue.clear();
    m_feed.stop();
    core::LogOptions options;
    options.container = m_container->currentText();
    options.previous = m_previous->isChecked();
    options.follow = !options.previous;
    options.tailLines = 500;
    setIndicator(tr("connecting…"), Palette::warning());
    m_stream.start(m_connection, m_pod.name, options);
}

void LogView::append(const QList<core::LogLine> &lines)
{
    if (m_pause->isChecked()) {
        m_held.append(lines);
        if (m_held.size() > kMaxLines)
            m_held.remove(0, m_held.size() - kMaxLines);
        m_pause->setText(tr("Resume (%1 new)").arg(m_held.size()));
        return;
    }
    m_pause->setText(tr("Pause"));
    if (lines.isEmpty())
        return;
    m_queue.append(lines);
    // Only the newest kMaxLines can stay: older ones would be dropped as soon as they were shown.
    if (m_queue.size() > kMaxLines)
        m_queue.remove(0, m_queue.size() - kMaxLines);
    if (!m_feed.isActive())
        feed();
}

void LogView::feed()
{
    // A slice at a time, each on its own turn of the event loop: a flood of thousands of lines a
    // second costs the GUI thread many short appends, never one long one.
    const qsizetype n = std::min<qsizetype>(m_queue.size(), kSliceLines);
    QString block;
    const bool stamps = m_timestamps->isChecked();
    for (qsizetype i = 0; i < n; ++i) {
        if (!block.isEmpty())
            block += QLatin1Char('\n');
        if (stamps)
            block += core::kubetime::formatNano(m_queue.at(i).at) + QLatin1Char(' ');
        block += m_queue.at(i).text;
    }
    m_queue.remove(0, n);
    if (!m_queue.isEmpty())
        m_feed.start();
    QScrollBar *scroll = m_text->verticalScrollBar();
    const int keep = scroll->value();
    m_text->appendPlainText(block);
    if (m_follow->isChecked())
        scroll->setValue(scroll->maximum());
    else
        scroll->setValue(keep);
}

void LogView::find(bool backwards)
{
    const QString needle = m_search->text();
    if (needle.isEmpty())
        return;
    const QTextDocument::FindFlags flags = backwards ? QTextDocument::FindBackward
                                                     : QTextDocument::FindFlags();
    if (!m_text->find(needle, flags)) {
        // Wrap around, as editors do.
        QTextCursor c = m_text->textCursor();
        c.movePosition(backwards ? QTextCursor::End : QTextCursor::Start);
        m_text->setTextCursor(c);
        m_text->find(needle, flags);
    }
    m_follow->setChecked(false);
}

QString LogView::text() const
{
    return m_text->toPlainText();
}

} // namespace ragdr::ui
