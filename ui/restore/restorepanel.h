#pragma once

#include "restorewizard.h"

#include "core/restore/restorestate.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace ragdr::core {
class Operation;
class RestoreWatcher;
class Workspace;
struct OperationResult;
} // namespace ragdr::core

namespace ragdr::ui {

class IncidentFeed;
class KeptDatabaseModel;
class RestoreHistoryModel;
class RestoreStepModel;

// Restore: the restore running now (found by its state file, whichever console or shell started
// it), an interrupted one with its cleanup, the history of restores with RTO/RPO against the
// targets, and the databases kept for a rollback with Roll back and Discard.
class RestorePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestorePanel)

public:
    // incidents (may be null): the open incident's disruption start for the walkthrough.
    RestorePanel(core::Workspace *workspace, IncidentFeed *incidents, QWidget *parent = nullptr);

    // Opens the walkthrough on a backup of a region ("latest": the newest verified).
    RestoreWizard *openWizard(const QString &region, const QString &backupKey);
    RestoreWizard *wizard() const { return m_wizard; }
    void refresh();
    void setRegion(const QString &region);

private:
    void onCurrent(const core::RestoreState &state, bool alive);
    void rollBack();
    void discard();
    void run(core::Operation *operation);

    core::Workspace *m_workspace;
    IncidentFeed *m_incidents;
    QString m_region;
    core::RestoreWatcher *m_watcher;
    std::optional<core::RestoreState> m_current;
    bool m_alive = false;
    QPointer<RestoreWizard> m_wizard;
    QPointer<core::Operation> m_operation;
    QPointer<core::Operation> m_listing;

    QLabel *m_currentLabel;
    RestoreStepModel *m_steps;
    QTableView *m_stepTable;
    QProgressBar *m_progress;
    QPushButton *m_restoreButton;
    QPushButton *m_openButton;
    QPushButton *m_cancelButton;
    QPushButton *m_cleanupButton;
    RestoreHistoryModel *m_history;
    KeptDatabaseModel *m_kept;
    QTableView *m_keptTable;
    QPushButton *m_rollbackButton;
    QPushButton *m_discardButton;
    QLabel *m_message;
};

} // namespace ragdr::ui
