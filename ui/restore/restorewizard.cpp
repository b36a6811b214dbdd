#include "restorewizard.h"

#include "restorestepmodel.h"

#include "../common/palette.h"
#include "../common/paneltitle.h"

#include "core/backup/backuprepository.h"
#include "core/base/duration.h"
#include "core/ops/workspace.h"
#include "core/restore/recoverytimes.h"
#include "core/restore/restorejob.h"
#include "core/restore/restoreoperations.h"
#include "core/restore/restoreprocess.h"
#include "core/restore/restorestore.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace ragdr::ui {

namespace {

QString colored(const QColor &c, const QString &text)
{
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(c.name(), text.toHtmlEscaped());
}

QString planHtml(const core::RestorePlan &plan)
{
    QString html;
    int n = 1;
    for (const core::PlanStep &s : plan.steps) {
        html += QStringLiteral("<p><b>%1. %2</b><br>%3<br><i>Why:</i> %4<br><i>Runbook:</i> %5</p>")
                    .arg(n++)
                    .arg(s.title.toHtmlEscaped(),
                         s.what.toHtmlEscaped(),
                         s.why.toHtmlEscaped(),
                         s.runbook.toHtmlEscaped());
    }
    return html;
}

} // namespace

RestoreWizard::RestoreWizard(core::Workspace *workspace,
                             const QString &region,
                             const QString &backupKey,
                             QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_backupKey(backupKey.isEmpty() ? QStringLiteral("latest") : backupKey)
    , m_pages(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("restoreWizard"));
    setAttribute(Qt::WA_DeleteOnClose);
    const core::Profile &profile = workspace->profile();
    const core::Region &r = region.isEmpty() || !profile.region(region)
                                ? profile.regions.constFirst()
                                : *profile.region(region);
    m_region = r.name;
    m_database = r.database.name;
    setWindowTitle(tr("Restore %1 (%2)").arg(m_database, m_region));
    resize(980, 720);

    // The confirmation.
    auto *confirm = new QWidget(m_pages);
    confirm->setObjectName(QStringLiteral("confirmPage"));
    m_backups = new QComboBox(confirm);
    m_backups->setObjectName(QStringLiteral("backupCombo"));
    m_target
        = new QLabel(tr("Database <b>%1</b> on %2:%3 · context <b>%4</b> · namespace <b>%5</b> · "
                        "environment <b>%6</b>")
                         .arg(m_database.toHtmlEscaped(), r.database.host.toHtmlEscaped())
                         .arg(r.database.port)
                         .arg(r.kube.context.toHtmlEscaped(),
                              r.kube.ns.toHtmlEscaped(),
                              profile.environment.toUpper().toHtmlEscaped()),
                     confirm);
    m_target->setObjectName(QStringLiteral("targetLabel"));
    m_disruptionKnown = new QCheckBox(tr("The disruption started at (UTC):"), confirm);
    m_disruptionKnown->setObjectName(QStringLiteral("disruptionKnown"));
    m_disruptionKnown->setChecked(true);
    m_disruptedAt = new QDateTimeEdit(QDateTime::currentDateTimeUtc(), confirm);
    m_disruptedAt->setObjectName(QStringLiteral("disruptedAt"));
    m_disruptedAt->setTimeSpec(Qt::UTC);
    m_disruptedAt->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_rpo = new QLabel(confirm);
    m_rpo->setObjectName(QStringLiteral("rpoLabel"));
    m_planView = new QTextBrowser(confirm);
    m_planView->setObjectName(QStringLiteral("planView"));
    m_stepByStep
        = new QRadioButton(tr("Step by step: I start each step (a first time, or a drill)"),
                           confirm);
    m_stepByStep->setObjectName(QStringLiteral("stepByStep"));
    m_letItRun = new QRadioButton(tr("Let it run: every step, stopping at the first problem"),
                                  confirm);
    m_letItRun->setObjectName(QStringLiteral("letItRun"));
    m_stepByStep->setChecked(true);
    m_typed = new QLineEdit(confirm);
    m_typed->setObjectName(QStringLiteral("confirmName"));
    m_typed->setPlaceholderText(tr("type %1 to go on").arg(m_database));
    m_start = new QPushButton(tr("Restore"), confirm);
    m_start->setObjectName(QStringLiteral("startButton"));
    m_start->setDefault(true);
    m_refusal = new QLabel(confirm);
    m_refusal->setWordWrap(true);
    auto *closeConfirm = new QPushButton(tr("Close"), confirm);
    auto *form = new QFormLayout;
    form->addRow(tr("Backup"), m_backups);
    form->addRow(tr("Target"), m_target);
    auto *disruption = new QHBoxLayout;
    disruption->addWidget(m_disruptionKnown);
    disruption->addWidget(m_disruptedAt);
    disruption->addStretch(1);
    form->addRow(tr("Disruption"), disruption);
    form->addRow(tr("Data-loss window"), m_rpo);
    auto *confirmButtons = new QHBoxLayout;
    confirmButtons->addWidget(new QLabel(tr("Type the database's name:"), confirm));
    confirmButtons->addWidget(m_typed);
    confirmButtons->addStretch(1);
    confirmButtons->addWidget(closeConfirm);
    confirmButtons->addWidget(m_start);
    auto *confirmLayout = new QVBoxLayout(confirm);
    confirmLayout->addWidget(panelTitle(tr("Restore %1").arg(m_database), confirm));
    confirmLayout->addLayout(form);
    confirmLayout->addWidget(new QLabel(tr("The plan: nothing touches the live database before the "
                                           "cut-over, and the old one is kept for a rollback."),
                                        confirm));
    confirmLayout->addWidget(m_planView, 1);
    confirmLayout->addWidget(m_stepByStep);
    confirmLayout->addWidget(m_letItRun);
    confirmLayout->addWidget(m_refusal);
    confirmLayout->addLayout(confirmButtons);

    // The restore.
    auto *run = new QWidget(m_pages);
    run->setObjectName(QStringLiteral("runPage"));
    m_heading = panelTitle(QString(), run);
    m_heading->setObjectName(QStringLiteral("runHeading"));
    m_steps = new RestoreStepModel(this);
    m_stepTable = new QTableView(run);
    m_stepTable->setObjectName(QStringLiteral("stepTable"));
    m_stepTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_stepTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_steps->showIn(m_stepTable);
    m_stepHelp = new QLabel(run);
    m_stepHelp->setObjectName(QStringLiteral("stepHelp"));
    m_stepHelp->setWordWrap(true);
    m_stepHelp->setTextFormat(Qt::RichText);
    m_stepHelp->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_progress = new QProgressBar(run);
    m_progress->setObjectName(QStringLiteral("restoreProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_detail = new QLabel(run);
    m_detail->setObjectName(QStringLiteral("detailLabel"));
    m_detail->setWordWrap(true);
    m_elapsed = new QLabel(run);
    m_elapsed->setObjectName(QStringLiteral("elapsedLabel"));
    m_result = new QLabel(run);
    m_result->setObjectName(QStringLiteral("resultLabel"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_next = new QPushButton(tr("Start the next step"), run);
    m_next->setObjectName(QStringLiteral("nextStepButton"));
    m_runAll = new QPushButton(tr("Let it run"), run);
    m_runAll->setObjectName(QStringLiteral("letItRunButton"));
    m_appsStopped = new QPushButton(tr("The apps are stopped"), run);
    m_appsStopped->setObjectName(QStringLiteral("appsStoppedButton"));
    m_cancel = new QPushButton(tr("Cancel"), run);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setToolTip(tr("Before the cut-over's swap: drops the staging database and puts the "
                            "apps back"));
    m_retry = new QPushButton(tr("Retry"), run);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_rollback = new QPushButton(tr("Roll back"), run);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_cleanup = new QPushButton(tr("Clean up"), run);
    m_cleanup->setObjectName(QStringLiteral("cleanupButton"));
    m_close = new QPushButton(tr("Close"), run);
    m_close->setObjectName(QStringLiteral("closeButton"));
    m_close->setToolTip(tr("The restore goes on without this window; the Restore panel shows it"));
    auto *runButtons = new QHBoxLayout;
    for (QPushButton *b :
         {m_next, m_runAll, m_appsStopped, m_cancel, m_retry, m_rollback, m_cleanup})
        runButtons->addWidget(b);
    runButtons->addStretch(1);
    runButtons->addWidget(m_close);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_elapsed);
    auto *runLayout = new QVBoxLayout(run);
    runLayout->addWidget(m_heading);
    runLayout->addWidget(m_stepTable);
    runLayout->addLayout(progressRow);
    runLayout->addWidget(m_detail);
    runLayout->addWidget(m_stepHelp, 1);
    runLayout->addWidget(m_result);
    runLayout->addLayout(runButtons);

    m_pages->addWidget(confirm);
    m_pages->addWidget(run);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);

    connect(m_backups, &QComboBox::currentIndexChanged, this, &RestoreWizard::updatePlan);
    connect(m_disruptionKnown, &QCheckBox::toggled, this, &RestoreWizard::updatePlan);
    connect(m_disruptedAt, &QDateTimeEdit::dateTimeChanged, this, &RestoreWizard::updatePlan);
    connect(m_typed, &QLineEdit::textChanged, this, &RestoreWizard::updateStart);
    connect(m_start, &QPushButton::clicked, this, &RestoreWizard::start);
    connect(closeConfirm, &QPushButton::clicked, this, &QDialog::close);
    connect(m_close, &QPushButton::clicked, this, &QDialog::close);
    connect(m_stepTable->selectionModel(),
            &QItemSelectionModel::currentRowChanged,
            this,
            [this](const QModelIndex &current) { showStepHelp(current.row()); });
    const core::RestoreStore store(m_workspace->dataDir());
    connect(m_next, &QPushButton::clicked, this, [this, store] {
        if (m_state && m_state->waiting.startsWith(QLatin1String("continue:")))
            (void) core::RestoreProcess::allow(store, m_state->id, m_state->waiting.mid(9));
    });
    connect(m_runAll, &QPushButton::clicked, this, [this, store] {
        if (m_state)
            (void) core::RestoreProcess::allow(store, m_state->id, QStringLiteral("all"));
    });
    connect(m_appsStopped, &QPushButton::clicked, this, [this, store] {
        if (m_state)
            (void) core::RestoreProcess::allow(store, m_state->id, QStringLiteral("apps-stopped"));
    });
    connect(m_cancel, &QPushButton::clicked, this, [this, store] {
        if (m_state) {
            if (auto cancelled = core::RestoreProcess::cancel(store, *m_state); !cancelled)
                m_result->setText(colored(Palette::bad(), cancelled.error().message));
        }
    });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        launch(QStringLiteral("restore"),
               m_state ? m_state->backupId : m_backupKey,
               m_state && m_state->stepMode);
    });
    connect(m_rollback, &QPushButton::clicked, this, [this] {
        launch(QStringLiteral("rollback"), QString(), false);
    });
    connect(m_cleanup, &QPushButton::clicked, this, [this] {
        if (!m_state)
            return;
        m_cleanup->setEnabled(false);
        m_result->setText(tr("cleaning up after %1…").arg(m_state->id));
        m_operation = core::RestoreOperations::cleanup(*m_workspace, m_state->id);
        connect(m_operation,
                &core::Operation::finished,
                this,
                [this](const core::OperationResult &r) {
                    m_result->setText(colored(r.ok() ? Palette::good() : Palette::bad(), r.message));
                    if (m_watcher)
                        m_watcher->poll();
                });
    });
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        if (m_state)
            onState(*m_state, m_alive);
    });

    updatePlan();
    auto view = std::make_shared<core::CatalogView>();
    m_operation = core::BackupOperations::list(m_workspace->runner(), profile, {m_region}, view);
    connect(m_operation,
            &core::Operation::finished,
            this,
            [this, view](const core::OperationResult &r) { onListed(r, view); });
}

