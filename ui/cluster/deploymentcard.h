#pragma once

#include "core/cluster/clusterrows.h"
#include "core/profile/profile.h"

#include <QFrame>
#include <QSlider>

class QLabel;
class QPushButton;
class QSpinBox;

namespace ragdr::ui {

// A slider with the runbook's recovery value marked on its groove.
class MarkedSlider final : public QSlider
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MarkedSlider)

public:
    explicit MarkedSlider(QWidget *parent = nullptr);
    void setMark(int value);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int m_mark = -1;
};

// One deployment of one region: replicas desired/updated/ready/available, the rollout as kubectl
// rollout status words it, the image; a slider to scale (recovery value marked) and a restart
// button, which only ask: the region view confirms and runs them.
class DeploymentCard final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentCard)

public:
    DeploymentCard(const core::DeploymentSpec &spec, bool readOnly, QWidget *parent = nullptr);

    void setRow(const core::DeploymentRow &row);
    void setBusy(bool busy);
    int desired() const { return m_row.desired; }
    bool known() const { return m_known; }

Q_SIGNALS:
    void scaleRequested(int replicas);
    void restartRequested();

private:
    void syncApply();

    core::DeploymentSpec m_spec;
    core::DeploymentRow m_row;
    bool m_known = false;
    bool m_readOnly;
    bool m_busy = false;
    QLabel *m_replicas;
    QLabel *m_rollout;
    QLabel *m_image;
    MarkedSlider *m_slider;
    QSpinBox *m_spin;
    QPushButton *m_apply;
    QPushButton *m_restart;
};

} // namespace ragdr::ui
