#pragma once

#include "core/incident/report.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;
class QVBoxLayout;

namespace ragdr::core {
class Operation;
class Workspace;
} // namespace ragdr::core

namespace ragdr::ui {

class IncidentFeed;

// A stakeholder update before it goes out: tactical (conditions, actions, needs) or executive
// (status, overview, next steps), filled from the incident, edited here, previewed as it will
// read, then exported (Markdown, HTML, PDF, JSON), sent to the profile's webhooks or opened in
// the mail client. Each sending is a timeline entry.
class UpdateDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpdateDialog)

public:
    UpdateDialog(core::Workspace *workspace, IncidentFeed *feed, QWidget *parent = nullptr);

    core::Report edited() const;
    void setKind(core::Report::Kind kind);
    QPlainTextEdit *editor(const QString &sectionKey) const;

    void exportTo(const QString &path, const QString &format);
    void sendToWebhooks();
    void openInMailClient();

private:
    void rebuild();
    void updatePreview();
    void track(core::Operation *operation);

    core::Workspace *m_workspace;
    IncidentFeed *m_feed;
    core::Report m_report;
    QComboBox *m_kind;
    QVBoxLayout *m_editors;
    QList<std::pair<QString, QPlainTextEdit *>> m_sections;
    QTextBrowser *m_preview;
    QLabel *m_status;
    QPushButton *m_send;
    QPushButton *m_mail;
    QPointer<core::Operation> m_running;
};

} // namespace ragdr::ui
