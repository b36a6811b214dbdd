#include "winddown.h"

#include "operationrunner.h"

#include <QJsonArray>
#include <QMutex>
#include <QWaitCondition>

namespace ragdr::core {

namespace {

// How often the waiting operation looks at its own cancel; it wakes at once when an operation ends.
constexpr int kPollMs = 100;

QString modeName(Winddown::Mode mode)
{
    return mode == Winddown::Mode::Cancel ? QStringLiteral("cancel") : QStringLiteral("finish");
}

QJsonObject itemJson(const Winddown::Item &item)
{
    QJsonObject json{{QStringLiteral("operation"), item.id},
                     {QStringLiteral("kind"), item.kind},
                     {QStringLiteral("title"), item.title}};
    if (item.result) {
        json.insert(QStringLiteral("message"), item.result->message);
        if (!item.result->untouched.isEmpty())
            json.insert(QStringLiteral("untouched"), item.result->untouched);
    }
    return json;
}

} // namespace

// What the waiting operation's body reads: written here on the caller's thread as operations
// end, read on the runner's pool.
struct Winddown::Shared
{
    QMutex mutex;
    QWaitCondition changed;
    bool ended = false;
    bool gone = false; // the Winddown went before every operation ended
    double fraction = 0.0;
    QString step;
    QString stillRunning;
    QString summary;
    QJsonObject evidence;
};

Winddown::Winddown(OperationRunner &runner, QString reason, QObject *parent)
    : QObject(parent)
    , m_runner(&runner)
    , m_reason(std::move(reason))
    , m_shared(std::make_shared<Shared>())
{
    for (Operation *op : runner.active()) {
        if (!op->spec().journalled) {
            m_lookups.append(op);
            continue;
        }
        if (op->spec().kind == kind())
            continue; // an abandoned winddown: it ends by itself within kPollMs
        const int index = int(m_items.size());
        m_items.append(Item{op->id(), op->spec().kind, op->spec().title, op, std::nullopt});
        connect(op, &Operation::finished, this, [this, index](const OperationResult &r) {
            onItemEnded(index, r);
        });
    }
}

Winddown::~Winddown()
{
    // A body still waiting must not wait for ever on a Winddown that no longer publishes.
    QMutexLocker lock(&m_shared->mutex);
    m_shared->gone = true;
    m_shared->changed.wakeAll();
}

int Winddown::remaining() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(), [](const Item &i) {
        return !i.result.has_value();
    }));
}

void Winddown::start(Mode mode)
{
    if (m_mode || !m_runner)
        return;
    m_mode = mode;
    m_decision = mode;
    m_clock.start();
    publish();
    if (!m_items.isEmpty()) {
        QJsonArray running;
        for (const Item &item : std::as_const(m_items))
            running.append(itemJson(item));
        const OperationSpec spec{kind(),
                                 QStringLiteral("Wind down before %1").arg(m_reason),
                                 {{QStringLiteral("reason"), m_reason},
                                  {QStringLiteral("decision"), modeName(mode)},
                                  {QStringLiteral("operations"), running}}};
        m_own = m_runner->start(spec, [shared = m_shared](const Progress &progress) {
            QMutexLocker lock(&shared->mutex);
            while (!shared->ended) {
                if (shared->gone) {
                    return OperationResult::failure(
                        Error::failed(QStringLiteral("the console stopped waiting"),
                                      shared->stillRunning));
                }
                if (progress.isCancelled()) {
                    return OperationResult::failure(
                        Error{Error::Kind::Cancelled,
                              QStringLiteral("stopped waiting: the window stays open"),
                              shared->stillRunning});
                }
                progress.set(shared->fraction, shared->step);
                shared->changed.wait(&shared->mutex, kPollMs);
            }
            return OperationResult::success(shared->summary, shared->evidence);
        });
        connect(m_own, &Operation::finished, this, &Winddown::onOwnFinished);
    }
    // From here on what runs can only get fewer.
    m_runner->setAccepting(false);
    for (const QPointer<Operation> &op : std::as_const(m_lookups)) {
        if (op)
            op->cancel();
    }
    if (mode == Mode::Cancel)
        cancelRemaining();
    Q_EMIT changed();
    maybeFinish();
}

