#pragma once

#include "core/incident/report.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QToolButton;

namespace ragdr::core {
class Operation;
class Workspace;
} // namespace ragdr::core

namespace ragdr::ui {

class IncidentFeed;
class MetricTile;
class TimelineFilter;
class TimelineModel;

// Timeline: the incident (open, update, close), its RTO and RPO against the targets as tiles,
// whether the journal's hash chain is intact, a reminder when stakeholders are owed an update,
// and every journal entry of the incident, filterable by kind, source and actor, in UTC and
// local time; notes and decisions; the stakeholder update (edit, export, send) and the
// post-incident report in Markdown, HTML, PDF or JSON.
class TimelinePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelinePanel)

public:
    TimelinePanel(core::Workspace *workspace, IncidentFeed *feed, QWidget *parent = nullptr);

    TimelineModel *model() const { return m_model; }
    TimelineFilter *filter() const { return m_filter; }

    void openIncident();
    void updateIncident();
    void closeIncident();
    void addNote();
    void openUpdate();
    // The post-incident report to path in format (md, html, pdf, json).
    void exportReport(core::Report::Kind kind, const QString &format, const QString &path);

private:
    void onFeed();
    void fillFilter(QComboBox *box, int column);
    void track(core::Operation *operation);
    void chooseExport(core::Report::Kind kind, const QString &format);

    core::Workspace *m_workspace;
    IncidentFeed *m_feed;
    TimelineModel *m_model;
    TimelineFilter *m_filter;
    QTableView *m_table;
    QLabel *m_incident;
    QLabel *m_chain;
    QLabel *m_reminder;
    QLabel *m_problem;
    MetricTile *m_rto;
    MetricTile *m_rpo;
    QComboBox *m_kind;
    QComboBox *m_source;
    QComboBox *m_actor;
    QLineEdit *m_search;
    QLineEdit *m_note;
    QCheckBox *m_decision;
    QPushButton *m_addNote;
    QPushButton *m_open;
    QPushButton *m_update;
    QPushButton *m_close;
    QPushButton *m_notify;
    QToolButton *m_export;
    QPointer<core::Operation> m_running;
};

} // namespace ragdr::ui
