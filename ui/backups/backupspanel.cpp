#include "backupspanel.h"

#include "../common/paneltitle.h"

#include "backuptablemodel.h"
#include "manifestdialog.h"
#include "progressdelegate.h"
#include "retentiondialog.h"

#include "../common/palette.h"

#include "core/backup/backupnaming.h"
#include "core/base/files.h"
#include "core/ops/workspace.h"

#include <QAbstractButton>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace ragdr::ui {

namespace {
constexpr int kRelistMs = 60000; // ages and the RPO move on even when nothing happens
}

BackupsPanel::BackupsPanel(core::Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_model(new BackupTableModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_rpo(new QLabel(this))
    , m_problems(new QLabel(this))
    , m_details(new QLabel(this))
    , m_empty(new QLabel(this))
    , m_backupButton(new QPushButton(tr("Back up now"), this))
    , m_verifyButton(new QToolButton(this))
    , m_manifestButton(new QPushButton(tr("Show manifest"), this))
    , m_retentionButton(new QPushButton(tr("Retention…"), this))
    , m_restoreButton(new QPushButton(tr("Restore…"), this))
{
    setObjectName(QStringLiteral("backupsPanel"));
    auto *title = panelTitle(tr("Backups"), this);
    m_rpo->setObjectName(QStringLiteral("rpoLabel"));
    m_rpo->setWordWrap(true); // several regions make a long line; it must not widen the window
    m_problems->setObjectName(QStringLiteral("problemsLabel"));
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: %1").arg(Palette::warning().name()));
    m_problems->hide();
    m_details->setObjectName(QStringLiteral("detailsLabel"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_backupButton->setObjectName(QStringLiteral("backupNowButton"));
    m_backupButton->setToolTip(
        tr("pg_dump -F c -b of a consistent snapshot, checked, copied to every "
           "repository, and linked as the latest backup"));
    m_verifyButton->setObjectName(QStringLiteral("verifyButton"));
    m_verifyButton->setText(tr("Verify"));
    m_verifyButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_verifyButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *menu = new QMenu(m_verifyButton);
    const struct
    {
        core::VerifyLevel level;
        QString text;
    } levels[] = {{core::VerifyLevel::Quick, tr("Quick — checksum, header, table of contents")},
                  {core::VerifyLevel::Full, tr("Full — quick, and read every data block")},
                  {core::VerifyLevel::Deep, tr("Deep — full, and restore into a scratch database")}};
    for (const auto &l : levels) {
        QAction *a = menu->addAction(l.text);
        a->setObjectName(QStringLiteral("verify-%1").arg(core::levelName(l.level)));
        connect(a, &QAction::triggered, this, [this, level = l.level] { verifySelected(level); });
    }
    m_verifyButton->setMenu(menu);
    connect(m_verifyButton, &QToolButton::clicked, this, [this] {
        verifySelected(core::VerifyLevel::Full);
    });
    m_manifestButton->setObjectName(QStringLiteral("showManifestButton"));
    m_retentionButton->setObjectName(QStringLiteral("retentionButton"));
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("refreshButton"));

    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addSpacing(16);
    header->addWidget(m_rpo, 1);
    header->addWidget(m_backupButton);
    header->addWidget(m_verifyButton);
    header->addWidget(m_manifestButton);
    header->addWidget(m_retentionButton);
    header->addWidget(m_restoreButton);
    header->addWidget(refreshButton);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(BackupTableModel::SortRole);
    m_table->setObjectName(QStringLiteral("backupTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(BackupTableModel::Created, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(BackupTableModel::Verification,
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(BackupTableModel::Copies,
                                                      QHeaderView::ResizeToContents);
    m_table->setColumnWidth(BackupTableModel::Id, 260);
    m_table->setColumnWidth(BackupTableModel::Created, 160);
    m_table->setColumnWidth(BackupTableModel::Age, 80);
    m_table->setColumnWidth(BackupTableModel::Size, 90);
    m_table->setColumnWidth(BackupTableModel::Region, 110);
    m_table->setItemDelegateForColumn(BackupTableModel::Verification, new ProgressDelegate(m_table));
    m_table->setWordWrap(false);

    // Shown over the empty table, so that a fresh sandbox says what to do first.
    m_empty->setParent(m_table->viewport());
    m_empty->setObjectName(QStringLiteral("emptyHint"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setEnabled(false);
    m_empty->setText(tr("No backups in these repositories yet.\nBack up now takes the first one."));
    m_table->viewport()->installEventFilter(this);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &BackupsPanel::updateEmptyHint);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &BackupsPanel::updateEmptyHint);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_problems);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_details);

    connect(m_backupButton, &QPushButton::clicked, this, &BackupsPanel::backUpNow);
    connect(m_manifestButton, &QPushButton::clicked, this, &BackupsPanel::showManifest);
    connect(m_retentionButton, &QPushButton::clicked, this, &BackupsPanel::openRetention);
    m_restoreButton->setObjectName(QStringLiteral("restoreButton"));
    m_restoreButton->setToolTip(
        tr("Restore the selected backup (default: the newest verified) with "
           "the verified restore: staging, checks, swap, apps back"));
    connect(m_restoreButton, &QPushButton::clicked, this, [this] {
        const core::BackupEntry *e = selected();
        Q_EMIT restoreRequested(e ? e->region : targetRegion(),
                                e ? e->id : QStringLiteral("latest"));
    });
    connect(refreshButton, &QPushButton::clicked, this, &BackupsPanel::refresh);
    connect(m_table, &QTableView::doubleClicked, this, &BackupsPanel::showManifest);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateSelectionDetails();
        updateButtons();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &BackupsPanel::updateSelectionDetails);
    connect(&m_ageTimer, &QTimer::timeout, this, &BackupsPanel::refresh);
    m_ageTimer.start(kRelistMs);
    updateButtons();
    updateSelectionDetails();
}

bool BackupsPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        m_empty->resize(m_table->viewport()->size());
    return QWidget::eventFilter(watched, event);
}

void BackupsPanel::updateEmptyHint()
{
    m_empty->setVisible(m_model->rowCount() == 0);
    m_empty->resize(m_table->viewport()->size());
}

void BackupsPanel::setRegions(const QStringList &regions)
{
    m_regions = regions;
    m_model->setListings({});
    refresh();
}

QString BackupsPanel::targetRegion() const
{
    return m_regions.size() == 1 ? m_regions.constFirst() : QString();
}

void BackupsPanel::refresh()
{
    // One listing at a time; a request during one runs once it ends.
    if (m_listing) {
        m_listAgain = true;
        return;
    }
    auto view = std::make_shared<core::CatalogView>();
    m_listing = core::BackupOperations::list(m_workspace->runner(),
                                             m_workspace->profile(),
                                             m_regions,
                                             view);
    connect(m_listing,
            &core::Operation::finished,
            this,
            [this, view](const core::OperationResult &r) {
                m_listing = nullptr;
                onListed(r, view);
                if (std::exchange(m_listAgain, false))
                    refresh();
            });
}

void BackupsPanel::onListed(const core::OperationResult &result,
                            const std::shared_ptr<core::CatalogView> &view)
{
    if (!result.ok() && result.errorKind == core::Error::Kind::Refused)
        return; // the console is closing this profile: the table stays as it was
    if (!result.ok()) {
        m_problems->setText(result.message);
        m_problems->show();
        return;
    }
    m_model->setListings(view->regions);
    updateEmptyHint();
    // With nothing chosen yet, the newest backup is the one the commander most likely wants.
    if (!m_table->selectionModel()->hasSelection() && m_proxy->rowCount() > 0
        && !m_proxy->index(0, 0).data(BackupTableModel::RunningRole).toBool()) {
        m_table->selectRow(0);
    }
    QStringList problems;
    for (const core::RegionListing &l : view->regions) {
        for (const QString &p : l.problems)
            problems.append(QStringLiteral("%1: %2").arg(l.region, p));
        if (!l.latestProblem.isEmpty())
            problems.append(QStringLiteral("%1: %2").arg(l.region, l.latestProblem));
    }
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());
    bool breached = false;
    const QString rpo = core::BackupOperations::rpoText(view->regions,
                                                        m_workspace->profile(),
                                                        &breached);
    m_rpo->setText(rpo);
    m_rpo->setProperty("breached", breached);
    m_rpo->setStyleSheet(QStringLiteral("color: %1; font-weight: bold")
                             .arg((breached ? Palette::bad() : Palette::good()).name()));
    updateButtons();
}

