#include "mainwindow.h"

#include "../common/paneltitle.h"

#include "../backups/backupspanel.h"
#include "../checklist/checklistpanel.h"
#include "../cluster/clusterpanel.h"
#include "../common/operationbar.h"
#include "../common/palette.h"
#include "../common/placeholderpanel.h"
#include "../timeline/incidentfeed.h"
#include "../timeline/timelinepanel.h"

#include "core/ops/workspace.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

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
    connect(m_regions, &QComboBox::currentIndexChanged, this, &MainWindow::onRegionChanged);

    m_statusProfile = new QLabel(this);
    statusBar()->addWidget(m_statusProfile);
    showWelcome();
}

MainWindow::~MainWindow()
{
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
        connect(reload, &QPushButton::clicked, this, [this] { openProfile(m_lastPath); });
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
    m_checklist = nullptr;
    m_timeline = nullptr;
    delete m_incidentFeed;
    m_incidentFeed = nullptr;
    m_workspace.reset();
}

void MainWindow::showProfileError(const QString &path, const QString &message)
{
    dropWorkspace();
    m_backups = nullptr;
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
    m_lastPath = path;
    auto ws = core::Workspace::open(path);
    if (!ws) {
        showProfileError(path, ws.error().message);
        return false;
    }
    dropWorkspace();
    m_workspace = std::move(*ws);
    QSettings().setValue(kLastProfileKey, m_workspace->profile().path);
    buildPanels();
    return true;
}

void MainWindow::chooseProfile()
{
    const QString path = QFileDialog::getOpenFileName(this,
                                                      tr("Open a ragdr profile"),
                                                      {},
                                                      tr("Profiles (*.yaml *.yml)"));
    if (!path.isEmpty())
        openProfile(path);
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
        {tr("Restore"),
         new PlaceholderPanel(tr("Restore"),
                              tr("One-click verified restore and the guided walkthrough: verify, "
                                 "restore into a staging database, compare, swap, scale back."),
                              m_stack)},
        {tr("Cluster"), m_cluster},
        {tr("LLM"),
         new PlaceholderPanel(tr("LLM"), tr("Gemini reachability, keys and failover."), m_stack)},
        {tr("Checklist"), m_checklist},
        {tr("Timeline"), m_timeline},
    };
    for (const auto &p : panels) {
        m_nav->addItem(p.name);
        m_stack->addWidget(p.widget);
    }
    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    m_nav->setCurrentRow(0);
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
    if (!region.isEmpty())
        m_cluster->showRegion(region);
}

} // namespace ragdr::ui
