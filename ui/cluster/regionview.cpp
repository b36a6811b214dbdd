#include "regionview.h"

#include "confirmactiondialog.h"
#include "deploymentcard.h"
#include "eventtablemodel.h"
#include "logview.h"
#include "podtablemodel.h"

#include "../common/palette.h"

#include "core/cluster/clusteroperations.h"
#include "core/cluster/humanduration.h"
#include "core/ops/workspace.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace ragdr::ui {

namespace {
constexpr int kAgeRefreshMs = 5000;
constexpr int kHeardTickMs = 1000;
} // namespace

RegionView::RegionView(core::Workspace *workspace, const core::Region &region, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_region(region)
    , m_connection(new QLabel(this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_pods(new PodTableModel(this))
    , m_podProxy(new PodSortFilterModel(this))
    , m_podTable(new QTableView(this))
    , m_filter(new QLineEdit(this))
    , m_podCount(new QLabel(this))
    , m_log(new LogView(this))
    , m_events(new EventTableModel(this))
{
    setObjectName(QStringLiteral("regionView-%1").arg(region.name));
    m_connection->setObjectName(QStringLiteral("connectionLabel"));
    m_connection->setWordWrap(true);
    m_connection->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_refresh->setObjectName(QStringLiteral("refreshButton"));
    m_refresh->setToolTip(tr("Connect again if the client could not be built, else list and watch "
                             "everything afresh"));
    connect(m_refresh, &QPushButton::clicked, this, &RegionView::refreshRequested);
    m_status.region = region.name;
    showStatus();

    auto *cards = new QHBoxLayout;
    for (const core::DeploymentSpec &spec : workspace->profile().deployments) {
        auto *card = new DeploymentCard(spec, workspace->profile().readOnly, this);
        m_cards.insert(spec.name, card);
        cards->addWidget(card, 1);
        connect(card, &DeploymentCard::scaleRequested, this, [this, name = spec.name](int n) {
            askScale(name, n);
        });
        connect(card, &DeploymentCard::restartRequested, this, [this, name = spec.name] {
            askRestart(name);
        });
    }

    m_filter->setObjectName(QStringLiteral("podFilter"));
    m_filter->setPlaceholderText(tr("Filter pods by name, status, node or deployment"));
    m_filter->setClearButtonEnabled(true);
    m_podCount->setObjectName(QStringLiteral("podCount"));
    m_podProxy->setSourceModel(m_pods);
    m_podProxy->setDynamicSortFilter(true);
    m_podTable->setObjectName(QStringLiteral("podTable"));
    m_podTable->setModel(m_podProxy);
    m_podTable->setSortingEnabled(true);
    m_podTable->sortByColumn(PodTableModel::Name, Qt::AscendingOrder);
    m_podTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_podTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_podTable->verticalHeader()->hide();
    // Fixed row heights and column widths: the view never measures thousands of rows.
    m_podTable->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_podTable->verticalHeader()->setDefaultSectionSize(m_podTable->fontMetrics().height() + 8);
    m_podTable->horizontalHeader()->setStretchLastSection(true);
    m_podTable->setColumnWidth(PodTableModel::Name, 280);
    m_podTable->setColumnWidth(PodTableModel::Status, 150);
    m_podTable->setColumnWidth(PodTableModel::Restarts, 110);
    m_podTable->setColumnWidth(PodTableModel::Deployment, 110);
    m_podTable->setColumnWidth(PodTableModel::Ip, 110);
    connect(m_filter, &QLineEdit::textChanged, m_podProxy, &PodSortFilterModel::setNeedle);
    connect(m_podTable->selectionModel(),
            &QItemSelectionModel::selectionChanged,
            this,
            &RegionView::onPodSelected);
    auto updateCount = [this] { m_podCount->setText(tr("%1 pods").arg(m_pods->rowCount())); };
    connect(m_pods, &QAbstractItemModel::rowsInserted, this, updateCount);
    connect(m_pods, &QAbstractItemModel::rowsRemoved, this, updateCount);
    connect(m_pods, &QAbstractItemModel::modelReset, this, updateCount);
    connect(m_pods, &QAbstractItemModel::dataChanged, this, [this] {
        if (const int row = m_pods->rowOf(m_log->podName()); row >= 0)
            m_log->updatePod(m_pods->pod(row));
    });

    auto *eventTable = new QTableView(this);
    eventTable->setObjectName(QStringLiteral("eventTable"));
    eventTable->setModel(m_events);
    eventTable->verticalHeader()->hide();
    eventTable->horizontalHeader()->setStretchLastSection(true);
    eventTable->setColumnWidth(EventTableModel::Reason, 140);
    eventTable->setColumnWidth(EventTableModel::Object, 260);
    eventTable->setWordWrap(false);

    auto *podPane = new QWidget(this);
    auto *podBar = new QHBoxLayout;
    podBar->addWidget(m_filter, 1);
    podBar->addWidget(m_podCount);
    auto *podLayout = new QVBoxLayout(podPane);
    podLayout->setContentsMargins(0, 0, 0, 0);
    podLayout->addLayout(podBar);
    podLayout->addWidget(m_podTable, 1);
    auto *lower = new QTabWidget(this);
    lower->setObjectName(QStringLiteral("lowerTabs"));
    lower->addTab(m_log, tr("Logs"));
    lower->addTab(eventTable, tr("Events"));
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(podPane);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *connectionBar = new QHBoxLayout;
    connectionBar->addWidget(m_connection, 1);
    connectionBar->addWidget(m_refresh, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(connectionBar);
    layout->addLayout(cards);
    layout->addWidget(split, 1);

    m_ages.setInterval(kAgeRefreshMs);
    connect(&m_ages, &QTimer::timeout, m_pods, &PodTableModel::refreshAges);
    m_ages.start();
    m_heardTicker.setInterval(kHeardTickMs);
    connect(&m_heardTicker, &QTimer::timeout, this, &RegionView::showStatus);
    m_heardTicker.start();
}

void RegionView::apply(core::ClusterService::Feed feed, const core::WatchBatch &batch)
{
    switch (feed) {
    case core::ClusterService::Feed::Pods:
        m_pods->apply(batch);
        break;
    case core::ClusterService::Feed::Events:
        m_events->apply(batch);
        break;
    case core::ClusterService::Feed::Deployments:
        for (const QVariant &v : batch.derived) {
            const core::DeploymentRow row = v.value<core::DeploymentRow>();
            if (DeploymentCard *card = m_cards.value(row.name))
                card->setRow(row);
        }
        break;
    }
}

void RegionView::setStatus(const core::RegionStatus &status)
{
    m_status = status;
    showStatus();
}

// One line for every feed: whether each is watched, or why not and when it tries again (a denied
// feed names itself and the server's reason), and how long ago the server last said anything.
void RegionView::showStatus()
{
    const core::RegionStatus &s = m_status;
    QString text;
    QColor colour = Palette::warning();
    bool live = false;
    if (!s.clientError.isEmpty()) {
        text = tr("No connection to context %1: %2. Refresh tries again, and so does a change to "
                  "%3.")
                   .arg(m_region.kube.context,
                        s.clientError,
                        s.retryTriggers.isEmpty() ? tr("the kubeconfig")
                                                  : s.retryTriggers.join(QStringLiteral(", ")));
        colour = Palette::bad();
    } else if (s.feeds.isEmpty()) {
        text = tr("Connecting to context %1…").arg(m_region.kube.context);
    } else if (s.live()) {
        text = tr("Watching namespace %1 through context %2")
                   .arg(m_region.kube.ns, m_region.kube.context);
        colour = Palette::good();
        live = true;
    } else {
        QStringList parts;
        for (const core::RegionStatus::Feed &feed : s.troubled()) {
            if (feed.denied())
                parts.append(tr("%1 denied: %2").arg(feed.name, feed.detail));
            else if (feed.detail.isEmpty())
                parts.append(tr("%1: listing…").arg(feed.name));
            else
                parts.append(tr("%1: %2").arg(feed.name, feed.detail));
        }
        QStringList watched;
        for (const core::RegionStatus::Feed &feed : s.feeds) {
            if (feed.state == core::ResourceWatcher::State::Watching)
                watched.append(feed.name);
        }
        text = parts.join(QStringLiteral("; "));
        if (!watched.isEmpty())
            text += tr(" (%1 watched)").arg(watched.join(QStringLiteral(", ")));
        const bool denied = std::any_of(s.feeds.cbegin(), s.feeds.cend(), [](const auto &f) {
            return f.denied();
        });
        if (denied || watched.isEmpty())
            colour = Palette::bad();
    }
    if (s.lastHeard.isValid()) {
        const std::chrono::milliseconds ago(
            std::max<qint64>(0, s.lastHeard.msecsTo(QDateTime::currentDateTimeUtc())));
        // Longer than a healthy watch stays silent (kube-apiserver bookmarks every minute):
        // watched in name only, until the watcher gives up on it.
        if (live && ago > core::ResourceWatcher::kInactivityTimeout) {
            text += tr(" · nothing heard for %1").arg(core::humanDuration(ago));
            colour = Palette::warning();
            live = false;
        } else {
            text += tr(" · last event %1 ago").arg(core::humanDuration(ago));
        }
    }
    if (m_connection->text() != text)
        m_connection->setText(text);
    // A style sheet re-polishes the widget: only when the colour changes, not every second.
    const QString style = QStringLiteral("color: %1").arg(colour.name());
    if (m_connection->styleSheet() != style)
        m_connection->setStyleSheet(style);
    m_connection->setProperty("connected", live);
}

void RegionView::onPodSelected()
{
    const QModelIndexList rows = m_podTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const core::PodRow pod = m_pods->pod(m_podProxy->mapToSource(rows.constFirst()).row());
    if (pod.name == m_log->podName())
        return;
    auto connection = m_workspace->kube().forRegion(m_region.name);
    if (connection)
        m_log->showPod(*connection, pod);
}

void RegionView::askScale(const QString &deployment, int replicas)
{
    DeploymentCard *card = m_cards.value(deployment);
    const int current = card->desired();
    const QString description
        = tr("Scale deployment <b>%1</b> in namespace <b>%2</b> (context <b>%3</b>, region %4) "
             "from <b>%5</b> to <b>%6</b> "
             "replicas.%7")
              .arg(deployment, m_region.kube.ns, m_region.kube.context, m_region.name)
              .arg(current)
              .arg(replicas)
              .arg(replicas == 0 ? tr(" This stops every pod of it.") : QString());
    auto *dialog = new ConfirmActionDialog(m_workspace,
                                           m_region.name,
                                           deployment,
                                           ConfirmActionDialog::Action::Scale,
                                           description,
                                           replicas == 0,
                                           this);
    // open(), not exec(): what the answer acts on is copied here, nothing is held across it.
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, deployment, replicas, current] {
        watchOperation(deployment,
                       core::ClusterOperations::scale(*m_workspace,
                                                      m_region.name,
                                                      deployment,
                                                      replicas,
                                                      current,
                                                      replicas == 0 ? deployment : QString()));
    });
    dialog->open();
}

void RegionView::askRestart(const QString &deployment)
{
    const QString description
        = tr("Restart deployment <b>%1</b> in namespace <b>%2</b> (context <b>%3</b>, region %4): "
             "every pod is replaced, a few at a time, as kubectl rollout restart does.")
              .arg(deployment, m_region.kube.ns, m_region.kube.context, m_region.name);
    auto *dialog = new ConfirmActionDialog(m_workspace,
                                           m_region.name,
                                           deployment,
                                           ConfirmActionDialog::Action::Restart,
                                           description,
                                           false,
                                           this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, deployment] {
        watchOperation(deployment,
                       core::ClusterOperations::restart(*m_workspace, m_region.name, deployment));
    });
    dialog->open();
}

void RegionView::watchOperation(const QString &deployment, QObject *operation)
{
    DeploymentCard *card = m_cards.value(deployment);
    card->setBusy(true);
    connect(static_cast<core::Operation *>(operation), &core::Operation::finished, card, [card] {
        card->setBusy(false);
    });
}

} // namespace ragdr::ui
