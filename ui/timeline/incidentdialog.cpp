#include "incidentdialog.h"

#include "core/incident/journal.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ragdr::ui {

namespace {

QDateTimeEdit *utcEdit(const QDateTime &value, QWidget *parent)
{
    auto *edit = new QDateTimeEdit(value.toUTC(), parent);
    edit->setTimeSpec(Qt::UTC);
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    edit->setCalendarPopup(true);
    return edit;
}

} // namespace

IncidentDialog::IncidentDialog(const core::Profile &profile,
                               const core::Incident *current,
                               QWidget *parent)
    : QDialog(parent)
    , m_title(new QLineEdit(this))
    , m_severity(new QComboBox(this))
    , m_commander(new QLineEdit(this))
    , m_summary(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("incidentDialog"));
    if (current)
        m_current = *current;
    setWindowTitle(current ? tr("Update %1").arg(current->id) : tr("Open an incident"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_title->setObjectName(QStringLiteral("incidentTitle"));
    m_title->setPlaceholderText(tr("What users see, in a few words"));
    m_severity->setObjectName(QStringLiteral("incidentSeverity"));
    for (const core::Severity &s : profile.incident.severities)
        m_severity->addItem(QStringLiteral("%1 — %2").arg(s.name, s.description), s.name);
    m_commander->setObjectName(QStringLiteral("incidentCommander"));
    m_disruption = utcEdit(current ? current->disruptionStart : now, this);
    m_disruption->setObjectName(QStringLiteral("incidentDisruption"));
    m_detected = utcEdit(current ? current->detectedAt : now, this);
    m_detected->setObjectName(QStringLiteral("incidentDetected"));
    m_summary->setObjectName(QStringLiteral("incidentSummary"));
    m_summary->setMaximumHeight(70);

    auto *form = new QFormLayout;
    form->addRow(tr("Title"), m_title);
    form->addRow(tr("Severity"), m_severity);
    if (current) {
        m_status = new QComboBox(this);
        m_status->setObjectName(QStringLiteral("incidentStatus"));
        for (const QString &s : core::Incident::statusNames().mid(0, 3))
            m_status->addItem(s, s);
        m_status->setCurrentIndex(m_status->findData(core::Incident::statusName(current->status)));
        form->addRow(tr("Status"), m_status);
    }
    form->addRow(tr("Commander"), m_commander);
    form->addRow(tr("Disruption started"), m_disruption);
    form->addRow(tr("Detected"), m_detected);
    auto *regions = new QHBoxLayout;
    for (const QString &name : profile.regionNames()) {
        auto *box = new QCheckBox(name, this);
        box->setObjectName(QStringLiteral("region-%1").arg(name));
        box->setChecked(!current || current->regions.contains(name));
        m_regions.append(box);
        regions->addWidget(box);
    }
    regions->addStretch(1);
    form->addRow(tr("Regions affected"), regions);
    form->addRow(tr("Summary"), m_summary);
    if (current) {
        m_impact = new QPlainTextEdit(current->impact, this);
        m_impact->setObjectName(QStringLiteral("incidentImpact"));
        m_impact->setMaximumHeight(70);
        form->addRow(tr("Impact"), m_impact);
        m_title->setText(current->title);
        m_severity->setCurrentIndex(m_severity->findData(current->severity));
        m_commander->setText(current->commander);
        m_summary->setPlainText(current->summary);
    } else {
        m_commander->setText(core::Journal::actor());
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setObjectName(QStringLiteral("incidentOk"));
    m_ok->setText(current ? tr("Update") : tr("Open incident"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_title, &QLineEdit::textChanged, this, &IncidentDialog::validate);
    connect(m_disruption, &QDateTimeEdit::dateTimeChanged, this, &IncidentDialog::validate);
    connect(m_detected, &QDateTimeEdit::dateTimeChanged, this, &IncidentDialog::validate);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(620, sizeHint().height());
    validate();
}

void IncidentDialog::validate()
{
    const bool ok = !m_title->text().trimmed().isEmpty()
                    && m_detected->dateTime() >= m_disruption->dateTime();
    m_ok->setEnabled(ok);
    m_ok->setToolTip(
        ok ? QString() : tr("A title is needed, and detection comes after the disruption started"));
}

core::IncidentDraft IncidentDialog::draft() const
{
    core::IncidentDraft d;
    d.title = m_title->text().trimmed();
    d.severity = m_severity->currentData().toString();
    d.commander = m_commander->text().trimmed();
    d.summary = m_summary->toPlainText().trimmed();
    d.disruptionStart = m_disruption->dateTime().toUTC();
    d.detectedAt = m_detected->dateTime().toUTC();
    for (const QCheckBox *box : m_regions) {
        if (box->isChecked())
            d.regions.append(box->text());
    }
    return d;
}

core::IncidentChange IncidentDialog::change() const
{
    core::IncidentChange c;
    if (!m_current)
        return c;
    const core::IncidentDraft d = draft();
    const core::Incident &i = *m_current;
    if (d.title != i.title)
        c.title = d.title;
    if (d.severity != i.severity)
        c.severity = d.severity;
    if (d.commander != i.commander)
        c.commander = d.commander;
    if (d.summary != i.summary)
        c.summary = d.summary;
    if (m_impact && m_impact->toPlainText().trimmed() != i.impact)
        c.impact = m_impact->toPlainText().trimmed();
    if (d.regions != i.regions)
        c.regions = d.regions;
    // The edits show minutes: a time changes only when the minute shown was changed.
    if (d.disruptionStart.toSecsSinceEpoch() / 60 != i.disruptionStart.toSecsSinceEpoch() / 60)
        c.disruptionStart = d.disruptionStart;
    if (d.detectedAt.toSecsSinceEpoch() / 60 != i.detectedAt.toSecsSinceEpoch() / 60)
        c.detectedAt = d.detectedAt;
    if (m_status) {
        const auto status = core::Incident::statusFromName(m_status->currentData().toString());
        if (status && *status != i.status)
            c.status = status;
    }
    return c;
}

} // namespace ragdr::ui
