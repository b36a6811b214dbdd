#include "incidentfeed.h"

#include "core/ops/workspace.h"

#include <QFileInfo>
#include <QtConcurrent>

namespace ragdr::ui {

namespace {
constexpr int kDebounceMs = 150;   // a run of appends is read once
constexpr int kFallbackMs = 30000; // clocks move on (RTO, reminders) when nothing is written
} // namespace

IncidentFeed::IncidentFeed(core::Workspace *workspace, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &IncidentFeed::refresh);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] {
        watch(); // a file replaced by rename is watched anew
        m_debounce.start();
    });
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] {
        watch();
        m_debounce.start();
    });
    connect(&m_fallback, &QTimer::timeout, this, &IncidentFeed::refresh);
    connect(&m_loading, &QFutureWatcher<core::Result<core::IncidentView>>::finished, this, [this] {
        const core::Result<core::IncidentView> view = m_loading.result();
        if (view) {
            m_view = std::make_shared<const core::IncidentView>(*view);
            Q_EMIT updated();
        } else {
            Q_EMIT failed(view.error().message);
        }
        if (std::exchange(m_loadAgain, false))
            refresh();
    });
    m_fallback.start(kFallbackMs);
    refresh();
}

void IncidentFeed::watch()
{
    const QString path = m_workspace->journal().path();
    const QString dir = QFileInfo(path).absolutePath();
    if (QFileInfo::exists(path) && !m_watcher.files().contains(path))
        m_watcher.addPath(path);
    if (QFileInfo::exists(dir) && !m_watcher.directories().contains(dir))
        m_watcher.addPath(dir);
}

void IncidentFeed::refresh()
{
    // The journal and its directory appear with the first entry: watched from then on.
    watch();
    if (m_loading.isRunning()) {
        m_loadAgain = true;
        return;
    }
    const core::Profile profile = m_workspace->profile();
    const QString path = m_workspace->journal().path();
    m_loading.setFuture(QtConcurrent::run(
        [profile, path] { return core::IncidentView::load(profile, path, true); }));
}

} // namespace ragdr::ui