void Winddown::cancelRest()
{
    if (m_mode != Mode::Finish || m_abandoned)
        return;
    m_mode = Mode::Cancel;
    m_cancelledRest = true;
    cancelRemaining();
    publish();
    Q_EMIT changed();
}

void Winddown::abandon()
{
    if (!m_mode || m_abandoned || m_done)
        return;
    m_abandoned = true;
    if (m_runner)
        m_runner->setAccepting(true);
    if (m_own)
        m_own->cancel();
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT finished(false); }, Qt::QueuedConnection);
}

void Winddown::cancelRemaining()
{
    for (const Item &item : std::as_const(m_items)) {
        if (!item.result && item.operation)
            item.operation->cancel();
    }
}

void Winddown::onItemEnded(int index, const OperationResult &result)
{
    m_items[index].result = result;
    m_items[index].operation = nullptr;
    publish();
    Q_EMIT changed();
    maybeFinish();
}

void Winddown::onOwnFinished()
{
    m_ownDone = true;
    maybeFinish();
}

void Winddown::publish()
{
    QStringList running;
    QJsonArray finished, cancelled, failed;
    for (const Item &item : std::as_const(m_items)) {
        if (!item.result) {
            running.append(item.title);
            continue;
        }
        switch (item.result->status) {
        case OperationResult::Status::Ok:
            finished.append(itemJson(item));
            break;
        case OperationResult::Status::Cancelled:
            cancelled.append(itemJson(item));
            break;
        case OperationResult::Status::Failed:
            failed.append(itemJson(item));
            break;
        }
    }
    const bool cancelling = m_mode == Mode::Cancel;
    QMutexLocker lock(&m_shared->mutex);
    m_shared->fraction = m_items.isEmpty()
                             ? 1.0
                             : double(m_items.size() - running.size()) / double(m_items.size());
    m_shared->step = QStringLiteral("%1 %2").arg(cancelling ? QStringLiteral(
                                                     "waiting for the cancelled to clean up:")
                                                            : QStringLiteral("waiting for:"),
                                                 running.join(QStringLiteral(", ")));
    m_shared->stillRunning
        = running.isEmpty()
              ? QString()
              : QStringLiteral("still running: %1").arg(running.join(QStringLiteral(", ")));
    if (running.isEmpty() && m_mode) {
        m_shared->ended = true;
        m_shared->summary = QStringLiteral("%1 ended: %2 finished, %3 cancelled, %4 failed; "
                                           "nothing runs any more")
                                .arg(m_items.size() == 1
                                         ? QStringLiteral("the operation")
                                         : QStringLiteral("%1 operations").arg(m_items.size()))
                                .arg(finished.size())
                                .arg(cancelled.size())
                                .arg(failed.size());
        m_shared->evidence = {{QStringLiteral("reason"), m_reason},
                              {QStringLiteral("decision"), modeName(m_decision)},
                              {QStringLiteral("cancelled_the_rest"), m_cancelledRest},
                              {QStringLiteral("waited_ms"), m_clock.elapsed()},
                              {QStringLiteral("finished"), finished},
                              {QStringLiteral("cancelled"), cancelled},
                              {QStringLiteral("failed"), failed}};
    }
    m_shared->changed.wakeAll();
}

void Winddown::maybeFinish()
{
    if (!m_mode || m_abandoned || m_done || remaining() > 0 || (m_own && !m_ownDone))
        return;
    if (m_runner && !m_runner->isIdle()) {
        // Cancelled look-ups, and starts refused since, deliver their results first.
        connect(m_runner, &OperationRunner::idle, this, &Winddown::maybeFinish, Qt::UniqueConnection);
        return;
    }
    m_done = true;
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT finished(true); }, Qt::QueuedConnection);
}

QString Winddown::outcomeLine(const Item &item)
{
    return item.result ? item.result->outcomeLine(item.title)
                       : QStringLiteral("%1: still running").arg(item.title);
}

QStringList Winddown::outcomeLines() const
{
    QStringList lines;
    for (const Item &item : m_items)
        lines.append(outcomeLine(item));
    return lines;
}

} // namespace ragdr::core
