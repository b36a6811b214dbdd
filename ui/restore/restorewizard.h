#pragma once

#include "core/backup/backupoperations.h"
#include "core/restore/restoreplan.h"
#include "core/restore/restorestate.h"

#include <QDialog>
#include <QPointer>
#include <QTimer>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QStackedWidget;
class QTableView;
class QTextBrowser;

namespace ragdr::core {
class RestoreWatcher;
class Workspace;
} // namespace ragdr::core

namespace ragdr::ui {

class RestoreStepModel;

// The restore as a walkthrough. First the confirmation: the backup (default: the newest verified),
// the target database, context and namespace, the data-loss window (RPO), the plan with the
// runbook's command beside each step, and the database's name typed to go on. Then the restore,
// run as a process of its own (it outlives this window): each step says what it does and why,
// what the runbook says and what to watch, with its progress, time and result; step by step or
// all at once; a failed step shows the error, what is untouched, and retry, roll back or close.
class RestoreWizard final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestoreWizard)

public:
    RestoreWizard(core::Workspace *workspace,
                  const QString &region,
                  const QString &backupKey,
                  QWidget *parent = nullptr);
    // Follows a restore that runs already (started here, by another console or by the CLI).
    void attach(const QString &restoreId);
    // The open incident's disruption start, in place of "now", measures the RPO and the RTO.
    void useIncidentStart(const QDateTime &start);
    QString restoreId() const;

private:
    void onListed(const core::OperationResult &result,
                  const std::shared_ptr<core::CatalogView> &view);
    void updatePlan();
    void updateStart();
    void start();
    void launch(const QString &kind, const QString &key, bool stepMode);
    void onState(const core::RestoreState &state, bool alive);
    void showStepHelp(int row);
    const core::BackupEntry *chosenBackup() const;

    core::Workspace *m_workspace;
    QString m_region;
    QString m_database;
    QString m_backupKey;
    std::optional<core::RegionListing> m_listing;
    std::optional<core::RestorePlan> m_plan;
    std::optional<core::RestoreState> m_state;
    bool m_alive = false;
    QPointer<core::Operation> m_operation;
    core::RestoreWatcher *m_watcher = nullptr;
    QTimer m_clock;

    QStackedWidget *m_pages;
    QComboBox *m_backups;
    QLabel *m_target;
    QCheckBox *m_disruptionKnown;
    QDateTimeEdit *m_disruptedAt;
    QLabel *m_rpo;
    QTextBrowser *m_planView;
    QRadioButton *m_stepByStep;
    QRadioButton *m_letItRun;
    QLineEdit *m_typed;
    QPushButton *m_start;
    QLabel *m_refusal;

    QLabel *m_heading;
    RestoreStepModel *m_steps;
    QTableView *m_stepTable;
    QLabel *m_stepHelp;
    QProgressBar *m_progress;
    QLabel *m_detail;
    QLabel *m_elapsed;
    QLabel *m_result;
    QPushButton *m_next;
    QPushButton *m_runAll;
    QPushButton *m_appsStopped;
    QPushButton *m_cancel;
    QPushButton *m_retry;
    QPushButton *m_rollback;
    QPushButton *m_cleanup;
    QPushButton *m_close;
};

} // namespace ragdr::ui