QString RestoreWizard::restoreId() const
{
    return m_state ? m_state->id : (m_watcher ? m_watcher->id() : QString());
}

void RestoreWizard::onListed(const core::OperationResult &result,
                             const std::shared_ptr<core::CatalogView> &view)
{
    if (!result.ok() || view->regions.isEmpty()) {
        m_refusal->setText(colored(Palette::bad(), result.message));
        return;
    }
    m_listing = view->regions.constFirst();
    const QSignalBlocker blocker(m_backups);
    m_backups->clear();
    const core::BackupEntry *latest = nullptr;
    if (auto found = m_listing->find(QStringLiteral("latest")))
        latest = *found;
    int current = -1;
    for (const core::BackupEntry &e : m_listing->entries) {
        if (!e.inPrimary())
            continue;
        QString text = QStringLiteral("%1 · %2 · %3")
                           .arg(e.id,
                                e.createdAt.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                e.verificationText());
        if (&e == latest)
            text += tr(" · latest");
        m_backups->addItem(text, e.id);
        if ((m_backupKey == QLatin1String("latest") && &e == latest) || e.id == m_backupKey)
            current = m_backups->count() - 1;
    }
    m_backups->setCurrentIndex(current < 0 ? 0 : current);
    updatePlan();
}

const core::BackupEntry *RestoreWizard::chosenBackup() const
{
    if (!m_listing || m_backups->currentIndex() < 0)
        return nullptr;
    const QString id = m_backups->currentData().toString();
    for (const core::BackupEntry &e : m_listing->entries) {
        if (e.id == id)
            return &e;
    }
    return nullptr;
}

