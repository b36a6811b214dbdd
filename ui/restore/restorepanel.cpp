#include "restorepanel.h"

#include "restorehistorymodel.h"
#include "restorestepmodel.h"
#include "restorewizard.h"

#include "../common/palette.h"
#include "../common/paneltitle.h"
#include "../timeline/incidentfeed.h"

#include "core/ops/workspace.h"
#include "core/restore/restoreoperations.h"
#include "core/restore/restoreprocess.h"
#include "core/restore/restorestore.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace ragdr::ui {

namespace {

QTableView *table(QAbstractItemModel *model, const QString &name, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

} // namespace

RestorePanel::RestorePanel(core::Workspace *workspace, IncidentFeed *incidents, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_incidents(incidents)
    , m_watcher(new core::RestoreWatcher(workspace->dataDir(), QString(), this))
    , m_currentLabel(new QLabel(tr("No restore is running."), this))
    , m_steps(new RestoreStepModel(this))
    , m_progress(new QProgressBar(this))
    , m_restoreButton(new QPushButton(tr("Restore…"), this))
    , m_openButton(new QPushButton(tr("Open walkthrough"), this))
    , m_cancelButton(new QPushButton(tr("Cancel"), this))
    , m_cleanupButton(new QPushButton(tr("Clean up"), this))
    , m_history(new RestoreHistoryModel(workspace->profile(), this))
    , m_kept(new KeptDatabaseModel(this))
    , m_rollbackButton(new QPushButton(tr("Roll back…"), this))
    , m_discardButton(new QPushButton(tr("Discard…"), this))
    , m_message(new QLabel(this))
{
    setObjectName(QStringLiteral("restorePanel"));
    m_region = workspace->profile().regions.constFirst().name;
    m_currentLabel->setObjectName(QStringLiteral("currentRestoreLabel"));
    m_currentLabel->setWordWrap(true);
    m_stepTable = table(m_steps, QStringLiteral("currentStepTable"), this);
    m_steps->showIn(m_stepTable);
    m_progress->setObjectName(QStringLiteral("currentRestoreProgress"));
    m_progress->setRange(0, 1000);
    m_restoreButton->setObjectName(QStringLiteral("restoreButton"));
    m_openButton->setObjectName(QStringLiteral("openWalkthroughButton"));
    m_cancelButton->setObjectName(QStringLiteral("cancelRestoreButton"));
    m_cleanupButton->setObjectName(QStringLiteral("cleanupButton"));
    m_cleanupButton->setToolTip(
        tr("Finds out whether the interrupted restore's swap happened; "
           "before it, drops the staging database and scales the apps back; "
           "after it, brings the apps back"));
    m_rollbackButton->setObjectName(QStringLiteral("rollbackButton"));
    m_discardButton->setObjectName(QStringLiteral("discardButton"));
    m_message->setObjectName(QStringLiteral("restoreMessage"));
    m_message->setWordWrap(true);
    auto *historyTable = table(m_history, QStringLiteral("historyTable"), this);
    m_keptTable = table(m_kept, QStringLiteral("keptTable"), this);
    m_keptTable->setMaximumHeight(160);
    m_keptTable->setColumnWidth(KeptDatabaseModel::Name, 320);
    m_keptTable->setColumnWidth(KeptDatabaseModel::Since, 150);
    for (int c = 0; c < RestoreHistoryModel::ColumnCount; ++c)
        historyTable->setColumnWidth(c, 150);
    // A backup's name is its date and more: never cut.
    historyTable->horizontalHeader()->setSectionResizeMode(RestoreHistoryModel::Backup,
                                                           QHeaderView::ResizeToContents);

    auto *currentButtons = new QHBoxLayout;
    for (QPushButton *b : {m_restoreButton, m_openButton, m_cancelButton, m_cleanupButton})
        currentButtons->addWidget(b);
    currentButtons->addStretch(1);
    auto *keptButtons = new QHBoxLayout;
    keptButtons->addWidget(new QLabel(tr("Kept for a rollback:"), this));
    keptButtons->addStretch(1);
    keptButtons->addWidget(m_rollbackButton);
    keptButtons->addWidget(m_discardButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(panelTitle(tr("Restore"), this));
    layout->addWidget(m_currentLabel);
    layout->addWidget(m_progress);
    layout->addWidget(m_stepTable);
    layout->addLayout(currentButtons);
    layout->addWidget(m_message);
    layout->addWidget(new QLabel(tr("History"), this));
    layout->addWidget(historyTable, 1);
    layout->addLayout(keptButtons);
    layout->addWidget(m_keptTable);

    connect(m_watcher, &core::RestoreWatcher::changed, this, &RestorePanel::onCurrent);
    connect(m_restoreButton, &QPushButton::clicked, this, [this] {
        openWizard(m_region, QStringLiteral("latest"));
    });
    connect(m_openButton, &QPushButton::clicked, this, [this] {
        if (!m_current)
            return;
        auto *w = new RestoreWizard(m_workspace, m_current->region, m_current->backupId, this);
        m_wizard = w;
        w->attach(m_current->id);
        w->show();
    });
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        if (!m_current)
            return;
        if (auto cancelled = core::RestoreProcess::cancel(core::RestoreStore(m_workspace->dataDir()),
                                                          *m_current);
            !cancelled)
            m_message->setText(cancelled.error().message);
    });
    connect(m_cleanupButton, &QPushButton::clicked, this, [this] {
        if (m_current)
            run(core::RestoreOperations::cleanup(*m_workspace, m_current->id));
    });
    connect(m_rollbackButton, &QPushButton::clicked, this, &RestorePanel::rollBack);
    connect(m_discardButton, &QPushButton::clicked, this, &RestorePanel::discard);
    connect(m_keptTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const bool chosen = m_keptTable->selectionModel()->hasSelection();
        m_discardButton->setEnabled(chosen && !m_workspace->profile().readOnly);
    });
    onCurrent({}, false);
    m_watcher->poll();
    refresh();
}

