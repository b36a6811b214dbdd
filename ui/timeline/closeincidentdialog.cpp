#include "closeincidentdialog.h"

#include "../common/palette.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ragdr::ui {

namespace {

QStringList linesOf(const QPlainTextEdit *edit)
{
    QStringList out;
    for (const QString &l : edit->toPlainText().split(QLatin1Char('\n'))) {
        if (!l.trimmed().isEmpty())
            out.append(l.trimmed());
    }
    return out;
}

} // namespace

CloseIncidentDialog::CloseIncidentDialog(const core::Incident &incident, QWidget *parent)
    : QDialog(parent)
    , m_rootCause(new QPlainTextEdit(incident.rootCause, this))
    , m_impact(new QPlainTextEdit(incident.impact, this))
    , m_factors(new QPlainTextEdit(incident.contributingFactors.join(QLatin1Char('\n')), this))
    , m_followUps(new QPlainTextEdit(this))
    , m_problem(new QLabel(this))
{
    setObjectName(QStringLiteral("closeIncidentDialog"));
    setWindowTitle(tr("Close %1").arg(incident.id));
    m_rootCause->setObjectName(QStringLiteral("closeRootCause"));
    m_impact->setObjectName(QStringLiteral("closeImpact"));
    m_factors->setObjectName(QStringLiteral("closeFactors"));
    m_factors->setPlaceholderText(tr("One per line"));
    m_followUps->setObjectName(QStringLiteral("closeFollowUps"));
    m_followUps->setPlaceholderText(tr("One per line: OWNER: what to do"));
    QStringList followUps;
    for (const core::FollowUp &f : incident.followUps)
        followUps.append(QStringLiteral("%1: %2").arg(f.owner, f.text));
    m_followUps->setPlainText(followUps.join(QLatin1Char('\n')));
    m_problem->setStyleSheet(QStringLiteral("color: %1").arg(Palette::bad().name()));
    auto *form = new QFormLayout;
    form->addRow(tr("Root cause"), m_rootCause);
    form->addRow(tr("Impact"), m_impact);
    form->addRow(tr("Contributing factors"), m_factors);
    form->addRow(tr("Follow-ups"), m_followUps);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setObjectName(QStringLiteral("closeOk"));
    m_ok->setText(tr("Close incident"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QPlainTextEdit *e : {m_rootCause, m_followUps})
        connect(e, &QPlainTextEdit::textChanged, this, &CloseIncidentDialog::validate);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(640, 520);
    validate();
}

void CloseIncidentDialog::validate()
{
    QString problem;
    if (m_rootCause->toPlainText().trimmed().isEmpty())
        problem = tr("The root cause is needed to close (runbook §5).");
    for (const QString &l : linesOf(m_followUps)) {
        const qsizetype colon = l.indexOf(QLatin1Char(':'));
        if (colon <= 0 || l.mid(colon + 1).trimmed().isEmpty())
            problem = tr("A follow-up reads “OWNER: what to do”, not “%1”.").arg(l);
    }
    m_problem->setText(problem);
    m_ok->setEnabled(problem.isEmpty());
}

core::IncidentChange CloseIncidentDialog::closing() const
{
    core::IncidentChange c;
    c.rootCause = m_rootCause->toPlainText().trimmed();
    c.impact = m_impact->toPlainText().trimmed();
    c.contributingFactors = linesOf(m_factors);
    QList<core::FollowUp> followUps;
    for (const QString &l : linesOf(m_followUps)) {
        const qsizetype colon = l.indexOf(QLatin1Char(':'));
        followUps.append({l.left(colon).trimmed(), l.mid(colon + 1).trimmed()});
    }
    c.followUps = followUps;
    return c;
}

} // namespace ragdr::ui
