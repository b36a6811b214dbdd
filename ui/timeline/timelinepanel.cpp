#include "timelinepanel.h"

#include "closeincidentdialog.h"
#include "incidentdialog.h"
#include "incidentfeed.h"
#include "metrictile.h"
#include "timelinefilter.h"
#include "timelinemodel.h"
#include "updatedialog.h"

#include "../common/palette.h"
#include "../common/paneltitle.h"

#include "core/base/duration.h"
#include "core/incident/incidentoperations.h"
#include "core/incident/reportbuilder.h"
#include "core/ops/workspace.h"
#include "report/reportexport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace ragdr::ui {

namespace {

MetricTile::Verdict tileVerdict(core::RecoveryMetrics::Verdict v)
{
    switch (v) {
    case core::RecoveryMetrics::Verdict::Met:
        return MetricTile::Verdict::Met;
    case core::RecoveryMetrics::Verdict::Missed:
        return MetricTile::Verdict::Missed;
    case core::RecoveryMetrics::Verdict::Pending:
        return MetricTile::Verdict::Pending;
    case core::RecoveryMetrics::Verdict::Unknown:
        break;
    }
    return MetricTile::Verdict::Unknown;
}

QComboBox *filterBox(const QString &objectName, const QString &any, QWidget *parent)
{
    auto *box = new QComboBox(parent);
    box->setObjectName(objectName);
    box->setMinimumWidth(150);
    box->addItem(any, QString());
    return box;
}

} // namespace

