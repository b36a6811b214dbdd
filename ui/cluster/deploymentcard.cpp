#include "deploymentcard.h"

#include "../common/palette.h"

#include <QGridLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QStyleOptionSlider>

namespace ragdr::ui {

MarkedSlider::MarkedSlider(QWidget *parent)
    : QSlider(Qt::Horizontal, parent)
{
    setTickPosition(QSlider::TicksBelow);
    setTickInterval(1);
}

void MarkedSlider::setMark(int value)
{
    m_mark = value;
    update();
}

void MarkedSlider::paintEvent(QPaintEvent *event)
{
    QSlider::paintEvent(event);
    if (m_mark < minimum() || m_mark > maximum())
        return;
    QStyleOptionSlider option;
    initStyleOption(&option);
    const QRect groove
        = style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderGroove, this);
    const QRect handle
        = style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, this);
    const int span = groove.width() - handle.width();
    const int x = groove.left() + handle.width() / 2
                  + QStyle::sliderPositionFromValue(minimum(), maximum(), m_mark, span);
    QPainter p(this);
    p.setPen(QPen(Palette::good(), 3));
    p.drawLine(x, rect().top() + 1, x, rect().bottom() - 1);
}

DeploymentCard::DeploymentCard(const core::DeploymentSpec &spec, bool readOnly, QWidget *parent)
    : QFrame(parent)
    , m_spec(spec)
    , m_readOnly(readOnly)
    , m_replicas(new QLabel(tr("waiting for the API server…"), this))
    , m_rollout(new QLabel(this))
    , m_image(new QLabel(this))
    , m_slider(new MarkedSlider(this))
    , m_spin(new QSpinBox(this))
    , m_apply(new QPushButton(tr("Scale…"), this))
    , m_restart(new QPushButton(tr("Restart…"), this))
{
    setObjectName(QStringLiteral("deploymentCard-%1").arg(spec.name));
    setFrameShape(QFrame::StyledPanel);
    auto *name = new QLabel(QStringLiteral("<b>%1</b>").arg(spec.name.toHtmlEscaped()), this);
    QFont f = name->font();
    f.setPointSizeF(f.pointSizeF() * 1.15);
    name->setFont(f);
    m_replicas->setObjectName(QStringLiteral("replicasLabel"));
    m_rollout->setObjectName(QStringLiteral("rolloutLabel"));
    m_rollout->setWordWrap(true);
    // Two lines always: a longer rollout message must not make the card jump.
    m_rollout->setMinimumHeight(2 * m_rollout->fontMetrics().lineSpacing());
    m_rollout->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_image->setEnabled(false);
    m_slider->setObjectName(QStringLiteral("replicaSlider"));
    m_slider->setRange(0, std::max({10, spec.recoveryReplicas * 2, spec.normalReplicas * 2}));
    m_slider->setMark(spec.recoveryReplicas);
    m_slider->setToolTip(
        tr("Replicas; the green mark is the runbook's recovery value (%1), normal is %2")
            .arg(spec.recoveryReplicas)
            .arg(spec.normalReplicas));
    m_spin->setObjectName(QStringLiteral("replicaSpin"));
    m_spin->setRange(0, 10000);
    m_apply->setObjectName(QStringLiteral("scaleButton"));
    m_restart->setObjectName(QStringLiteral("restartButton"));
    auto *marks = new QLabel(tr("normal %1 · recovery %2")
                                 .arg(spec.normalReplicas)
                                 .arg(spec.recoveryReplicas),
                             this);
    marks->setEnabled(false);

    auto *grid = new QGridLayout(this);
    grid->addWidget(name, 0, 0);
    grid->addWidget(m_replicas, 0, 1, 1, 3);
    grid->addWidget(m_rollout, 1, 0, 1, 4);
    grid->addWidget(m_slider, 2, 0, 1, 2);
    grid->addWidget(m_spin, 2, 2);
    grid->addWidget(m_apply, 2, 3);
    grid->addWidget(marks, 3, 0, 1, 2);
    grid->addWidget(m_restart, 3, 3);
    grid->addWidget(m_image, 4, 0, 1, 4);
    grid->setColumnStretch(1, 1);

    connect(m_slider, &QSlider::valueChanged, m_spin, &QSpinBox::setValue);
    connect(m_spin, &QSpinBox::valueChanged, this, [this](int v) {
        if (v <= m_slider->maximum())
            m_slider->setValue(v);
        syncApply();
    });
    connect(m_apply, &QPushButton::clicked, this, [this] {
        Q_EMIT scaleRequested(m_spin->value());
    });
    connect(m_restart, &QPushButton::clicked, this, &DeploymentCard::restartRequested);
    syncApply();
}

void DeploymentCard::setRow(const core::DeploymentRow &row)
{
    const bool first = !m_known;
    m_known = true;
    const int shownBefore = m_row.desired;
    m_row = row;
    m_replicas->setText(tr("%1/%2 ready · %3 up-to-date · %4 available%5")
                            .arg(row.ready)
                            .arg(row.desired)
                            .arg(row.updated)
                            .arg(row.available)
                            .arg(row.paused ? tr(" · paused") : QString()));
    const QColor colour = row.health == core::Health::Good  ? Palette::good()
                          : row.health == core::Health::Bad ? Palette::bad()
                                                            : Palette::warning();
    m_rollout->setText(row.rollout);
    m_rollout->setStyleSheet(QStringLiteral("color: %1").arg(colour.name()));
    m_image->setText(row.images);
    if (row.desired > m_slider->maximum())
        m_slider->setMaximum(row.desired);
    // Follow the cluster unless the commander is choosing a new value.
    if (first || m_spin->value() == shownBefore)
        m_spin->setValue(row.desired);
    syncApply();
}

void DeploymentCard::setBusy(bool busy)
{
    m_busy = busy;
    syncApply();
}

void DeploymentCard::syncApply()
{
    const bool usable = m_known && !m_readOnly && !m_busy;
    m_slider->setEnabled(usable);
    m_spin->setEnabled(usable);
    m_apply->setEnabled(usable && m_spin->value() != m_row.desired);
    m_restart->setEnabled(usable);
    m_apply->setText(m_known && m_spin->value() != m_row.desired
                         ? tr("Scale %1 → %2…").arg(m_row.desired).arg(m_spin->value())
                         : tr("Scale…"));
    if (m_readOnly)
        m_apply->setToolTip(tr("The profile is read-only"));
}

} // namespace ragdr::ui
