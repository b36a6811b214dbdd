#pragma once

#include "operation.h"

#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <memory>

namespace ragdr::core {

class Journal;

// The one way to run an operation, for the GUI, the CLI and the tests alike: the body runs off
// the caller's thread, reports through Progress, honours cancel, and ends with a result; each
// start and end of a journalled operation is appended to the incident journal.
class OperationRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperationRunner)

public:
    using Body = std::function<OperationResult(const Progress &progress)>;

    explicit OperationRunner(std::shared_ptr<Journal> journal, QObject *parent = nullptr);
    ~OperationRunner() override; // cancels what runs and waits for it to clean up

    // The operation is deleted (deleteLater) after it has emitted finished().
    Operation *start(OperationSpec spec, Body body);

    QList<Operation *> active() const;
    Journal *journal() const { return m_journal.get(); }

    // Runs an operation and waits for its result with a local event loop (CLI and tests).
    OperationResult run(OperationSpec spec, Body body);

Q_SIGNALS:
    void started(ragdr::core::Operation *operation);

private:
    std::shared_ptr<Journal> m_journal;
    QThreadPool m_pool;
    QList<QPointer<Operation>> m_active;
};

} // namespace ragdr::core
