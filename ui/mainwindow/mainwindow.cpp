#include "mainwindow.h"

#include "../common/paneltitle.h"

#include "../backups/backupspanel.h"
#include "../checklist/checklistpanel.h"
#include "../cluster/clusterpanel.h"
#include "../common/operationbar.h"
#include "../common/palette.h"
#include "../common/winddowndialog.h"
#include "../llm/llmpanel.h"
#include "../restore/restorepanel.h"
#include "../timeline/incidentfeed.h"
#include "../timeline/timelinepanel.h"

#include "core/ops/winddown.h"
#include "core/ops/workspace.h"
#include "core/restore/restorestore.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <utility>

namespace ragdr::ui {

namespace {
const QString kLastProfileKey = QStringLiteral("console/lastProfile");
}

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("ragdr — incident console"));
    // Big enough for the tables, never bigger than the screen it opens on.
    const QSize available = screen() ? screen()->availableSize() : QSize(1440, 900);
    resize(qMin(1440, available.width() * 9 / 10), qMin(900, available.height() * 9 / 10));
    auto *toolbar = addToolBar(tr("Profile"));
    toolbar->setObjectName(QStringLiteral("profileToolbar"));
    toolbar->setMovable(false);
    m_profileLabel = new QLabel(this);
    m_profileLabel->setObjectName(QStringLiteral("profileLabel"));
    m_profileLabel->setContentsMargins(8, 0, 16, 0);
    toolbar->addWidget(m_profileLabel);
    toolbar->addWidget(new QLabel(tr("Region: "), this));
    m_regions = new QComboBox(this);
    m_regions->setObjectName(QStringLiteral("regionSelector"));
    m_regions->setMinimumWidth(160);
    toolbar->addWidget(m_regions);
    auto *spacer = new QWidget(this);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolbar->addWidget(spacer);
    QAction *open = toolbar->addAction(tr("Open profile…"));
    open->setObjectName(QStringLiteral("openProfileAction"));
    connect(open, &QAction::triggered, this, &MainWindow::chooseProfile);
    m_reload = toolbar->addAction(tr("Reload profile"));
    m_reload->setObjectName(QStringLiteral("reloadProfileAction"));
    m_reload->setToolTip(tr("Read the profile file again, after you have changed it"));
    m_reload->setEnabled(false);
    connect(m_reload, &QAction::triggered, this, &MainWindow::reloadProfile);
    auto *quit = new QAction(tr("Quit"), this);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    addAction(quit);
    connect(m_regions, &QComboBox::currentIndexChanged, this, &MainWindow::onRegionChanged);

    m_statusProfile = new QLabel(this);
    statusBar()->addWidget(m_statusProfile);
    showWelcome();
}

MainWindow::~MainWindow()
{
    // Closing winds down first; only a window destroyed without closing can get here with work
    // running, and then the runner waits for it to clean up.
    dropWorkspace();
}

QWidget *MainWindow::messagePage(const QString &objectName,
                                 const QString &title,
                                 const QString &body,
                                 bool showReload)
{
    auto *page = new QWidget(this);
    page->setObjectName(objectName);
    auto *heading = panelTitle(title, page);
    auto *text = new QLabel(body, page);
    text->setObjectName(QStringLiteral("messageText"));
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *openButton = new QPushButton(tr("Open a profile…"), page);
    connect(openButton, &QPushButton::clicked, this, &MainWindow::chooseProfile);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(openButton);
    if (showReload) {
        auto *reload = new QPushButton(tr("Reload"), page);
        reload->setObjectName(QStringLiteral("reloadButton"));
        connect(reload, &QPushButton::clicked, this, &MainWindow::reloadProfile);
        buttons->addWidget(reload);
    }
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(48, 48, 48, 48);
    layout->addWidget(heading);
    layout->addSpacing(12);
    layout->addWidget(text);
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addStretch(1);
    return page;
}

void MainWindow::showWelcome()
{
    m_profileLabel->setText(tr("No profile"));
    m_regions->setEnabled(false);
    setCentralWidget(
        messagePage(QStringLiteral("welcomePage"),
                    tr("Open a profile"),
                    tr("A profile describes the service: its regions, databases, backup "
                       "repositories and deployments. Start one with <tt>ragdr-console --profile "
                       "FILE</tt>, or run <tt>./run demo</tt> for the drill sandbox."),
                    false));
}

void MainWindow::dropWorkspace()
{
    // What shows the workspace goes before it: panels and the operation bar point into it.
    delete takeCentralWidget();
    delete m_operationBar;
    m_operationBar = nullptr;
    m_backups = nullptr;
    m_cluster = nullptr;
    m_restore = nullptr;
    m_checklist = nullptr;
    m_timeline = nullptr;
    delete m_incidentFeed;
    m_incidentFeed = nullptr;
    m_workspace.reset();
}

