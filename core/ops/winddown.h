#pragma once

#include "operation.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <memory>
#include <optional>

namespace ragdr::core {

class OperationRunner;

// Ends the work of a workspace before the workspace goes (the window closes, another profile
// opens): cancels what runs or lets it finish, then says how each operation ended. Nothing here
// blocks the caller's thread: the waiting is an operation of its own ("console.winddown"), so the
// journal records what was running, what was decided, and which operations finished and which
// were cancelled. Look-ups (operations that are not journalled) are cancelled without asking.
class Winddown final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Winddown)

public:
    enum class Mode { Cancel, Finish };

    // A journalled operation that ran when the winddown was created, and how it ended.
    struct Item
    {
        QString id;
        QString kind;
        QString title;
        QPointer<Operation> operation;
        std::optional<OperationResult> result; // once it has ended
    };

    static QString kind() { return QStringLiteral("console.winddown"); }

    // reason completes "Wind down before …": "closing the console", "opening FILE".
    Winddown(OperationRunner &runner, QString reason, QObject *parent = nullptr);
    ~Winddown() override;

    const QList<Item> &items() const { return m_items; }
    int remaining() const;
    std::optional<Mode> mode() const { return m_mode; }

    // The decision: from here on the runner takes no new work.
    void start(Mode mode);
    // In Finish mode: stop waiting for what still runs and cancel it.
    void cancelRest();
    // Stop winding down: what runs goes on and the runner takes work again; finished(false).
    void abandon();

    // One line per item: "Back up rag (drill): cancelled — untouched: …".
    QStringList outcomeLines() const;
    static QString outcomeLine(const Item &item);

Q_SIGNALS:
    // An operation ended, or the decision changed.
    void changed();
    // Queued, so that a receiver may delete the workspace: true when every operation has ended
    // and the runner is idle; false when the winddown was abandoned.
    void finished(bool ended);

private:
    struct Shared;

    void onItemEnded(int index, const OperationResult &result);
    void onOwnFinished();
    void publish();
    void maybeFinish();
    void cancelRemaining();

    QPointer<OperationRunner> m_runner;
    QString m_reason;
    QList<Item> m_items;
    QList<QPointer<Operation>> m_lookups;
    std::optional<Mode> m_mode;
    Mode m_decision = Mode::Cancel; // as first chosen; m_mode changes when the rest is cancelled
    bool m_cancelledRest = false;
    bool m_abandoned = false;
    bool m_done = false;
    QPointer<Operation> m_own;
    bool m_ownDone = false;
    std::shared_ptr<Shared> m_shared;
    QElapsedTimer m_clock;
};

} // namespace ragdr::core
