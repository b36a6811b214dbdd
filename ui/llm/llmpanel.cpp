#include "llmpanel.h"

#include "../common/palette.h"
#include "../common/paneltitle.h"

#include "endpointtablemodel.h"
#include "keysdialog.h"
#include "latencychart.h"
#include "switchservicedialog.h"

#include "core/base/duration.h"
#include "core/llm/endpointpool.h"
#include "core/llm/llmoperations.h"
#include "core/ops/workspace.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace ragdr::ui {

using core::EndpointReport;

namespace {

QList<EndpointReport> reportsOf(const core::OperationResult &result)
{
    QList<EndpointReport> reports;
    for (const QJsonValue &v : result.evidence.value(QLatin1String("endpoints")).toArray())
        reports.append(EndpointReport::fromJson(v.toObject()));
    return reports;
}

QList<EndpointReport> unchecked(const core::Profile &profile)
{
    QList<EndpointReport> rows;
    for (const core::LlmEndpoint &e : profile.llmEndpoints) {
        EndpointReport r;
        r.name = e.name;
        r.url = e.url;
        r.model = e.model;
        r.embeddingModel = e.embeddingModel;
        r.keyName = e.key.location;
        rows.append(r);
    }
    return rows;
}

void colour(QLabel *label, const QColor &c)
{
    label->setStyleSheet(c.isValid() ? QStringLiteral("color: %1").arg(c.name()) : QString());
}

} // namespace