void MainWindow::showProfileError(const QString &path, const QString &message)
{
    dropWorkspace();
    m_lastPath = path;
    m_reload->setEnabled(true);
    m_profileLabel->setText(tr("Profile not loaded"));
    m_regions->clear();
    m_regions->setEnabled(false);
    m_statusProfile->setText(path);
    setCentralWidget(
        messagePage(QStringLiteral("profileErrorPage"),
                    tr("This profile cannot be used"),
                    QStringLiteral(
                        "<p><tt>%1</tt></p><p>Nothing was done with it. Fix the file and "
                        "reload, or open another profile.</p>")
                        .arg(message.toHtmlEscaped()),
                    true));
}

bool MainWindow::openProfile(const QString &path)
{
    return loadProfile(path,
                       {tr("open %1").arg(QFileInfo(path).fileName()),
                        tr("Open %1").arg(QFileInfo(path).fileName()),
                        QStringLiteral("opening %1").arg(path)});
}

void MainWindow::openProfileAfterFirstPaint(const QString &path)
{
    m_openAfterPaint = path;
    m_profileLabel->setText(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    setCentralWidget(messagePage(QStringLiteral("openingPage"),
                                 tr("Opening %1…").arg(QFileInfo(path).fileName()),
                                 tr("Reading the profile; the backups and the clusters' state "
                                    "follow in their panels."),
                                 false));
}

bool MainWindow::event(QEvent *event)
{
    const bool handled = QMainWindow::event(event);
    if (event->type() == QEvent::Paint && !m_openAfterPaint.isEmpty()) {
        // Queued: the first frame is flushed to the screen before the profile is read.
        QTimer::singleShot(0, this, [this, path = std::exchange(m_openAfterPaint, {})] {
            openProfile(path);
        });
    }
    return handled;
}

void MainWindow::reloadProfile()
{
    if (m_lastPath.isEmpty())
        return;
    loadProfile(m_lastPath,
                {tr("reload the profile"),
                 tr("Reload the profile"),
                 QStringLiteral("reloading %1").arg(m_lastPath)});
}

bool MainWindow::loadProfile(const QString &path, const Leaving &leaving)
{
    if (m_leaving)
        return false; // one change at a time: the question on screen is answered first
    auto loaded = core::Workspace::open(path);
    if (!loaded) {
        const QString message = loaded.error().message;
        const QList<core::Operation *> running = m_workspace ? m_workspace->runner().active()
                                                             : QList<core::Operation *>();
        if (std::any_of(running.cbegin(), running.cend(), [](const core::Operation *op) {
                return op->spec().journalled;
            })) {
            // Work is under way: a profile that cannot be used is no reason to stop it.
            auto *box = new QMessageBox(QMessageBox::Warning,
                                        tr("This profile cannot be used"),
                                        message,
                                        QMessageBox::Ok,
                                        this);
            box->setObjectName(QStringLiteral("profileErrorBox"));
            box->setInformativeText(
                tr("The open profile and the operations running in it are untouched."));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            return false;
        }
        leaveWorkspace(leaving, [this, path, message] { showProfileError(path, message); });
        return false;
    }
    // std::function wants a copyable callable.
    auto next = std::make_shared<std::unique_ptr<core::Workspace>>(std::move(*loaded));
    return leaveWorkspace(leaving, [this, path, next] {
        dropWorkspace();
        m_lastPath = path;
        m_workspace = std::move(*next);
        QSettings().setValue(kLastProfileKey, m_workspace->profile().path);
        buildPanels();
    });
}

bool MainWindow::leaveWorkspace(const Leaving &leaving, std::function<void()> then)
{
    if (!m_workspace || m_workspace->runner().isIdle()) {
        then();
        return true;
    }
    auto *winddown = new core::Winddown(m_workspace->runner(), leaving.reason, this);
    if (winddown->items().isEmpty()) {
        // Only look-ups run: they are cancelled and end within moments; nothing to ask.
        m_leaving = winddown;
        connect(winddown, &core::Winddown::finished, this, [winddown, then](bool ended) {
            winddown->deleteLater();
            if (ended)
                then();
        });
        winddown->start(core::Winddown::Mode::Cancel);
        return false;
    }
    auto *dialog = new WinddownDialog(winddown, leaving.what, leaving.proceed, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_leaving = dialog;
    connect(dialog, &WinddownDialog::proceed, this, then);
    connect(dialog, &WinddownDialog::stayed, this, [this] {
        // Listings refused while the question was open are taken again.
        if (m_backups)
            m_backups->refresh();
    });
    dialog->open();
    return false;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_workspace || m_workspace->runner().isIdle()) {
        event->accept();
        return;
    }
    event->ignore();
    if (m_leaving) {
        if (auto *dialog = qobject_cast<QWidget *>(m_leaving.data()))
            dialog->activateWindow();
        return;
    }
    leaveWorkspace({tr("close the console"),
                    tr("Close the console"),
                    QStringLiteral("closing the console")},
                   [this] {
                       dropWorkspace();
                       close();
                   });
}

void MainWindow::chooseProfile()
{
    // Not the static getOpenFileName: its event loop would run inside this call.
    auto *dialog = new QFileDialog(this,
                                   tr("Open a ragdr profile"),
                                   QFileInfo(m_lastPath).absolutePath(),
                                   tr("Profiles (*.yaml *.yml)"));
    dialog->setObjectName(QStringLiteral("openProfileDialog"));
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openProfile, Qt::QueuedConnection);
    dialog->open();
}

