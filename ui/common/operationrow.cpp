#include "operationrow.h"

#include "palette.h"

#include "core/ops/operation.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

namespace ragdr::ui {

OperationRow::OperationRow(core::Operation *operation, QWidget *parent)
    : QWidget(parent)
    , m_operation(operation)
    , m_id(operation->id())
    , m_title(operation->spec().title)
    , m_label(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
{
    setObjectName(QStringLiteral("operationRow"));
    setProperty("operationId", m_id);
    m_label->setObjectName(QStringLiteral("operationLabel"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long step or result must not widen the window: it is cut, and the tooltip has it whole.
    m_label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_label->setMinimumWidth(120);
    m_progress->setObjectName(QStringLiteral("operationProgress"));
    m_progress->setFixedWidth(160);
    m_progress->setTextVisible(false);
    m_progress->setRange(0, 0);
    m_cancel->setObjectName(QStringLiteral("operationCancel"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop %1; it cleans up before it stops").arg(m_title));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    setText(m_title);

    connect(m_cancel, &QToolButton::clicked, this, &OperationRow::cancel);
    connect(operation, &core::Operation::progressChanged, this, &OperationRow::showProgress);
    connect(operation, &core::Operation::finished, this, &OperationRow::showResult);
    if (operation->isCancelRequested())
        cancel();
    const core::ProgressState::Snapshot now = operation->progress();
    if (now.version > 0)
        showProgress(now.fraction, now.step);
}

void OperationRow::cancel()
{
    if (m_ended || !m_operation)
        return;
    m_operation->cancel();
    m_cancel->setEnabled(false);
    setText(tr("Cancelling: %1 — it cleans up before it stops").arg(m_title));
}

void OperationRow::showProgress(double fraction, const QString &step)
{
    if (fraction < 0) {
        m_progress->setRange(0, 0);
    } else {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(fraction * 1000));
    }
    const bool cancelling = m_operation && m_operation->isCancelRequested();
    setText(
        QStringLiteral("%1%2 — %3").arg(cancelling ? tr("Cancelling: ") : QString(), m_title, step));
}

void OperationRow::showResult(const core::OperationResult &result)
{
    m_ended = true;
    m_progress->hide();
    m_cancel->hide();
    const QColor colour = result.ok() ? Palette::good()
                          : result.status == core::OperationResult::Status::Cancelled
                              ? Palette::warning()
                              : Palette::bad();
    m_label->setStyleSheet(QStringLiteral("color: %1; font-weight: bold").arg(colour.name()));
    setText(result.outcomeLine(m_title));
    setProperty("status", result.statusName());
    Q_EMIT ended();
}

void OperationRow::setText(const QString &text)
{
    m_label->setText(text);
    m_label->setToolTip(text);
}

} // namespace ragdr::ui