TimelinePanel::TimelinePanel(core::Workspace *workspace, IncidentFeed *feed, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_feed(feed)
    , m_model(new TimelineModel(this))
    , m_filter(new TimelineFilter(this))
    , m_table(new QTableView(this))
    , m_incident(new QLabel(this))
    , m_chain(new QLabel(this))
    , m_reminder(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_rto(new MetricTile(tr("RTO · time to recover"), this))
    , m_rpo(new MetricTile(tr("RPO · data lost"), this))
    , m_kind(filterBox(QStringLiteral("kindFilter"), tr("Every kind"), this))
    , m_source(filterBox(QStringLiteral("sourceFilter"), tr("Every source"), this))
    , m_actor(filterBox(QStringLiteral("actorFilter"), tr("Everyone"), this))
    , m_search(new QLineEdit(this))
    , m_note(new QLineEdit(this))
    , m_decision(new QCheckBox(tr("Decision"), this))
    , m_addNote(new QPushButton(tr("Add note"), this))
    , m_open(new QPushButton(tr("Open incident…"), this))
    , m_update(new QPushButton(tr("Update…"), this))
    , m_close(new QPushButton(tr("Close incident…"), this))
    , m_notify(new QPushButton(tr("Stakeholder update…"), this))
    , m_export(new QToolButton(this))
{
    setObjectName(QStringLiteral("timelinePanel"));
    m_incident->setObjectName(QStringLiteral("timelineIncident"));
    m_incident->setWordWrap(true);
    m_incident->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_chain->setObjectName(QStringLiteral("chainLabel"));
    m_chain->setWordWrap(true);
    m_reminder->setObjectName(QStringLiteral("reminderLabel"));
    m_reminder->setWordWrap(true);
    m_reminder->setStyleSheet(
        QStringLiteral("QLabel { background: rgba(%1, %2, %3, 60); border: 1px solid %4; "
                       "border-radius: 4px; padding: 6px; }")
            .arg(Palette::warning().red())
            .arg(Palette::warning().green())
            .arg(Palette::warning().blue())
            .arg(Palette::warning().name()));
    m_reminder->hide();
    m_problem->setObjectName(QStringLiteral("timelineProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: %1").arg(Palette::bad().name()));
    m_problem->hide();
    m_rto->setObjectName(QStringLiteral("rtoTile"));
    m_rpo->setObjectName(QStringLiteral("rpoTile"));
    m_search->setObjectName(QStringLiteral("timelineSearch"));
    m_search->setPlaceholderText(tr("Find in what happened"));
    m_search->setClearButtonEnabled(true);
    m_note->setObjectName(QStringLiteral("noteEdit"));
    m_note->setPlaceholderText(
        tr("A note for the timeline (what you saw, what you decided and why)"));
    m_decision->setObjectName(QStringLiteral("decisionCheck"));
    m_addNote->setObjectName(QStringLiteral("addNoteButton"));
    m_open->setObjectName(QStringLiteral("openIncidentButton"));
    m_update->setObjectName(QStringLiteral("updateIncidentButton"));
    m_close->setObjectName(QStringLiteral("closeIncidentButton"));
    m_notify->setObjectName(QStringLiteral("notifyButton"));
    m_notify->setToolTip(tr("Tactical or executive update: edit it, then export it, send it to the "
                            "webhooks or open it in your mail client"));
    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setText(tr("Post-incident report"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(m_export);
    for (const auto &[format, label] : {std::pair{QStringLiteral("md"), tr("Markdown…")},
                                        std::pair{QStringLiteral("html"), tr("HTML…")},
                                        std::pair{QStringLiteral("pdf"), tr("PDF…")},
                                        std::pair{QStringLiteral("json"), tr("JSON…")}}) {
        QAction *a = menu->addAction(label);
        a->setObjectName(QStringLiteral("export-%1").arg(format));
        connect(a, &QAction::triggered, this, [this, format] {
            chooseExport(core::Report::Kind::Postmortem, format);
        });
    }
    m_export->setMenu(menu);

    auto *header = new QHBoxLayout;
    header->addWidget(panelTitle(tr("Timeline"), this));
    header->addStretch(1);
    header->addWidget(m_open);
    header->addWidget(m_update);
    header->addWidget(m_close);
    header->addWidget(m_notify);
    header->addWidget(m_export);

    auto *tiles = new QHBoxLayout;
    tiles->addWidget(m_rto, 1);
    tiles->addWidget(m_rpo, 1);
    auto *side = new QVBoxLayout;
    side->addWidget(m_chain);
    side->addStretch(1);
    tiles->addLayout(side, 1);

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(m_kind);
    filters->addWidget(m_source);
    filters->addWidget(m_actor);
    filters->addWidget(m_search, 1);

    m_filter->setSourceModel(m_model);
    m_table->setObjectName(QStringLiteral("timelineTable"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(TimelineModel::Utc, 120);
    m_table->setColumnWidth(TimelineModel::Local, 80);
    m_table->setColumnWidth(TimelineModel::Source, 80);
    m_table->setColumnWidth(TimelineModel::Actor, 150);
    m_table->setColumnWidth(TimelineModel::Kind, 150);

    auto *notes = new QHBoxLayout;
    notes->addWidget(m_note, 1);
    notes->addWidget(m_decision);
    notes->addWidget(m_addNote);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_incident);
    layout->addWidget(m_reminder);
    layout->addLayout(tiles);
    layout->addWidget(m_problem);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addLayout(notes);

    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setKind(m_kind->currentData().toString());
    });
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setSource(m_source->currentData().toString());
    });
    connect(m_actor, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setActor(m_actor->currentData().toString());
    });
    connect(m_search, &QLineEdit::textChanged, m_filter, &TimelineFilter::setText);
    connect(m_addNote, &QPushButton::clicked, this, &TimelinePanel::addNote);
    connect(m_note, &QLineEdit::returnPressed, this, &TimelinePanel::addNote);
    connect(m_open, &QPushButton::clicked, this, &TimelinePanel::openIncident);
    connect(m_update, &QPushButton::clicked, this, &TimelinePanel::updateIncident);
    connect(m_close, &QPushButton::clicked, this, &TimelinePanel::closeIncident);
    connect(m_notify, &QPushButton::clicked, this, &TimelinePanel::openUpdate);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        // Follow the newest entry, unless the commander scrolled up to read.
        if (m_table->verticalScrollBar()->value() >= m_table->verticalScrollBar()->maximum() - 2)
            QMetaObject::invokeMethod(m_table, &QTableView::scrollToBottom, Qt::QueuedConnection);
    });
    connect(m_feed, &IncidentFeed::updated, this, &TimelinePanel::onFeed);
    connect(m_feed, &IncidentFeed::failed, this, [this](const QString &message) {
        m_problem->setText(message);
        m_problem->show();
    });
    onFeed();
}