LlmPanel::LlmPanel(core::Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_region(workspace->profile().regions.constFirst().name)
    , m_pool(std::make_shared<core::EndpointPool>(workspace->profile().llm.cooldownSecs))
    , m_model(new EndpointTableModel(unchecked(workspace->profile()), this))
    , m_table(new QTableView(this))
    , m_service(new QLabel(this))
    , m_provider(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_advice(new QLabel(this))
    , m_probing(new QLabel(this))
    , m_checkButton(new QPushButton(tr("Check now"), this))
    , m_keysButton(new QPushButton(tr("Keys…"), this))
    , m_switchButton(new QToolButton(this))
    , m_switchBackButton(new QPushButton(tr("Switch back"), this))
{
    setObjectName(QStringLiteral("llmPanel"));
    const core::Profile &profile = workspace->profile();
    QStringList names;
    for (const core::LlmEndpoint &e : profile.llmEndpoints)
        names.append(e.name);

    m_service->setObjectName(QStringLiteral("serviceLabel"));
    m_service->setWordWrap(true);
    m_service->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_provider->setObjectName(QStringLiteral("providerLabel"));
    m_provider->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setWordWrap(true);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    m_advice->setObjectName(QStringLiteral("adviceLabel"));
    m_advice->setWordWrap(true);
    m_advice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_probing->setObjectName(QStringLiteral("probingLabel"));
    m_checkButton->setObjectName(QStringLiteral("checkButton"));
    m_keysButton->setObjectName(QStringLiteral("keysButton"));
    m_switchButton->setObjectName(QStringLiteral("switchButton"));
    m_switchButton->setText(tr("Switch service ▾"));
    m_switchButton->setPopupMode(QToolButton::InstantPopup);
    m_switchBackButton->setObjectName(QStringLiteral("switchBackButton"));
    m_switchBackButton->setEnabled(false);
    auto *menu = new QMenu(m_switchButton);
    for (const QString &name : names) {
        QAction *a = menu->addAction(tr("Switch service to %1…").arg(name));
        a->setObjectName(QStringLiteral("switchTo-") + name);
        connect(a, &QAction::triggered, this, [this, name] { requestSwitch(name); });
    }
    m_switchButton->setMenu(menu);
    const bool canSwitch = profile.llm.hasServiceConfig() && !profile.readOnly;
    m_switchButton->setEnabled(canSwitch);
    if (!profile.llm.hasServiceConfig())
        m_service->setText(tr("The profile does not say where the service reads its LLM endpoint "
                              "(llm.service_config), so it cannot be switched from here."));

    m_table->setObjectName(QStringLiteral("endpointTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(EndpointTableModel::Problem,
                                                      QHeaderView::Stretch);
    m_table->setWordWrap(false);
    // As tall as its rows: the chart below gets the rest.
    m_table->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height()
                            + m_table->verticalHeader()->defaultSectionSize()
                                  * std::max(2, m_model->rowCount())
                            + 2 * m_table->frameWidth());
    connect(m_table->selectionModel(),
            &QItemSelectionModel::currentRowChanged,
            this,
            &LlmPanel::showSelected);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &LlmPanel::showSelected);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_checkButton);
    buttons->addWidget(m_keysButton);
    buttons->addSpacing(24);
    buttons->addWidget(m_switchButton);
    buttons->addWidget(m_switchBackButton);
    buttons->addStretch(1);
    buttons->addWidget(m_probing);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_summary);
    topLayout->addWidget(m_table);
    topLayout->addWidget(m_advice);
    m_splitter = new QSplitter(Qt::Vertical, this);
    auto *splitter = m_splitter;
    splitter->addWidget(top);
    // The table and its advice keep their height; the chart takes what is left.
    top->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(panelTitle(tr("LLM"), this));
    layout->addWidget(m_service);
    layout->addWidget(m_provider);
    layout->addLayout(buttons);
    layout->addWidget(splitter, 1);

    connect(m_checkButton, &QPushButton::clicked, this, &LlmPanel::checkNow);
    connect(m_keysButton, &QPushButton::clicked, this, [this] {
        auto *dialog = new KeysDialog(m_workspace, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &KeysDialog::keysChanged, this, [this] {
            m_pool->clear();
            probe(false);
        });
        dialog->open();
    });
    connect(m_switchBackButton, &QPushButton::clicked, this, [this] { requestSwitch(QString()); });

    const qint64 interval = profile.llm.probeIntervalSecs;
    if (interval > 0) {
        m_probing->setText(tr("probes every %1").arg(core::formatDuration(interval)));
        m_probeTimer.setInterval(std::chrono::seconds(interval));
        connect(&m_probeTimer, &QTimer::timeout, this, [this] {
            if (!m_begun) {
                begin();
                return;
            }
            probe(false);
            refreshProviderStatus();
        });
        m_probeTimer.start();
    } else {
        m_probing->setText(tr("periodic probes off (they cost quota): Check now"));
    }
    m_ageTimer.setInterval(5000);
    connect(&m_ageTimer, &QTimer::timeout, m_model, &EndpointTableModel::refreshAges);
    m_ageTimer.start();

    m_summary->setText(tr("Not checked yet."));
}

void LlmPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    begin();
}

void LlmPanel::begin()
{
    // Not while the console opens: its first moments belong to the panels on screen. The first
    // look comes when the panel is shown, or at the first probe tick.
    if (m_begun)
        return;
    m_begun = true;
    // A chart costs the GUI thread a good part of a frame to lay out: made when first needed.
    QStringList names;
    for (const core::LlmEndpoint &e : m_workspace->profile().llmEndpoints)
        names.append(e.name);
    m_chart = new LatencyChart(names, m_splitter);
    m_splitter->addWidget(m_chart);
    m_splitter->setStretchFactor(1, 1);
    if (m_workspace->profile().llm.probeIntervalSecs > 0)
        probe(false);
    refreshService();
    refreshProviderStatus();
}

LlmPanel::~LlmPanel() = default;

void LlmPanel::checkNow()
{
    probe(true);
}

void LlmPanel::probe(bool journalled)
{
    if (m_check)
        return; // one at a time: the next tick or click comes after it
    m_checkButton->setEnabled(false);
    m_summary->setText(tr("Checking…"));
    colour(m_summary, {});
    m_check = core::LlmOperations::check(*m_workspace, m_pool, m_region, {}, journalled);
    connect(m_check, &core::Operation::finished, this, &LlmPanel::onChecked);
}

