#pragma once

#include <QMainWindow>

#include <memory>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace ragdr::core {
class Workspace;
}

namespace ragdr::ui {

class BackupsPanel;
class ChecklistPanel;
class ClusterPanel;
class IncidentFeed;
class OperationBar;
class TimelinePanel;

// One window for the incident: a panel per job (Backups, Restore, Cluster, LLM, Checklist,
// Timeline), the profile and region in the tool bar and status bar, and whatever runs with its
// progress and a cancel button. A profile that does not load is shown with its error, in place of
// the panels.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Returns false (and shows why) when the profile cannot be used.
    bool openProfile(const QString &path);
    core::Workspace *workspace() const { return m_workspace.get(); }
    BackupsPanel *backupsPanel() const { return m_backups; }
    ClusterPanel *clusterPanel() const { return m_cluster; }
    ChecklistPanel *checklistPanel() const { return m_checklist; }
    TimelinePanel *timelinePanel() const { return m_timeline; }

private:
    void buildPanels();
    void dropWorkspace();
    void showProfileError(const QString &path, const QString &message);
    void showWelcome();
    void chooseProfile();
    void onRegionChanged();
    QWidget *messagePage(const QString &objectName,
                         const QString &title,
                         const QString &body,
                         bool showReload);

    std::unique_ptr<core::Workspace> m_workspace;
    QString m_lastPath;
    QStackedWidget *m_stack = nullptr;
    QListWidget *m_nav = nullptr;
    QComboBox *m_regions = nullptr;
    QLabel *m_profileLabel = nullptr;
    QLabel *m_statusProfile = nullptr;
    OperationBar *m_operationBar = nullptr;
    BackupsPanel *m_backups = nullptr;
    ClusterPanel *m_cluster = nullptr;
    IncidentFeed *m_incidentFeed = nullptr;
    ChecklistPanel *m_checklist = nullptr;
    TimelinePanel *m_timeline = nullptr;
};

} // namespace ragdr::ui
