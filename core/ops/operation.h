#pragma once

#include "operationresult.h"
#include "progress.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>

namespace ragdr::core {

// What is being asked, as the journal records it. Never holds a secret.
struct OperationSpec
{
    QString kind;           // "backup", "verify", "backups.list"
    QString title;          // what a person reads: "Back up rag (drill)"
    QJsonObject params;     // what was asked: ids, levels, region
    bool journalled = true; // read-only look-ups are not journalled
};

// One run of an operation, living in the thread that started it. Its body runs on the runner's
// pool; progress arrives here at most every 50 ms and the result arrives once, as finished().
class Operation final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Operation)

public:
    QString id() const { return m_id; }
    const OperationSpec &spec() const { return m_spec; }
    QDateTime startedAt() const { return m_startedAt; }
    bool isFinished() const { return m_finished; }
    const OperationResult &result() const { return m_result; }
    ProgressState::Snapshot progress() const { return m_progress->snapshot(); }

    // Asks the body to stop; it ends with a Cancelled result once it has cleaned up.
    void cancel();
    bool isCancelRequested() const { return m_cancel.isCancelled(); }

Q_SIGNALS:
    void progressChanged(double fraction, const QString &step);
    void finished(const ragdr::core::OperationResult &result);

private:
    friend class OperationRunner;
    Operation(QString id, OperationSpec spec, QObject *parent);
    void complete(const OperationResult &result);
    void pollProgress();

    QString m_id;
    OperationSpec m_spec;
    QDateTime m_startedAt;
    CancelToken m_cancel;
    std::shared_ptr<ProgressState> m_progress;
    quint64 m_seenVersion = 0;
    QTimer m_progressTimer;
    bool m_finished = false;
    OperationResult m_result;
};

} // namespace ragdr::core
