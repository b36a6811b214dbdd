#pragma once

#include "operation.h"

#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <atomic>
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
    // Cancels what still runs and waits for it to clean up. The console never gets here with
    // work running (it winds down first, see Winddown): the wait would block its GUI thread.
    ~OperationRunner() override;

    // The operation is deleted (deleteLater) after it has emitted finished(). While the runner
    // does not accept work, the operation ends at once, refused, without running its body.
    Operation *start(OperationSpec spec, Body body);

    // Started and not yet finished, in the order they were started.
    QList<Operation *> active() const;
    bool isIdle() const { return active().isEmpty(); }
    Journal *journal() const { return m_journal.get(); }

    // A workspace that is going away stops taking work, so that what runs can only get fewer.
    void setAccepting(bool accepting) { m_accepting = accepting; }
    bool isAccepting() const { return m_accepting; }

    // Runs an operation and waits for its result with a local event loop (CLI and tests).
    OperationResult run(OperationSpec spec, Body body);

Q_SIGNALS:
    void started(ragdr::core::Operation *operation);
    // The last active operation has delivered its result. Emitted from within that operation's
    // finished(): whoever deletes the runner on it does so after returning to the event loop.
    void idle();

private:
    std::shared_ptr<Journal> m_journal;
    QThreadPool m_pool;
    QList<QPointer<Operation>> m_active;
    bool m_accepting = true;
    std::atomic_int m_runningBodies = 0; // bodies on the pool that have not returned yet
};

} // namespace ragdr::core