void LlmPanel::onChecked(const core::OperationResult &result)
{
    m_check = nullptr;
    m_checkButton->setEnabled(true);
    const QList<EndpointReport> reports = reportsOf(result);
    m_model->apply(reports);
    for (const EndpointReport &r : reports)
        if (m_chart)
            m_chart->add(r);
    const QString live = result.evidence.value(QLatin1String("live")).toString();
    if (!live.isEmpty()) {
        const bool failedOver = !reports.isEmpty() && reports.constFirst().name != live;
        m_summary->setText(failedOver ? tr("%1 answers the probes (failed over from %2)")
                                            .arg(live, reports.constFirst().name)
                                      : tr("%1 answers the probes").arg(live));
        colour(m_summary, failedOver ? Palette::warning() : Palette::good());
    } else {
        m_summary->setText(reports.isEmpty() ? result.message : tr("No endpoint answers."));
        colour(m_summary, Palette::bad());
    }
    if (!result.warnings.isEmpty())
        m_summary->setText(m_summary->text() + QStringLiteral(" — ")
                           + result.warnings.join(QStringLiteral("; ")));
    showSelected();
    Q_EMIT checked(result);
}

void LlmPanel::showSelected()
{
    const QModelIndex current = m_table->currentIndex();
    int row = current.isValid() ? current.row() : -1;
    if (row < 0) {
        // Nothing chosen: the first failure is what needs reading.
        for (int r = 0; r < m_model->rowCount() && row < 0; ++r) {
            if (m_model->endpoint(r).failure.isFailure())
                row = r;
        }
    }
    if (row < 0) {
        m_advice->clear();
        return;
    }
    const EndpointReport &e = m_model->endpoint(row);
    if (!e.failure.isFailure()) {
        m_advice->setText(tr("%1 (%2): %3").arg(e.name, e.url, e.summary()));
        colour(m_advice, {});
        return;
    }
    m_advice->setText(tr("<b>%1</b>: %2<br><b>What to do:</b> %3")
                          .arg(e.name.toHtmlEscaped(),
                               e.summary().toHtmlEscaped(),
                               e.failure.advice().toHtmlEscaped()));
    colour(m_advice, Palette::bad());
}

void LlmPanel::refreshService()
{
    if (!m_workspace->profile().llm.hasServiceConfig())
        return;
    connect(core::LlmOperations::serviceState(*m_workspace, m_region),
            &core::Operation::finished,
            this,
            &LlmPanel::onService);
}

void LlmPanel::onService(const core::OperationResult &result)
{
    const core::Profile &p = m_workspace->profile();
    if (!result.ok()) {
        m_service->setText(tr("Could not read what the service uses: %1").arg(result.message));
        colour(m_service, Palette::warning());
        m_switchBackButton->setEnabled(false);
        Q_EMIT serviceRefreshed();
        return;
    }
    const QJsonObject s = result.evidence;
    m_serviceEndpoint = s.value(QLatin1String("endpoint")).toString();
    const QString previous = s.value(QLatin1String("previous_url")).toString();
    const QString previousName = s.value(QLatin1String("previous_endpoint")).toString();
    m_switched = !previous.isEmpty();
    QStringList deployments;
    for (const core::DeploymentSpec &d : p.deployments)
        deployments.append(d.name);
    QString text = tr("The service (%1 in %2 · context %3) reads %4 %5 = <b>%6</b>%7.")
                       .arg(deployments.join(QStringLiteral(", ")),
                            s.value(QLatin1String("namespace")).toString(),
                            s.value(QLatin1String("context")).toString(),
                            s.value(QLatin1String("configmap")).toString(),
                            s.value(QLatin1String("key")).toString(),
                            m_serviceEndpoint.isEmpty()
                                ? s.value(QLatin1String("url")).toString().toHtmlEscaped()
                                : m_serviceEndpoint.toHtmlEscaped(),
                            m_serviceEndpoint.isEmpty()
                                ? tr(" (no endpoint of the profile)")
                                : QStringLiteral(" (%1)").arg(
                                    s.value(QLatin1String("url")).toString().toHtmlEscaped()));
    if (m_switched)
        text += tr(" Switched by ragdr from %1; <i>Switch back</i> restores it.")
                    .arg((previousName.isEmpty() ? previous : previousName).toHtmlEscaped());
    m_service->setText(text);
    colour(m_service, m_switched ? Palette::warning() : QColor());
    m_switchBackButton->setEnabled(m_switched && !p.readOnly);
    for (QAction *a : m_switchButton->menu()->actions())
        a->setEnabled(a->objectName() != QStringLiteral("switchTo-") + m_serviceEndpoint);
    Q_EMIT serviceRefreshed();
}