void RestorePanel::setRegion(const QString &region)
{
    if (region.isEmpty() || region == m_region)
        return;
    m_region = region;
    refresh();
}

RestoreWizard *RestorePanel::openWizard(const QString &region, const QString &backupKey)
{
    if (m_wizard)
        m_wizard->close();
    auto *w = new RestoreWizard(m_workspace, region.isEmpty() ? m_region : region, backupKey, this);
    m_wizard = w;
    if (const auto view = m_incidents ? m_incidents->view() : nullptr;
        view && view->incident && view->incident->isOpen()) {
        const core::Incident &i = *view->incident;
        w->useIncidentStart(i.disruptionStart.isValid() ? i.disruptionStart : i.declaredAt);
    }
    connect(w, &QObject::destroyed, this, [this] { refresh(); });
    w->show();
    return w;
}

void RestorePanel::refresh()
{
    if (m_listing)
        return;
    auto listing = std::make_shared<core::RestoreListing>();
    m_listing = core::RestoreOperations::list(*m_workspace, m_region, listing);
    connect(m_listing,
            &core::Operation::finished,
            this,
            [this, listing](const core::OperationResult &r) {
                m_history->setEntries(listing->restores);
                m_kept->setDatabases(listing->kept);
                if (!r.ok())
                    m_message->setText(r.message);
                else if (!listing->keptProblem.isEmpty())
                    m_message->setText(
                        tr("The kept databases could not be listed: %1").arg(listing->keptProblem));
                m_rollbackButton->setEnabled(!listing->kept.isEmpty()
                                             && !m_workspace->profile().readOnly
                                             && !(m_current && m_alive));
            });
}