void TimelinePanel::fillFilter(QComboBox *box, int column)
{
    QStringList values;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString v = m_model->index(row, column).data().toString();
        if (!v.isEmpty() && !values.contains(v))
            values.append(v);
    }
    values.sort();
    const QSignalBlocker blocker(box);
    const QString current = box->currentData().toString();
    while (box->count() > 1)
        box->removeItem(1);
    for (const QString &v : std::as_const(values))
        box->addItem(v, v);
    const int keep = box->findData(current);
    box->setCurrentIndex(keep >= 0 ? keep : 0);
}

void TimelinePanel::onFeed()
{
    const auto view = m_feed->view();
    const bool haveView = view != nullptr;
    const core::Incident *open = haveView ? view->log.open() : nullptr;
    m_open->setEnabled(haveView && !open && !m_running);
    m_update->setEnabled(open && !m_running);
    m_close->setEnabled(open && !m_running);
    m_notify->setEnabled(haveView && view->incident && !m_running);
    m_export->setEnabled(haveView && view->incident.has_value());
    m_addNote->setEnabled(haveView && !m_running);
    if (!haveView)
        return;
    m_problem->hide();
    m_model->setEntries(view->timeline());
    fillFilter(m_kind, TimelineModel::Kind);
    fillFilter(m_source, TimelineModel::Source);
    fillFilter(m_actor, TimelineModel::Actor);

    if (view->incident) {
        const core::Incident &i = *view->incident;
        m_incident->setText(
            tr("<b>%1</b> · %2 · <b>%3</b> — %4 &nbsp; <span style='color:gray'>commander %5 · "
               "disruption "
               "since %6 UTC (%7 local) · detected %8 · declared %9</span>")
                .arg(i.id.toHtmlEscaped(),
                     i.severity.toHtmlEscaped(),
                     i.isOpen() ? core::Incident::statusName(i.status) : tr("closed"),
                     i.title.toHtmlEscaped(),
                     i.commander.toHtmlEscaped(),
                     i.disruptionStart.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                     i.disruptionStart.toLocalTime().toString(QStringLiteral("HH:mm")),
                     i.detectedAt.toUTC().toString(QStringLiteral("HH:mm")),
                     i.declaredAt.toUTC().toString(QStringLiteral("HH:mm"))));
    } else {
        m_incident->setText(
            tr("No incident yet. Open one when users are hurt: every operation run while it is "
               "open belongs to it."));
    }
    if (view->metrics) {
        const core::RecoveryMetrics &m = *view->metrics;
        m_rto->show(m.rtoSecs ? core::formatDuration(*m.rtoSecs)
                              : core::formatDuration(m.elapsedSecs),
                    m.rtoText(),
                    tileVerdict(m.rto()));
        m_rpo->show(m.rpoSecs ? core::formatDuration(*m.rpoSecs) : QStringLiteral("—"),
                    m.rpoText(),
                    tileVerdict(m.rpo()));
    } else {
        m_rto->show(QStringLiteral("—"),
                    tr("target %1").arg(core::formatDuration(m_workspace->profile().rtoSecs)),
                    MetricTile::Verdict::Unknown);
        m_rpo->show(QStringLiteral("—"),
                    tr("target %1").arg(core::formatDuration(m_workspace->profile().rpoSecs)),
                    MetricTile::Verdict::Unknown);
    }
    if (view->chain) {
        const core::Journal::Check &c = *view->chain;
        const bool intact = c.intact;
        m_chain->setText(
            intact
                ? tr("✔ Journal intact: %1 entries, hash chain verified%2.<br><small>head: entry "
                     "%3, sha256 <tt>%4…</tt></small>")
                      .arg(c.entries)
                      .arg(c.headKnown ? tr(" against its head") : QString())
                      .arg(view->head.seq)
                      .arg(view->head.hash.left(16))
                : tr("✖ Journal broken at line %1 (entry %2): %3")
                      .arg(c.firstBadLine)
                      .arg(c.firstBadEntry)
                      .arg(c.problem.toHtmlEscaped()));
        m_chain->setStyleSheet(
            QStringLiteral("color: %1").arg((intact ? Palette::good() : Palette::bad()).name()));
        m_chain->setProperty("intact", intact);
    }
    m_reminder->setText(view->reminder.text + tr(" The Stakeholder update button prepares one."));
    m_reminder->setVisible(view->reminder.due);
}