void LlmPanel::refreshProviderStatus()
{
    const QString feed = m_workspace->profile().llm.statusFeed;
    if (feed.isEmpty()) {
        m_provider->setText(
            tr("Provider status: no status feed in the profile (llm.status_feed)."));
        return;
    }
    connect(core::LlmOperations::providerStatus(*m_workspace),
            &core::Operation::finished,
            this,
            [this](const core::OperationResult &result) {
                if (!result.ok()) {
                    m_provider->setText(
                        tr("Provider status: could not be read (%1)").arg(result.message));
                    colour(m_provider, Palette::warning());
                    return;
                }
                QStringList lines;
                for (const QJsonValue &v :
                     result.evidence.value(QLatin1String("incidents")).toArray()) {
                    const QJsonObject i = v.toObject();
                    lines.append(tr("%1 — %2").arg(i.value(QLatin1String("title")).toString(),
                                                   i.value(QLatin1String("update")).toString()));
                }
                m_provider->setText(
                    lines.isEmpty()
                        ? tr("Provider status: no current incident.")
                        : tr("Provider status: %1").arg(lines.join(QStringLiteral("; "))));
                colour(m_provider, lines.isEmpty() ? QColor() : Palette::warning());
            });
}

void LlmPanel::requestSwitch(const QString &endpoint)
{
    const core::Profile &p = m_workspace->profile();
    const core::Region *region = p.region(m_region);
    if (!region || !p.llm.hasServiceConfig())
        return;
    QStringList deployments;
    for (const core::DeploymentSpec &d : p.deployments)
        deployments.append(d.name);
    QString url;
    for (const core::LlmEndpoint &e : p.llmEndpoints) {
        if (e.name == endpoint)
            url = e.url;
    }
    const QString change
        = endpoint.isEmpty()
              ? tr("back to what the last switch replaced")
              : tr("to <b>%1</b> (%2)").arg(endpoint.toHtmlEscaped(), url.toHtmlEscaped());
    const QString description
        = tr("Set %1 in ConfigMap <b>%2</b> %3, in namespace <b>%4</b> of context <b>%5</b>; then "
             "restart %6 (rollout restart) and wait for them, and probe the endpoint now "
             "configured. The API server is asked first whether you may. Journaled.")
              .arg(p.llm.serviceConfigKey,
                   p.llm.serviceConfigMap,
                   change,
                   region->kube.ns,
                   region->kube.context,
                   deployments.join(tr(" and ")));
    auto *dialog = new SwitchServiceDialog(description, region->kube.context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, endpoint] {
        m_switchButton->setEnabled(false);
        m_switchBackButton->setEnabled(false);
        connect(core::LlmOperations::switchService(*m_workspace,
                                                   m_region,
                                                   endpoint,
                                                   dialog->confirmation()),
                &core::Operation::finished,
                this,
                &LlmPanel::onSwitched);
    });
    dialog->open();
}

void LlmPanel::onSwitched(const core::OperationResult &result)
{
    m_switchButton->setEnabled(!m_workspace->profile().readOnly);
    m_advice->setText(result.ok() ? result.message
                                  : tr("%1\n%2").arg(result.message, result.untouched));
    colour(m_advice, result.ok() ? Palette::good() : Palette::bad());
    refreshService();
}

} // namespace ragdr::ui