void RestorePanel::onCurrent(const core::RestoreState &state, bool alive)
{
    const bool known = !state.id.isEmpty();
    const bool finishedNow = known && m_current && !m_current->isFinished() && state.isFinished();
    if (known)
        m_current = state;
    m_alive = alive;
    const bool interrupted = known && !state.isFinished() && !alive && !state.cleanedUp;
    const bool running = known && !state.isFinished() && alive;
    if (!known) {
        m_currentLabel->setText(tr("No restore is running."));
    } else if (interrupted) {
        m_currentLabel->setText(
            tr("<b style='color:%1'>%2 was interrupted</b> in %3 (its process, pid %4 "
               "on %5, is gone). Clean up finds out whether the swap happened.")
                .arg(Palette::bad().name(), state.id, state.step)
                .arg(state.pid)
                .arg(state.host));
    } else if (running) {
        m_currentLabel->setText(tr("<b>%1</b> of %2 into %3, started by %4 at %5 UTC (pid %6): %7")
                                    .arg(state.kind,
                                         state.backupId,
                                         state.database,
                                         state.actor,
                                         state.startedAt.toString(QStringLiteral("HH:mm:ss")))
                                    .arg(state.pid)
                                    .arg(state.waiting.isEmpty()
                                             ? state.detail
                                             : tr("waiting for you (%1)").arg(state.waiting)));
    } else {
        m_currentLabel->setText(
            tr("Last: %1 %2: %3").arg(state.id, state.phaseName(), state.message));
    }
    if (known)
        m_steps->setState(state, alive);
    m_progress->setVisible(running);
    m_progress->setValue(int(std::clamp(state.fraction, 0.0, 1.0) * 1000));
    m_stepTable->setVisible(known);
    m_openButton->setEnabled(known);
    m_cancelButton->setEnabled(running && !state.swapStarted);
    m_cleanupButton->setEnabled(interrupted && !m_workspace->profile().readOnly);
    m_restoreButton->setEnabled(!running && !m_workspace->profile().readOnly);
    if (finishedNow || (known && m_history->rowCount() == 0))
        refresh();
}

void RestorePanel::run(core::Operation *operation)
{
    m_operation = operation;
    m_message->setText(operation->spec().title + QStringLiteral("…"));
    connect(operation, &core::Operation::finished, this, [this](const core::OperationResult &r) {
        m_message->setText(
            QStringLiteral("<span style='color:%1'>%2</span>%3")
                .arg((r.ok() ? Palette::good() : Palette::bad()).name(),
                     r.message.toHtmlEscaped(),
                     r.untouched.isEmpty()
                         ? QString()
                         : QStringLiteral("<br>")
                               + tr("Untouched: %1").arg(r.untouched.toHtmlEscaped())));
        m_watcher->poll();
        refresh();
    });
}

void RestorePanel::rollBack()
{
    const core::Region *r = m_workspace->profile().region(m_region);
    if (!r)
        return;
    const core::KeptDatabase *kept = m_kept->database(m_keptTable->currentIndex().row());
    bool ok = false;
    const QString typed
        = QInputDialog::getText(this,
                                tr("Roll back %1").arg(r->database.name),
                                tr("Swaps %1 back in as %2 (stopping and restarting the apps); the "
                                   "database live now is kept. "
                                   "Type %2 to go on:")
                                    .arg(kept ? kept->name : tr("the newest pre-restore database"),
                                         r->database.name),
                                QLineEdit::Normal,
                                QString(),
                                &ok);
    if (!ok)
        return;
    if (typed != r->database.name) {
        m_message->setText(tr("Not rolled back: the name typed was not %1").arg(r->database.name));
        return;
    }
    core::RestoreOptions options;
    options.region = m_region;
    options.confirmation = typed;
    options.backupKey = kept && kept->kind == QLatin1String("pre-restore") ? kept->name : QString();
    auto id = core::RestoreProcess::launch(m_workspace->profile().path,
                                           m_workspace->dataDir(),
                                           QStringLiteral("rollback"),
                                           options);
    if (!id) {
        m_message->setText(id.error().message);
        return;
    }
    auto *w = new RestoreWizard(m_workspace, m_region, QString(), this);
    m_wizard = w;
    w->attach(*id);
    w->show();
}

void RestorePanel::discard()
{
    const core::KeptDatabase *kept = m_kept->database(m_keptTable->currentIndex().row());
    if (!kept)
        return;
    const QString name = kept->name;
    bool ok = false;
    const QString typed = QInputDialog::getText(
        this,
        tr("Discard %1").arg(name),
        tr("Drops %1 for good: no rollback to it afterwards. Type its name to go on:").arg(name),
        QLineEdit::Normal,
        QString(),
        &ok);
    if (ok)
        run(core::RestoreOperations::discard(*m_workspace, m_region, name, typed));
}

} // namespace ragdr::ui