void RestoreWizard::useIncidentStart(const QDateTime &start)
{
    m_disruptionKnown->setText(tr("The disruption started at (UTC, the incident's):"));
    m_disruptionKnown->setChecked(true);
    m_disruptedAt->setDateTime(start.toUTC());
}

void RestoreWizard::updatePlan()
{
    m_disruptedAt->setEnabled(m_disruptionKnown->isChecked());
    const core::BackupEntry *e = chosenBackup();
    if (!e) {
        m_plan.reset();
        m_planView->setHtml(m_listing
                                ? tr("<p>Region %1 has no backup to restore.</p>").arg(m_region)
                                : tr("<p>Listing the backups…</p>"));
        m_rpo->setText(QString());
        updateStart();
        return;
    }
    const core::Profile &profile = m_workspace->profile();
    const core::Region &r = *profile.region(m_region);
    const QDateTime snapshot = e->manifest && !e->manifest->isAdopted()
                                       && e->manifest->startedAt.isValid()
                                   ? e->manifest->startedAt
                                   : e->createdAt;
    m_plan = core::RestorePlan::forRestore(profile,
                                           r,
                                           e->id,
                                           core::LocalRepository(r.primaryRepository())
                                               .locationOf(e->fileName),
                                           snapshot,
                                           core::RestoreJob::jobsFor(profile, 0),
                                           QDateTime::currentDateTimeUtc());
    m_planView->setHtml(planHtml(*m_plan));
    core::RecoveryTimes t;
    t.snapshotAt = snapshot;
    t.disruptedAt = m_disruptionKnown->isChecked() ? m_disruptedAt->dateTime().toUTC()
                                                   : QDateTime();
    const QString rpo = t.rpoText(profile);
    m_rpo->setText(
        rpo.isEmpty()
            ? tr("the backup's snapshot is from %1 UTC; what changed after it is lost")
                  .arg(snapshot.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")))
            : tr("%1: what changed after %2 UTC is lost")
                  .arg(rpo, snapshot.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    updateStart();
}

void RestoreWizard::updateStart()
{
    const bool readOnly = m_workspace->profile().readOnly;
    m_refusal->setText(readOnly ? colored(Palette::bad(), tr("The profile is read-only."))
                                : QString());
    m_start->setEnabled(!readOnly && m_plan && m_typed->text() == m_database);
}

void RestoreWizard::start()
{
    if (!m_start->isEnabled())
        return;
    launch(QStringLiteral("restore"), m_plan->backupId, m_stepByStep->isChecked());
}

void RestoreWizard::launch(const QString &kind, const QString &key, bool stepMode)
{
    core::RestoreOptions options;
    options.region = m_region;
    options.backupKey = key;
    options.confirmation = m_database;
    options.stepMode = stepMode;
    if (kind == QLatin1String("restore") && m_disruptionKnown->isChecked())
        options.disruptedAt = m_disruptedAt->dateTime().toUTC();
    auto id = core::RestoreProcess::launch(m_workspace->profile().path,
                                           m_workspace->dataDir(),
                                           kind,
                                           options);
    if (!id) {
        m_refusal->setText(colored(Palette::bad(), id.error().message));
        m_result->setText(colored(Palette::bad(), id.error().message));
        return;
    }
    attach(*id);
}

void RestoreWizard::attach(const QString &restoreId)
{
    delete m_watcher;
    m_state.reset();
    m_watcher = new core::RestoreWatcher(m_workspace->dataDir(), restoreId, this);
    connect(m_watcher, &core::RestoreWatcher::changed, this, &RestoreWizard::onState);
    m_pages->setCurrentIndex(1);
    m_heading->setText(tr("Starting %1…").arg(restoreId));
    m_result->clear();
    for (QPushButton *b :
         {m_next, m_runAll, m_appsStopped, m_cancel, m_retry, m_rollback, m_cleanup})
        b->setEnabled(false);
    m_clock.start();
    m_watcher->poll();
}

void RestoreWizard::onState(const core::RestoreState &state, bool alive)
{
    const bool fresh = !m_state || m_state->id != state.id;
    m_state = state;
    m_alive = alive;
    m_steps->setState(state, alive);
    const bool rollback = state.kind == QLatin1String("rollback");
    m_heading->setText(rollback ? tr("Rolling back %1").arg(state.database)
                                : tr("Restoring %1 into %2").arg(state.backupId, state.database));
    if (fresh && !m_plan && !rollback) {
        const core::Profile &profile = m_workspace->profile();
        if (const core::Region *r = profile.region(state.region))
            m_plan = core::RestorePlan::forRestore(profile,
                                                   *r,
                                                   state.backupId,
                                                   state.backupFile,
                                                   state.times.snapshotAt,
                                                   core::RestoreJob::jobsFor(profile, 0),
                                                   state.startedAt);
    }
    const bool interrupted = !state.isFinished() && !alive && !state.cleanedUp;
    const bool waiting = state.waiting.startsWith(QLatin1String("continue:"));
    const QString nextStep = waiting ? state.waiting.mid(9) : QString();
    m_progress->setValue(int(std::clamp(state.fraction, 0.0, 1.0) * 1000));
    // Once the restore is over its last progress line is stale: the result below says it all.
    m_detail->setText(
        state.isFinished() ? QString()
        : waiting          ? tr("Ready to start: %1. Read what it does below, then start it.")
                        .arg(state.stepById(nextStep) ? state.stepById(nextStep)->title : nextStep)
        : state.waiting.startsWith(QLatin1String("apps-stopped")) ? state.waiting.mid(14)
                                                                  : state.detail);
    const QDateTime end = state.isFinished() ? state.finishedAt : QDateTime::currentDateTimeUtc();
    m_elapsed->setText(tr("elapsed %1").arg(core::formatDuration(state.startedAt.secsTo(end))));

    // The step to explain: the one waiting to start, else the one running, else the last one.
    int row = -1;
    for (int i = 0; i < state.steps.size(); ++i) {
        if (state.steps.at(i).id == (waiting ? nextStep : state.step))
            row = i;
    }
    if (row >= 0 && m_stepTable->currentIndex().row() != row && !state.isFinished())
        m_stepTable->setCurrentIndex(m_steps->index(row, 0));
    else
        showStepHelp(m_stepTable->currentIndex().row());

    m_next->setEnabled(alive && waiting);
    if (waiting && state.stepById(nextStep))
        m_next->setText(tr("Start %1").arg(state.stepById(nextStep)->title));
    m_runAll->setEnabled(alive && state.stepMode && !state.isFinished());
    m_appsStopped->setVisible(state.waiting.startsWith(QLatin1String("apps-stopped")));
    m_appsStopped->setEnabled(alive);
    m_cancel->setEnabled(alive && !state.swapStarted);
    m_retry->setEnabled(!rollback
                        && (state.phase == core::RestoreState::Phase::Failed
                            || state.phase == core::RestoreState::Phase::Cancelled)
                        && !state.swapped);
    m_rollback->setEnabled(!rollback && state.isFinished() && state.swapped && state.liveExisted);
    m_cleanup->setEnabled(interrupted);

    if (interrupted) {
        m_result->setText(
            colored(Palette::bad(),
                    tr("The restore's process (pid %1) is gone, in %2. Clean up finds "
                       "out whether the swap happened and puts the rest right.")
                        .arg(state.pid)
                        .arg(state.step)));
    } else if (state.phase == core::RestoreState::Phase::Done) {
        const core::Profile &profile = m_workspace->profile();
        QString text = state.message;
        const QString rto = state.times.rtoText(profile);
        const QString rpo = state.times.rpoText(profile);
        m_result->setText(colored(Palette::good(), text));
        if (!rto.isEmpty() || !rpo.isEmpty())
            m_result->setText(m_result->text()
                              + QStringLiteral("<br><b>%1</b><br><b>%2</b>")
                                    .arg(rto.toHtmlEscaped(), rpo.toHtmlEscaped()));
    } else if (state.isFinished()) {
        QString text = colored(Palette::bad(), state.message);
        if (!state.untouched.isEmpty())
            text += QStringLiteral("<br>")
                    + tr("Untouched: %1").arg(state.untouched.toHtmlEscaped());
        text += QStringLiteral("<br>") + tr("Retry starts it again; Close leaves it as it is.");
        m_result->setText(text);
    } else {
        m_result->clear();
    }
    if (state.isFinished())
        m_clock.stop();
}

void RestoreWizard::showStepHelp(int row)
{
    const core::StepRecord *s = m_steps->step(row);
    if (!s) {
        m_stepHelp->clear();
        return;
    }
    const core::PlanStep *p = nullptr;
    if (m_plan) {
        for (const core::PlanStep &ps : m_plan->steps) {
            if (ps.id == s->id)
                p = &ps;
        }
    }
    QString html = QStringLiteral("<p><b>%1</b></p>").arg(s->title.toHtmlEscaped());
    if (p) {
        html += QStringLiteral("<p>%1</p><p><i>Why:</i> %2</p><p><i>The runbook:</i> "
                               "%3</p><p><i>Watch:</i> %4</p>")
                    .arg(p->what.toHtmlEscaped(),
                         p->why.toHtmlEscaped(),
                         p->runbook.toHtmlEscaped(),
                         p->watch.toHtmlEscaped());
        if (!p->commands.isEmpty()) {
            QStringList commands;
            for (const QString &c : p->commands)
                commands.append(c.toHtmlEscaped());
            html += QStringLiteral("<pre>%1</pre>").arg(commands.join(QLatin1Char('\n')));
        }
    }
    if (!s->message.isEmpty())
        html += QStringLiteral("<p>%1</p>")
                    .arg(colored(s->status == QLatin1String("failed") ? Palette::bad()
                                                                      : Palette::warning(),
                                 s->message));
    m_stepHelp->setText(html);
}

} // namespace ragdr::ui
