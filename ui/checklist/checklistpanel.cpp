#include "checklistpanel.h"

#include "checklistmodel.h"

#include "../common/palette.h"
#include "../common/paneltitle.h"
#include "../timeline/incidentfeed.h"

#include "core/incident/checklistoperations.h"
#include "core/incident/journal.h"
#include "core/ops/workspace.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace ragdr::ui {

ChecklistPanel::ChecklistPanel(core::Workspace *workspace, IncidentFeed *feed, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_feed(feed)
    , m_model(new ChecklistModel(this))
    , m_tree(new QTreeView(this))
    , m_incident(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_runAll(new QPushButton(tr("Run all checks"), this))
    , m_runItem(new QPushButton(tr("Run this check"), this))
    , m_markDone(new QPushButton(tr("Mark done…"), this))
    , m_skip(new QPushButton(tr("Skip…"), this))
{
    setObjectName(QStringLiteral("checklistPanel"));
    m_incident->setObjectName(QStringLiteral("checklistIncident"));
    m_incident->setWordWrap(true);
    m_problem->setObjectName(QStringLiteral("checklistProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: %1").arg(Palette::bad().name()));
    m_problem->hide();
    m_progress->setObjectName(QStringLiteral("requiredProgress"));
    m_progress->setTextVisible(true);
    m_progress->setMinimumWidth(260);
    m_runAll->setObjectName(QStringLiteral("runAllButton"));
    m_runAll->setToolTip(tr("Run every automatic check of the checklist and keep its evidence"));
    m_runItem->setObjectName(QStringLiteral("runItemButton"));
    m_markDone->setObjectName(QStringLiteral("markDoneButton"));
    m_markDone->setToolTip(tr("A manual step is done; the journal records who confirmed it"));
    m_skip->setObjectName(QStringLiteral("skipButton"));

    auto *header = new QHBoxLayout;
    header->addWidget(panelTitle(tr("Checklist"), this));
    header->addSpacing(16);
    header->addWidget(m_incident, 1);
    header->addWidget(m_runAll);
    header->addWidget(m_runItem);
    header->addWidget(m_markDone);
    header->addWidget(m_skip);

    auto *progressRow = new QHBoxLayout;
    auto *progressLabel = new QLabel(tr("Required items:"), this);
    progressRow->addWidget(progressLabel);
    progressRow->addWidget(m_progress, 1);

    m_tree->setObjectName(QStringLiteral("checklistTree"));
    m_tree->setModel(m_model);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setUniformRowHeights(true);
    m_tree->setIconSize(QSize(16, 16));
    m_tree->header()->setStretchLastSection(true);
    m_tree->setColumnWidth(ChecklistModel::Item, 430);
    m_tree->setColumnWidth(ChecklistModel::State, 140);
    m_tree->setColumnWidth(ChecklistModel::Owner, 140);
    m_tree->setColumnWidth(ChecklistModel::Finished, 90);
    // Evidence lines are long: each spans the whole row under its item.
    connect(m_model,
            &QAbstractItemModel::rowsInserted,
            this,
            [this](const QModelIndex &parent, int first, int last) {
                if (parent.data(ChecklistModel::KindRole).toString() != QLatin1String("item"))
                    return;
                for (int row = first; row <= last; ++row)
                    m_tree->setFirstColumnSpanned(row, parent, true);
            });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_tree->expandToDepth(0);
        for (int p = 0; p < m_model->rowCount(); ++p) {
            const QModelIndex phase = m_model->index(p, 0);
            for (int i = 0; i < m_model->rowCount(phase); ++i) {
                const QModelIndex item = m_model->index(i, 0, phase);
                for (int l = 0; l < m_model->rowCount(item); ++l)
                    m_tree->setFirstColumnSpanned(l, item, true);
            }
        }
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addLayout(progressRow);
    layout->addWidget(m_problem);
    layout->addWidget(m_tree, 1);

    connect(m_runAll, &QPushButton::clicked, this, &ChecklistPanel::runAll);
    connect(m_runItem, &QPushButton::clicked, this, &ChecklistPanel::runSelected);
    connect(m_markDone, &QPushButton::clicked, this, &ChecklistPanel::markSelectedDone);
    connect(m_skip, &QPushButton::clicked, this, &ChecklistPanel::skipSelected);
    connect(m_tree->selectionModel(),
            &QItemSelectionModel::selectionChanged,
            this,
            &ChecklistPanel::updateButtons);
    connect(m_feed, &IncidentFeed::updated, this, &ChecklistPanel::onFeed);
    if (m_feed->view())
        onFeed();
    updateButtons();
}

void ChecklistPanel::setRegion(const QString &region)
{
    m_region = region;
}

QString ChecklistPanel::selectedId() const
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    QModelIndex index = rows.constFirst();
    if (index.data(ChecklistModel::KindRole).toString() == QLatin1String("evidence"))
        index = index.parent();
    return index.data(ChecklistModel::ItemIdRole).toString();
}

void ChecklistPanel::onFeed()
{
    const auto view = m_feed->view();
    if (!view)
        return;
    m_model->setState(view->checklist);
    // A new failure opens its evidence: why it failed is the first thing to read.
    for (const core::ChecklistItemState &s : view->checklist.items) {
        if (s.seq == m_seen.value(s.item.id))
            continue;
        m_seen.insert(s.item.id, s.seq);
        if (s.state == core::ChecklistItemState::State::Failed
            || s.state == core::ChecklistItemState::State::CouldNotCheck)
            m_tree->expand(m_model->indexOf(s.item.id));
    }
    const int required = view->checklist.requiredCount();
    m_progress->setRange(0, std::max(1, required));
    m_progress->setValue(view->checklist.requiredDone());
    m_progress->setFormat(
        tr("%1 of %2 required items done").arg(view->checklist.requiredDone()).arg(required));
    const core::Incident *open = view->log.open();
    if (open) {
        m_incident->setText(tr("<b>%1</b> · %2 · %3 — %4")
                                .arg(open->id.toHtmlEscaped(),
                                     open->severity.toHtmlEscaped(),
                                     core::Incident::statusName(open->status),
                                     open->title.toHtmlEscaped()));
    } else {
        m_incident->setText(tr("No incident is open: these are the checks run outside one "
                               "(the Timeline panel opens an incident)."));
    }
    updateButtons();
}

void ChecklistPanel::updateButtons()
{
    const bool running = !m_running.isNull();
    const core::ChecklistItemState *item = nullptr;
    if (const QString id = selectedId(); !id.isEmpty())
        item = m_model->item(m_model->indexOf(id));
    m_runAll->setEnabled(!running);
    m_runItem->setEnabled(!running && item && item->isAutomatic());
    m_markDone->setEnabled(!running && item && !item->isAutomatic());
    m_skip->setEnabled(!running && item);
}

void ChecklistPanel::showProblem(const QString &message)
{
    m_problem->setText(message);
    m_problem->setVisible(!message.isEmpty());
}

void ChecklistPanel::watch(core::Operation *operation)
{
    m_running = operation;
    connect(operation, &core::Operation::finished, this, [this](const core::OperationResult &r) {
        m_running = nullptr;
        m_runningIds.clear();
        m_model->setRunning({});
        // A check that fails is a finding, shown in the tree; anything else is a problem here.
        const bool finding = r.status == core::OperationResult::Status::Failed
                             && r.errorKind == core::Error::Kind::Failed
                             && r.evidence.contains(QLatin1String("items"));
        showProblem(r.ok() || finding ? QString() : r.message);
        m_feed->refresh();
        updateButtons();
    });
    updateButtons();
}

void ChecklistPanel::run(const QStringList &ids)
{
    showProblem({});
    if (ids.isEmpty()) {
        for (const core::ChecklistItem &item : m_workspace->profile().checklist) {
            if (!item.check.isEmpty())
                m_runningIds.insert(item.id);
        }
    } else {
        m_runningIds = QSet<QString>(ids.cbegin(), ids.cend());
    }
    m_model->setRunning(m_runningIds);
    watch(core::ChecklistOperations::run(*m_workspace, ids, m_region));
}

void ChecklistPanel::runAll()
{
    run({});
}

void ChecklistPanel::runSelected()
{
    if (const QString id = selectedId(); !id.isEmpty())
        run({id});
}

void ChecklistPanel::markSelectedDone()
{
    const QString id = selectedId();
    const core::ChecklistItemState *s = m_model->item(m_model->indexOf(id));
    if (!s || s->isAutomatic())
        return;
    QString confirmation;
    if (s->item.gate == QLatin1String("confirm")) {
        if (QMessageBox::question(this,
                                  tr("Mark done"),
                                  tr("Mark “%1” done?\n\nThe journal records that %2 confirmed it.")
                                      .arg(s->item.title, core::Journal::actor()))
            != QMessageBox::Yes)
            return;
        confirmation = id;
    } else if (s->item.gate == QLatin1String("typed-confirm")) {
        bool ok = false;
        confirmation
            = QInputDialog::getText(this,
                                    tr("Mark done"),
                                    tr("“%1” needs a typed confirmation.\nType %2 to mark it done:")
                                        .arg(s->item.title, id),
                                    QLineEdit::Normal,
                                    {},
                                    &ok);
        if (!ok)
            return;
        if (confirmation != id) {
            showProblem(tr("Not marked done: the confirmation typed was not “%1”.").arg(id));
            return;
        }
    }
    watch(core::ChecklistOperations::markDone(*m_workspace, id, confirmation, {}));
}

void ChecklistPanel::skipSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    bool ok = false;
    const QString reason
        = QInputDialog::getText(this,
                                tr("Skip"),
                                tr("Why is “%1” skipped? (the journal keeps the reason)").arg(id),
                                QLineEdit::Normal,
                                {},
                                &ok);
    if (!ok)
        return;
    watch(core::ChecklistOperations::skip(*m_workspace, id, reason));
}

} // namespace ragdr::ui
