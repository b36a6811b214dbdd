#pragma once

#include "core/incident/incidentview.h"

#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <memory>

namespace ragdr::core {
class Workspace;
} // namespace ragdr::core

namespace ragdr::ui {

// The journal as the Checklist and Timeline panels see it: read (and its chain verified) off the
// GUI thread whenever the file changes, whoever wrote it (this console, a CLI, the runner), and
// handed to both panels as one IncidentView. The read is not an operation the commander started
// (it follows every one of them): it runs with QtConcurrent, so that it never takes the status
// bar from the result of the operation that changed the journal.
class IncidentFeed final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IncidentFeed)

public:
    explicit IncidentFeed(core::Workspace *workspace, QObject *parent = nullptr);

    core::Workspace *workspace() const { return m_workspace; }
    // The last view read; empty until the first read ends.
    std::shared_ptr<const core::IncidentView> view() const { return m_view; }
    // Reads again now (a change is also noticed by itself).
    void refresh();

Q_SIGNALS:
    void updated();
    void failed(const QString &message);

private:
    void watch();

    core::Workspace *m_workspace;
    std::shared_ptr<const core::IncidentView> m_view;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QTimer m_fallback;
    QFutureWatcher<core::Result<core::IncidentView>> m_loading;
    bool m_loadAgain = false;
};

} // namespace ragdr::ui
