#include "consoleprobe.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QApplication>
#include <QDateTime>
#include <QEvent>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QWidget>

#include <fcntl.h>
#include <unistd.h>

namespace ragdr::ui {

Q_LOGGING_CATEGORY(lcProbe, "ragdr.probe")

namespace {
constexpr int kTickMs = 1;
constexpr int kFlushMs = 250;

QByteArray nowMs()
{
    return QByteArray::number(QDateTime::currentMSecsSinceEpoch());
}
} // namespace

ConsoleProbe *ConsoleProbe::fromEnvironment(QWidget *window)
{
    const QString path = qEnvironmentVariable("RAGDR_CONSOLE_PROBE");
    if (path.isEmpty())
        return nullptr;
    return new ConsoleProbe(path, qEnvironmentVariable("RAGDR_CONSOLE_CONTROL"), window);
}

ConsoleProbe::ConsoleProbe(const QString &path, const QString &control, QWidget *window)
    : QObject(window)
    , m_out(path)
{
    if (!m_out.open(QIODevice::WriteOnly | QIODevice::Append))
        qCWarning(lcProbe) << "cannot write the probe's file" << path << m_out.errorString();
    window->installEventFilter(this);
    m_tick.setInterval(kTickMs);
    m_tick.setTimerType(Qt::PreciseTimer);
    connect(&m_tick, &QTimer::timeout, this, &ConsoleProbe::tick);
    m_flush.setInterval(kFlushMs);
    connect(&m_flush, &QTimer::timeout, this, &ConsoleProbe::flush);
    m_clock.start();
    m_tick.start();
    m_flush.start();
    if (!control.isEmpty()) {
        // Read and write, so that the FIFO never reads as ended between two writers.
        m_control = ::open(QFile::encodeName(control).constData(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (m_control < 0) {
            qCWarning(lcProbe) << "cannot open the control FIFO" << control;
        } else {
            m_notifier = new QSocketNotifier(m_control, QSocketNotifier::Read, this);
            connect(m_notifier, &QSocketNotifier::activated, this, &ConsoleProbe::readControl);
        }
    }
}

ConsoleProbe::~ConsoleProbe()
{
    flush();
    if (m_control >= 0)
        ::close(m_control);
}

bool ConsoleProbe::eventFilter(QObject *watched, QEvent *event)
{
    if (!m_painted && event->type() == QEvent::Paint) {
        m_painted = true;
        m_buffer += "paint " + nowMs() + '\n';
        // The bench waits for this line: it does not wait for the next flush.
        QTimer::singleShot(0, this, &ConsoleProbe::flush);
    }
    return QObject::eventFilter(watched, event);
}

void ConsoleProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    if (m_lastTickNs > 0) {
        const qint64 lateUs = qMax<qint64>(0, (now - m_lastTickNs) / 1000 - kTickMs * 1000);
        m_buffer += "lag " + nowMs() + ' ' + QByteArray::number(lateUs) + '\n';
    }
    m_lastTickNs = now;
}

void ConsoleProbe::readControl()
{
    char chunk[512];
    for (;;) {
        const ssize_t n = ::read(m_control, chunk, sizeof chunk);
        if (n <= 0)
            break;
        m_pending.append(chunk, n);
    }
    qsizetype end;
    while ((end = m_pending.indexOf('\n')) >= 0) {
        const QByteArray line = m_pending.left(end).trimmed();
        m_pending.remove(0, end + 1);
        const QList<QByteArray> words = line.split(' ');
        if (words.size() == 2 && words.at(0) == "click") {
            auto *button = find<QAbstractButton>(words.at(1));
            const bool clickable = button && button->isEnabled();
            m_buffer += (clickable ? "clicked " : "no-button ") + nowMs() + ' ' + words.at(1)
                        + '\n';
            if (clickable)
                button->click();
        } else if (words.size() == 3 && words.at(0) == "select") {
            auto *view = find<QAbstractItemView>(words.at(1));
            const int row = words.at(2).toInt();
            const bool there = view && view->model() && row < view->model()->rowCount();
            if (there)
                view->selectionModel()->setCurrentIndex(view->model()->index(row, 0),
                                                        QItemSelectionModel::ClearAndSelect
                                                            | QItemSelectionModel::Rows);
            m_buffer += (there ? "selected " : "no-row ") + nowMs() + ' ' + words.at(1) + ' '
                        + words.at(2) + '\n';
        }
        flush();
    }
}

template<typename Widget>
Widget *ConsoleProbe::find(const QByteArray &objectName)
{
    const QWidgetList windows = QApplication::topLevelWidgets();
    for (QWidget *w : windows) {
        if (auto *found = w->findChild<Widget *>(QString::fromUtf8(objectName)))
            return found;
    }
    return nullptr;
}

void ConsoleProbe::flush()
{
    if (m_buffer.isEmpty() || !m_out.isOpen())
        return;
    m_out.write(m_buffer);
    m_out.flush();
    m_buffer.clear();
}

} // namespace ragdr::ui
