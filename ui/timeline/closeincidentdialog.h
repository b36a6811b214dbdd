#pragma once

#include "core/incident/incident.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace ragdr::ui {

// Closes the incident: its root cause (needed), the impact, contributing factors (one per line)
// and follow-ups (one per line, "OWNER: what to do").
class CloseIncidentDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CloseIncidentDialog)

public:
    explicit CloseIncidentDialog(const core::Incident &incident, QWidget *parent = nullptr);

    core::IncidentChange closing() const;

private:
    void validate();

    QPlainTextEdit *m_rootCause;
    QPlainTextEdit *m_impact;
    QPlainTextEdit *m_factors;
    QPlainTextEdit *m_followUps;
    QLabel *m_problem;
    QPushButton *m_ok = nullptr;
};

} // namespace ragdr::ui