void MainWindow::buildPanels()
{
    const core::Profile &profile = m_workspace->profile();
    const bool drill = profile.environment == QLatin1String("drill");
    m_profileLabel->setText(QStringLiteral("<b>%1</b> <span style='color:%2'>%3</span>%4")
                                .arg(profile.service.toHtmlEscaped(),
                                     (drill ? Palette::good() : Palette::bad()).name(),
                                     profile.environment.toUpper().toHtmlEscaped(),
                                     profile.readOnly ? tr(" · read-only") : QString()));
    m_statusProfile->setText(
        tr("profile %1 · journal %2").arg(profile.path, m_workspace->journal().path()));
    m_reload->setEnabled(true);

    auto *splitter = new QSplitter(this);
    m_nav = new QListWidget(splitter);
    m_nav->setObjectName(QStringLiteral("panelList"));
    m_nav->setMaximumWidth(200);
    m_nav->setStyleSheet(QStringLiteral(
        "QListWidget { font-size: 11pt; } QListWidget::item { padding: 8px 12px; }"));
    m_stack = new QStackedWidget(splitter);
    m_stack->setObjectName(QStringLiteral("panelStack"));
    splitter->addWidget(m_nav);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({180, 1260});

    m_backups = new BackupsPanel(m_workspace.get(), m_stack);
    m_cluster = new ClusterPanel(m_workspace.get(), m_stack);
    m_incidentFeed = new IncidentFeed(m_workspace.get(), this);
    m_checklist = new ChecklistPanel(m_workspace.get(), m_incidentFeed, m_stack);
    m_timeline = new TimelinePanel(m_workspace.get(), m_incidentFeed, m_stack);
    const struct
    {
        QString name;
        QWidget *widget;
    } panels[] = {
        {tr("Backups"), m_backups},
        {tr("Restore"), m_restore = new RestorePanel(m_workspace.get(), m_incidentFeed, m_stack)},
        {tr("Cluster"), m_cluster},
        {tr("LLM"), new LlmPanel(m_workspace.get(), m_stack)},
        {tr("Checklist"), m_checklist},
        {tr("Timeline"), m_timeline},
    };
    for (const auto &p : panels) {
        m_nav->addItem(p.name);
        m_stack->addWidget(p.widget);
    }
    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    connect(m_backups,
            &BackupsPanel::restoreRequested,
            this,
            [this](const QString &region, const QString &key) {
                m_nav->setCurrentRow(m_stack->indexOf(m_restore));
                m_restore->openWizard(region, key);
            });
    // A restore that runs (or was interrupted) is what the commander must see first.
    const bool restoring = core::RestoreStore(m_workspace->dataDir()).current().has_value();
    m_nav->setCurrentRow(restoring ? m_stack->indexOf(m_restore) : 0);
    setCentralWidget(splitter);

    m_operationBar = new OperationBar(&m_workspace->runner(), this);
    statusBar()->addPermanentWidget(m_operationBar, 1);

    const QSignalBlocker blocker(m_regions);
    m_regions->clear();
    m_regions->addItem(tr("All regions"), QString());
    for (const QString &name : profile.regionNames())
        m_regions->addItem(name, name);
    m_regions->setEnabled(true);
    onRegionChanged();
}

void MainWindow::onRegionChanged()
{
    if (!m_backups || !m_cluster)
        return;
    const QString region = m_regions->currentData().toString();
    m_backups->setRegions(region.isEmpty() ? QStringList() : QStringList{region});
    m_checklist->setRegion(region);
    if (!region.isEmpty()) {
        m_cluster->showRegion(region);
        m_restore->setRegion(region);
    }
}

} // namespace ragdr::ui