const core::BackupEntry *BackupsPanel::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return nullptr;
    return m_model->entry(m_proxy->mapToSource(rows.constFirst()).row());
}

void BackupsPanel::updateButtons()
{
    const core::BackupEntry *e = selected();
    m_backupButton->setEnabled(!m_backup);
    m_verifyButton->setEnabled(e != nullptr);
    m_manifestButton->setEnabled(e && e->manifest);
    m_retentionButton->setEnabled(!m_workspace->profile().readOnly);
    m_restoreButton->setEnabled(!m_workspace->profile().readOnly);
}

void BackupsPanel::updateSelectionDetails()
{
    const core::BackupEntry *e = selected();
    if (!e) {
        m_details->setText(tr("Select a backup to see its facts."));
        return;
    }
    QStringList parts;
    parts.append(QStringLiteral("<b>%1</b>").arg(e->id.toHtmlEscaped()));
    if (e->manifest) {
        const core::BackupManifest &m = *e->manifest;
        qint64 rows = 0;
        for (const core::TableCount &t : m.facts.tables)
            rows += t.rows;
        parts.append(tr("sha256 %1…").arg(m.sha256.left(16)));
        parts.append(tr("%1 tables, %2 rows").arg(m.facts.tables.size()).arg(rows));
        if (m.facts.rag && m.facts.rag->dimension > 0) {
            parts.append(tr("%1 embeddings of dimension %2, %3 chunks without")
                             .arg(m.facts.rag->embeddings)
                             .arg(m.facts.rag->dimension)
                             .arg(m.facts.rag->chunksWithoutEmbeddings));
        }
        if (m.isAdopted())
            parts.append(tr("made outside ragdr (adopted)"));
    } else {
        parts.append(
            tr("no manifest: a dump ragdr did not make; verify it to check what can be checked"));
    }
    QStringList copies;
    for (const core::CopyState &c : e->copies)
        copies.append(QStringLiteral("%1 %2").arg(c.repository, core::CopyState::name(c.state)));
    parts.append(tr("copies: %1").arg(copies.join(QStringLiteral(", "))));
    m_details->setText(parts.join(QStringLiteral(" · ")));
}

