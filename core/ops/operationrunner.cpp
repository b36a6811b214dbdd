#include "operationrunner.h"

#include "core/incident/journal.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QThread>

#include <exception>

Q_LOGGING_CATEGORY(lcOps, "ragdr.ops", QtWarningMsg)

namespace ragdr::core {

namespace {

QString newOperationId()
{
    return QStringLiteral("op-%1-%2")
        .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")))
        .arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QLatin1Char('0'));
}

} // namespace

OperationRunner::OperationRunner(std::shared_ptr<Journal> journal, QObject *parent)
    : QObject(parent)
    , m_journal(std::move(journal))
{
    qRegisterMetaType<OperationResult>();
    m_pool.setMaxThreadCount(6);
}

OperationRunner::~OperationRunner()
{
    if (m_runningBodies > 0)
        qCWarning(lcOps) << "the runner goes while operations run: waiting for them to clean up";
    for (const QPointer<Operation> &op : std::as_const(m_active)) {
        if (op)
            op->cancel();
    }
    m_pool.waitForDone();
}

QList<Operation *> OperationRunner::active() const
{
    QList<Operation *> ops;
    for (const QPointer<Operation> &op : m_active) {
        if (op && !op->isFinished())
            ops.append(op.data());
    }
    return ops;
}

Operation *OperationRunner::start(OperationSpec spec, Body body)
{
    auto *op = new Operation(newOperationId(), std::move(spec), this);
    m_active.append(op);
    connect(op, &Operation::finished, this, [this, op] {
        m_active.removeAll(op);
        op->deleteLater();
        if (isIdle())
            Q_EMIT idle();
    });

    if (!m_accepting) {
        const OperationResult refused = OperationResult::failure(
            Error::refused(QStringLiteral("not started: the console is closing this profile"),
                           QStringLiteral("everything: the operation did not start")));
        QMetaObject::invokeMethod(
            op, [op, refused] { op->complete(refused); }, Qt::QueuedConnection);
        Q_EMIT started(op);
        return op;
    }

    const Progress progress(op->m_progress, op->m_cancel);
    const std::shared_ptr<Journal> journal = op->spec().journalled ? m_journal : nullptr;
    const QString id = op->id();
    const OperationSpec opSpec = op->spec();
    QPointer<Operation> target(op);

    ++m_runningBodies;
    m_pool.start([=, this, body = std::move(body)] {
        QThread::currentThread()->setObjectName(QStringLiteral("op:") + opSpec.kind);
        QElapsedTimer clock;
        clock.start();
        OperationResult result;
        bool startRecorded = true;
        if (journal) {
            QJsonObject fields{{QStringLiteral("operation"), id},
                               {QStringLiteral("kind"), opSpec.kind},
                               {QStringLiteral("title"), opSpec.title},
                               {QStringLiteral("params"), opSpec.params}};
            if (auto written = journal->append(QStringLiteral("operation.started"), fields);
                !written) {
                startRecorded = false;
                result = OperationResult::failure(
                    written.error()
                        .prefixed(
                            QStringLiteral("not started: the incident journal cannot be written"))
                        .withUntouched(QStringLiteral("everything: the operation did not start")));
            }
        }
        if (startRecorded) {
            try {
                result = body(progress);
            } catch (const std::exception &e) {
                result = OperationResult::failure(Error::failed(
                    QStringLiteral("internal error: %1").arg(QString::fromUtf8(e.what()))));
            } catch (...) {
                result = OperationResult::failure(Error::failed(QStringLiteral("internal error")));
            }
            if (!result.ok() && progress.isCancelled()
                && result.status != OperationResult::Status::Cancelled) {
                // The body saw the cancel as a failure of something it ran; say what it was.
                result.status = OperationResult::Status::Cancelled;
                result.errorKind = Error::Kind::Cancelled;
            }
        }
        if (journal && startRecorded) {
            QJsonObject fields = result.toJson();
            fields.insert(QStringLiteral("operation"), id);
            fields.insert(QStringLiteral("kind"), opSpec.kind);
            fields.insert(QStringLiteral("duration_ms"), clock.elapsed());
            if (auto written = journal->append(QStringLiteral("operation.finished"), fields);
                !written) {
                qCWarning(lcOps) << "journal:" << written.error().message;
                result.warnings.append(written.error().message);
            }
        }
        --m_runningBodies;
        QMetaObject::invokeMethod(
            target.data(),
            [target, result] {
                if (target)
                    target->complete(result);
            },
            Qt::QueuedConnection);
    });
    Q_EMIT started(op);
    return op;
}

OperationResult OperationRunner::run(OperationSpec spec, Body body)
{
    Operation *op = start(std::move(spec), std::move(body));
    OperationResult result;
    QEventLoop loop;
    connect(op, &Operation::finished, &loop, [&](const OperationResult &r) {
        result = r;
        loop.quit();
    });
    loop.exec();
    return result;
}

} // namespace ragdr::core
