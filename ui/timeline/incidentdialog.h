#pragma once

#include "core/incident/incidentactions.h"

#include <QDialog>

class QComboBox;
class QDateTimeEdit;
class QLineEdit;
class QPlainTextEdit;
class QCheckBox;

namespace ragdr::ui {

// Opens an incident, or changes the open one: title, severity, commander, status, the moment
// the disruption started and the moment it was detected (kept apart; both in UTC), the regions
// affected, a summary and the impact.
class IncidentDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentDialog)

public:
    // current: the open incident to change; nullptr opens a new one.
    IncidentDialog(const core::Profile &profile,
                   const core::Incident *current,
                   QWidget *parent = nullptr);

    core::IncidentDraft draft() const;
    core::IncidentChange change() const; // only what differs from the incident shown

private:
    void validate();

    std::optional<core::Incident> m_current;
    QLineEdit *m_title;
    QComboBox *m_severity;
    QComboBox *m_status = nullptr;
    QLineEdit *m_commander;
    QDateTimeEdit *m_disruption;
    QDateTimeEdit *m_detected;
    QList<QCheckBox *> m_regions;
    QPlainTextEdit *m_summary;
    QPlainTextEdit *m_impact = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace ragdr::ui