void BackupsPanel::backUpNow()
{
    if (m_backup)
        return;
    const QString region = targetRegion();
    m_backup = core::BackupOperations::backup(m_workspace->runner(), m_workspace->profile(), region);
    const QString shownRegion = region.isEmpty() ? m_workspace->profile().regions.constFirst().name
                                                 : region;
    m_model->setRunning(shownRegion, -1, tr("starting"));
    connect(m_backup,
            &core::Operation::progressChanged,
            this,
            [this, shownRegion](double f, const QString &step) {
                m_model->setRunning(shownRegion, f, step);
            });
    connect(m_backup, &core::Operation::finished, this, [this](const core::OperationResult &r) {
        m_model->clearRunning();
        m_backup = nullptr;
        updateButtons();
        refresh();
        if (!r.ok() && r.status != core::OperationResult::Status::Cancelled) {
            // open(), not exec(): a nested event loop here would hold up everyone else waiting
            // for this result.
            auto *box = new QMessageBox(QMessageBox::Warning,
                                        tr("Backup failed"),
                                        r.message,
                                        QMessageBox::Ok,
                                        this);
            box->setInformativeText(r.untouched.isEmpty() ? QString()
                                                          : tr("Untouched: %1").arg(r.untouched));
            box->setObjectName(QStringLiteral("backupFailedBox"));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
    });
    updateButtons();
}

void BackupsPanel::verifySelected(core::VerifyLevel level)
{
    // Copied now: the relist may replace the model's entries while the question is open.
    const core::BackupEntry *e = selected();
    if (!e)
        return;
    const QString region = e->region;
    const QString id = e->id;
    if (level != core::VerifyLevel::Deep) {
        startVerify(region, id, level);
        return;
    }
    const core::Region *r = m_workspace->profile().region(region);
    const core::DatabaseConfig db = r ? r->verifyDatabase.value_or(r->database)
                                      : core::DatabaseConfig();
    auto *box = new QMessageBox(QMessageBox::Question,
                                tr("Deep verification"),
                                tr("Deep verification restores %1 into a scratch database on "
                                   "%2:%3 and drops it afterwards. The live database is not "
                                   "touched, but the server does the work of a restore. Go ahead?")
                                    .arg(id, db.host)
                                    .arg(db.port),
                                QMessageBox::Yes | QMessageBox::No,
                                this);
    box->setObjectName(QStringLiteral("deepVerifyQuestion"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box->button(QMessageBox::Yes), &QAbstractButton::clicked, this, [=, this] {
        startVerify(region, id, level);
    });
    box->open();
}

void BackupsPanel::startVerify(const QString &region, const QString &id, core::VerifyLevel level)
{
    core::Operation *op = core::BackupOperations::verify(m_workspace->runner(),
                                                         m_workspace->profile(),
                                                         region,
                                                         id,
                                                         level);
    connect(op, &core::Operation::finished, this, &BackupsPanel::refresh);
}

void BackupsPanel::showManifest()
{
    const core::BackupEntry *e = selected();
    if (!e || !e->manifest)
        return;
    auto *dialog = new ManifestDialog(*e, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void BackupsPanel::openRetention()
{
    const QString region = targetRegion().isEmpty()
                               ? m_workspace->profile().regions.constFirst().name
                               : targetRegion();
    auto *dialog = new RetentionDialog(m_workspace, region, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, &BackupsPanel::refresh);
    dialog->open();
}

} // namespace ragdr::ui