void TimelinePanel::track(core::Operation *operation)
{
    m_running = operation;
    connect(operation, &core::Operation::finished, this, [this](const core::OperationResult &r) {
        m_running = nullptr;
        m_problem->setText(r.ok() ? QString() : r.message);
        m_problem->setVisible(!r.ok());
        m_feed->refresh();
        onFeed();
    });
    onFeed();
}

void TimelinePanel::openIncident()
{
    IncidentDialog dialog(m_workspace->profile(), nullptr, this);
    if (dialog.exec() == QDialog::Accepted)
        track(core::IncidentOperations::open(*m_workspace, dialog.draft()));
}

void TimelinePanel::updateIncident()
{
    const auto view = m_feed->view();
    const core::Incident *open = view ? view->log.open() : nullptr;
    if (!open)
        return;
    IncidentDialog dialog(m_workspace->profile(), open, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const core::IncidentChange change = dialog.change();
    if (!change.isEmpty())
        track(core::IncidentOperations::update(*m_workspace, change));
}

void TimelinePanel::closeIncident()
{
    const auto view = m_feed->view();
    const core::Incident *open = view ? view->log.open() : nullptr;
    if (!open)
        return;
    CloseIncidentDialog dialog(*open, this);
    if (dialog.exec() == QDialog::Accepted)
        track(core::IncidentOperations::close(*m_workspace, dialog.closing()));
}

void TimelinePanel::addNote()
{
    const QString text = m_note->text().trimmed();
    if (text.isEmpty())
        return;
    m_note->clear();
    track(core::IncidentOperations::note(*m_workspace, text, m_decision->isChecked()));
    m_decision->setChecked(false);
}

void TimelinePanel::openUpdate()
{
    UpdateDialog dialog(m_workspace, m_feed, this);
    dialog.exec();
}

void TimelinePanel::chooseExport(core::Report::Kind kind, const QString &format)
{
    const auto view = m_feed->view();
    if (!view || !view->incident)
        return;
    const QString path = QFileDialog::getSaveFileName(this,
                                                      tr("Export the post-incident report"),
                                                      QStringLiteral("%1-%2.%3")
                                                          .arg(view->incident->id,
                                                               core::Report::kindName(kind),
                                                               format));
    if (!path.isEmpty())
        exportReport(kind, format, path);
}

void TimelinePanel::exportReport(core::Report::Kind kind, const QString &format, const QString &path)
{
    const auto view = m_feed->view();
    const auto f = report::ReportExport::formatFromName(format);
    if (!view || !f)
        return;
    auto report = core::ReportBuilder::build(kind, m_workspace->profile(), *view);
    if (!report) {
        m_problem->setText(report.error().message);
        m_problem->show();
        return;
    }
    track(report::ReportExport::write(*m_workspace, *report, *f, path));
}

} // namespace ragdr::ui
