#include "operationbar.h"

#include "palette.h"

#include "core/ops/operationrunner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

namespace ragdr::ui {

namespace {
constexpr int kResultShownMs = 15000;
}

OperationBar::OperationBar(core::OperationRunner *runner, QWidget *parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
{
    setObjectName(QStringLiteral("operationBar"));
    m_label->setObjectName(QStringLiteral("operationLabel"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress->setObjectName(QStringLiteral("operationProgress"));
    m_progress->setFixedWidth(180);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_cancel->setObjectName(QStringLiteral("operationCancel"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the running operation; it cleans up before it stops"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    m_progress->hide();
    m_cancel->hide();

    m_fade.setSingleShot(true);
    connect(&m_fade, &QTimer::timeout, m_label, &QLabel::clear);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        if (m_current) {
            m_current->cancel();
            m_cancel->setEnabled(false);
            m_label->setText(tr("Cancelling: %1 …").arg(m_current->spec().title));
        }
    });
    connect(runner, &core::OperationRunner::started, this, &OperationBar::track);
}

void OperationBar::track(core::Operation *operation)
{
    // Quick look-ups come and go every minute: they do not take the bar from real work.
    if (!operation->spec().journalled && m_current && !m_current->isFinished())
        return;
    m_current = operation;
    m_fade.stop();
    m_label->setStyleSheet({});
    m_label->setText(operation->spec().title);
    m_progress->setValue(0);
    m_progress->setRange(0, 0);
    m_progress->setVisible(operation->spec().journalled);
    m_cancel->setVisible(operation->spec().journalled);
    m_cancel->setEnabled(true);
    connect(operation,
            &core::Operation::progressChanged,
            this,
            [this, operation](double f, const QString &step) {
                if (operation == m_current)
                    showProgress(f, step);
            });
    connect(operation,
            &core::Operation::finished,
            this,
            [this, operation](const core::OperationResult &r) {
                if (operation == m_current)
                    showResult(r);
            });
}

void OperationBar::showProgress(double fraction, const QString &step)
{
    if (fraction < 0) {
        m_progress->setRange(0, 0);
    } else {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(fraction * 1000));
    }
    m_label->setText(QStringLiteral("%1 — %2").arg(m_current->spec().title, step));
}

void OperationBar::showResult(const core::OperationResult &result)
{
    m_progress->hide();
    m_cancel->hide();
    if (!m_current->spec().journalled && result.ok()) {
        m_label->clear();
        return;
    }
    const QColor colour = result.ok() ? Palette::good()
                          : result.status == core::OperationResult::Status::Cancelled
                              ? Palette::warning()
                              : Palette::bad();
    m_label->setStyleSheet(QStringLiteral("color: %1; font-weight: bold").arg(colour.name()));
    m_label->setText(result.message);
    m_label->setToolTip(result.untouched.isEmpty() ? QString()
                                                   : tr("Untouched: %1").arg(result.untouched));
    m_fade.start(kResultShownMs);
}

} // namespace ragdr::ui
