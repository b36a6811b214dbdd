#pragma once

#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <memory>

class QAction;
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
class RestorePanel;
class TimelinePanel;

// One window for the incident: a panel per job (Backups, Restore, Cluster, LLM, Checklist,
// Timeline), the profile and region in the tool bar and status bar, and whatever runs with its
// progress and a cancel button. A profile that does not load is shown with its error, in place of
// the panels. Closing the window, opening another profile or reloading asks first while
// operations run, and lets them end without ever blocking the GUI thread.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Returns whether the profile is shown now: false when it cannot be used (the window says
    // why), or when operations of the current profile must end first (the window asks, and opens
    // the profile once they have).
    bool openProfile(const QString &path);
    // For a cold start: the window paints first (saying what it opens), the profile is read
    // right after that first paint, so that the console is on screen before any file is read.
    void openProfileAfterFirstPaint(const QString &path);
    void reloadProfile();
    core::Workspace *workspace() const { return m_workspace.get(); }
    BackupsPanel *backupsPanel() const { return m_backups; }
    ClusterPanel *clusterPanel() const { return m_cluster; }
    RestorePanel *restorePanel() const { return m_restore; }
    ChecklistPanel *checklistPanel() const { return m_checklist; }
    TimelinePanel *timelinePanel() const { return m_timeline; }
    IncidentFeed *incidentFeed() const { return m_incidentFeed; }

protected:
    void closeEvent(QCloseEvent *event) override;
    bool event(QEvent *event) override;

private:
    // How a request to leave the current workspace is worded: "close the console", "Close the
    // console", and for the journal, "closing the console".
    struct Leaving
    {
        QString what;
        QString proceed;
        QString reason;
    };
    bool loadProfile(const QString &path, const Leaving &leaving);
    // Runs then() once nothing runs in the current workspace any more, asking first while
    // journalled operations run; returns whether it ran at once. The user may keep working
    // instead: then it never runs.
    bool leaveWorkspace(const Leaving &leaving, std::function<void()> then);
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
    QString m_openAfterPaint;
    QStackedWidget *m_stack = nullptr;
    QListWidget *m_nav = nullptr;
    QComboBox *m_regions = nullptr;
    QLabel *m_profileLabel = nullptr;
    QLabel *m_statusProfile = nullptr;
    QAction *m_reload = nullptr;
    QPointer<QObject> m_leaving; // the winddown under way, if any
    OperationBar *m_operationBar = nullptr;
    BackupsPanel *m_backups = nullptr;
    ClusterPanel *m_cluster = nullptr;
    RestorePanel *m_restore = nullptr;
    IncidentFeed *m_incidentFeed = nullptr;
    ChecklistPanel *m_checklist = nullptr;
    TimelinePanel *m_timeline = nullptr;
};

} // namespace ragdr::ui
