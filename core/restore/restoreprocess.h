#pragma once

#include "restorejob.h"
#include "restorestate.h"

#include "core/base/error.h"

#include <QObject>
#include <QTimer>

namespace ragdr::core {

class RestoreStore;

// A restore as a process of its own: the console starts `ragdr restore … --json` in a session of
// its own (closing or crashing the console does not stop it), then follows its state file. Any
// console that opens the profile finds a running restore the same way.
class RestoreProcess final
{
public:
    // Starts `ragdr` (found beside the running program) for a restore or a rollback; returns the
    // id of its state file. Its output goes to <data dir>/restores/<id>.log.
    static Result<QString> launch(const QString &profilePath,
                                  const QString &dataDir,
                                  const QString &kind, // "restore" | "rollback"
                                  const RestoreOptions &options);
    // Asks the restore's process to cancel (SIGTERM: it cleans up, then ends).
    static Status cancel(const RestoreStore &store, const RestoreState &state);
    // Lets a walkthrough's restore go on: into `step`, or "all" to run to the end, or
    // "apps-stopped" when the commander stopped the apps by hand.
    static Status allow(const RestoreStore &store, const QString &id, const QString &token);
    static QString program();
};

// Follows one restore's state file (or the newest unfinished restore when no id is given) and says
// when it changed. Lives in the GUI thread: the file is small and read at most four times a second.
class RestoreWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestoreWatcher)

public:
    RestoreWatcher(QString dataDir, QString id, QObject *parent = nullptr);

    QString id() const { return m_id; }
    std::optional<RestoreState> state() const { return m_state; }
    bool isAlive() const { return m_alive; }
    void poll();

Q_SIGNALS:
    void changed(const ragdr::core::RestoreState &state, bool alive);

private:
    QString m_dataDir;
    QString m_id;
    std::optional<RestoreState> m_state;
    bool m_alive = false;
    QTimer m_timer;
};

} // namespace ragdr::core
