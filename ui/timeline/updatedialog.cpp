#include "updatedialog.h"

#include "incidentfeed.h"

#include "../common/palette.h"

#include "core/incident/notifier.h"
#include "core/incident/reportbuilder.h"
#include "core/incident/reporttext.h"
#include "core/ops/workspace.h"
#include "report/reportexport.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace ragdr::ui {

UpdateDialog::UpdateDialog(core::Workspace *workspace, IncidentFeed *feed, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_feed(feed)
    , m_kind(new QComboBox(this))
    , m_editors(new QVBoxLayout)
    , m_preview(new QTextBrowser(this))
    , m_status(new QLabel(this))
    , m_send(new QPushButton(tr("Send to webhooks"), this))
    , m_mail(new QPushButton(tr("Open in mail client"), this))
{
    setObjectName(QStringLiteral("updateDialog"));
    setWindowTitle(tr("Stakeholder update"));
    m_kind->setObjectName(QStringLiteral("updateKind"));
    m_kind->addItem(tr("Tactical — conditions, actions, needs"), int(core::Report::Kind::Tactical));
    m_kind->addItem(tr("Executive — status, overview, next steps"),
                    int(core::Report::Kind::Executive));
    m_preview->setObjectName(QStringLiteral("updatePreview"));
    m_status->setObjectName(QStringLiteral("updateStatus"));
    m_status->setWordWrap(true);
    m_send->setObjectName(QStringLiteral("sendWebhooksButton"));
    QStringList hooks;
    for (const core::Webhook &w : workspace->profile().incident.webhooks)
        hooks.append(w.name);
    m_send->setEnabled(!hooks.isEmpty());
    m_send->setToolTip(hooks.isEmpty()
                           ? tr("The profile names no webhook (incident.webhooks)")
                           : tr("POST the update to %1").arg(hooks.join(QStringLiteral(", "))));
    m_mail->setObjectName(QStringLiteral("mailButton"));
    m_mail->setToolTip(tr("To %1").arg(
        core::Notifier::recipients(workspace->profile()).join(QStringLiteral(", "))));
    auto *exportButton = new QToolButton(this);
    exportButton->setObjectName(QStringLiteral("updateExportButton"));
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(exportButton);
    for (const QString &format : {QStringLiteral("md"),
                                  QStringLiteral("html"),
                                  QStringLiteral("pdf"),
                                  QStringLiteral("json")}) {
        menu->addAction(format.toUpper(), this, [this, format] {
            const QString path = QFileDialog::getSaveFileName(this,
                                                              tr("Export the update"),
                                                              QStringLiteral("%1-%2.%3")
                                                                  .arg(m_report.incidentId,
                                                                       core::Report::kindName(
                                                                           m_report.kind),
                                                                       format));
            if (!path.isEmpty())
                exportTo(path, format);
        });
    }
    exportButton->setMenu(menu);

    auto *editorsWidget = new QWidget(this);
    editorsWidget->setLayout(m_editors);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(editorsWidget);
    scroll->setWidgetResizable(true);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(scroll);
    splitter->addWidget(m_preview);
    splitter->setSizes({520, 520});

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Template:"), this));
    top->addWidget(m_kind, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(exportButton);
    buttons->addWidget(m_mail);
    buttons->addWidget(m_send);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addLayout(buttons);
    resize(1100, 720);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &UpdateDialog::rebuild);
    connect(m_send, &QPushButton::clicked, this, &UpdateDialog::sendToWebhooks);
    connect(m_mail, &QPushButton::clicked, this, &UpdateDialog::openInMailClient);
    rebuild();
}

void UpdateDialog::setKind(core::Report::Kind kind)
{
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
}

QPlainTextEdit *UpdateDialog::editor(const QString &sectionKey) const
{
    for (const auto &[key, edit] : m_sections) {
        if (key == sectionKey)
            return edit;
    }
    return nullptr;
}

void UpdateDialog::rebuild()
{
    for (const auto &section : std::as_const(m_sections))
        delete section.second->parentWidget();
    m_sections.clear();
    const auto view = m_feed->view();
    const auto kind = core::Report::Kind(m_kind->currentData().toInt());
    auto report = view ? core::ReportBuilder::build(kind, m_workspace->profile(), *view)
                       : core::Result<core::Report>(
                           std::unexpected(core::Error::failed(tr("the journal is not read yet"))));
    if (!report) {
        m_status->setText(report.error().message);
        m_send->setEnabled(false);
        m_mail->setEnabled(false);
        return;
    }
    m_report = *report;
    for (const core::ReportSection &s : std::as_const(m_report.sections)) {
        if (!s.editable)
            continue;
        auto *box = new QWidget;
        auto *boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 6);
        auto *heading = new QLabel(QStringLiteral("<b>%1</b>").arg(s.heading.toHtmlEscaped()), box);
        auto *edit = new QPlainTextEdit(s.text, box);
        edit->setObjectName(QStringLiteral("section-%1").arg(s.key));
        edit->setMinimumHeight(110);
        boxLayout->addWidget(heading);
        boxLayout->addWidget(edit);
        m_editors->addWidget(box);
        m_sections.append({s.key, edit});
        connect(edit, &QPlainTextEdit::textChanged, this, &UpdateDialog::updatePreview);
    }
    updatePreview();
}

core::Report UpdateDialog::edited() const
{
    core::Report r = m_report;
    for (const auto &[key, edit] : m_sections) {
        if (core::ReportSection *s = r.section(key))
            s->text = edit->toPlainText();
    }
    return r;
}

void UpdateDialog::updatePreview()
{
    m_preview->setHtml(QString::fromUtf8(core::ReportText::html(edited())));
}

void UpdateDialog::track(core::Operation *operation)
{
    m_running = operation;
    m_status->setStyleSheet({});
    m_status->setText(operation->spec().title + QStringLiteral(" …"));
    connect(operation, &core::Operation::finished, this, [this](const core::OperationResult &r) {
        m_running = nullptr;
        m_status->setText(r.message);
        m_status->setStyleSheet(
            QStringLiteral("color: %1").arg((r.ok() ? Palette::good() : Palette::bad()).name()));
        m_feed->refresh();
    });
}

void UpdateDialog::exportTo(const QString &path, const QString &format)
{
    const auto f = report::ReportExport::formatFromName(format);
    if (f)
        track(report::ReportExport::write(*m_workspace, edited(), *f, path));
}

void UpdateDialog::sendToWebhooks()
{
    track(core::Notifier::sendWebhooks(*m_workspace, edited(), {}));
}

void UpdateDialog::openInMailClient()
{
    const core::Report update = edited();
    if (!QDesktopServices::openUrl(core::Notifier::mailto(m_workspace->profile(), update))) {
        m_status->setText(tr("No mail client answered the mailto: link; nothing was recorded."));
        m_status->setStyleSheet(QStringLiteral("color: %1").arg(Palette::bad().name()));
        return;
    }
    track(core::Notifier::recordMail(*m_workspace, update));
}

} // namespace ragdr::ui
