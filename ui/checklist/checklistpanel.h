#pragma once

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTreeView;

namespace ragdr::core {
class Operation;
class Workspace;
} // namespace ragdr::core

namespace ragdr::ui {

class ChecklistModel;
class IncidentFeed;

// Checklist: the post-recovery items of the profile grouped by phase, each with its state, owner
// and evidence (expand an item to read it); a bar of the required items done; Run all checks,
// run the selected one, mark a manual step done (after its confirmation), skip one with a reason.
// The checks run as operations; the states come back through the journal (IncidentFeed), so a
// check run from the CLI shows here too.
class ChecklistPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChecklistPanel)

public:
    ChecklistPanel(core::Workspace *workspace, IncidentFeed *feed, QWidget *parent = nullptr);

    // The region the checks run against; empty: every region.
    void setRegion(const QString &region);
    ChecklistModel *model() const { return m_model; }

    void runAll();
    void runSelected();
    void markSelectedDone();
    void skipSelected();

private:
    void onFeed();
    void run(const QStringList &ids);
    void updateButtons();
    void showProblem(const QString &message);
    void watch(core::Operation *operation);
    QString selectedId() const;

    core::Workspace *m_workspace;
    IncidentFeed *m_feed;
    QString m_region;
    ChecklistModel *m_model;
    QTreeView *m_tree;
    QLabel *m_incident;
    QLabel *m_problem;
    QProgressBar *m_progress;
    QPushButton *m_runAll;
    QPushButton *m_runItem;
    QPushButton *m_markDone;
    QPushButton *m_skip;
    QPointer<core::Operation> m_running;
    QSet<QString> m_runningIds;
    QHash<QString, qint64> m_seen; // each item's journal entry last shown
};

} // namespace ragdr::ui
