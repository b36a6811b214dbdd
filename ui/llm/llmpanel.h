#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QSplitter;
class QPushButton;
class QTableView;
class QToolButton;

namespace ragdr::core {
class EndpointPool;
class Operation;
class Workspace;
struct OperationResult;
} // namespace ragdr::core

namespace ragdr::ui {

class EndpointTableModel;
class LatencyChart;

// Runbook §4.3 in one panel: per endpoint a status light, the last check, latency, the failure's
// class with what to do, the masked key and the model; which endpoint is live; a chart of the last
// hour's probes; the provider's incidents; Check now, Keys…, and switching the service's own
// endpoint (and back). Probes repeat at the profile's interval (off in production), from when the
// panel is first shown or the first interval has passed.
class LlmPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LlmPanel)

public:
    explicit LlmPanel(core::Workspace *workspace, QWidget *parent = nullptr);
    ~LlmPanel() override;

    EndpointTableModel *model() const { return m_model; }
    LatencyChart *chart() const { return m_chart; } // nullptr until first shown
    bool isChecking() const { return m_check != nullptr; }

    void checkNow();
    // The switch dialog is opened (not exec'd); it runs the switch when accepted.
    void requestSwitch(const QString &endpoint);

Q_SIGNALS:
    void checked(const ragdr::core::OperationResult &result);
    void serviceRefreshed();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void begin();
    void probe(bool journalled);
    void onChecked(const core::OperationResult &result);
    void refreshService();
    void onService(const core::OperationResult &result);
    void refreshProviderStatus();
    void onSwitched(const core::OperationResult &result);
    void showSelected();

    core::Workspace *m_workspace;
    QString m_region;
    std::shared_ptr<core::EndpointPool> m_pool;
    EndpointTableModel *m_model;
    QTableView *m_table;
    QSplitter *m_splitter = nullptr;
    LatencyChart *m_chart = nullptr; // made when the panel begins
    QLabel *m_service;
    QLabel *m_provider;
    QLabel *m_summary;
    QLabel *m_advice;
    QLabel *m_probing;
    QPushButton *m_checkButton;
    QPushButton *m_keysButton;
    QToolButton *m_switchButton;
    QPushButton *m_switchBackButton;
    QPointer<core::Operation> m_check;
    QString m_serviceEndpoint;
    bool m_switched = false;
    bool m_begun = false;
    QTimer m_probeTimer;
    QTimer m_ageTimer;
};

} // namespace ragdr::ui
