#include "operationbar.h"

#include "operationrow.h"

#include "core/ops/operationrunner.h"

#include <QTimer>
#include <QVBoxLayout>

namespace ragdr::ui {

namespace {
constexpr int kResultShownMs = 15000;
}

OperationBar::OperationBar(core::OperationRunner *runner, QWidget *parent)
    : QWidget(parent)
    , m_rows(new QVBoxLayout(this))
{
    setObjectName(QStringLiteral("operationBar"));
    m_rows->setContentsMargins(0, 0, 0, 0);
    m_rows->setSpacing(2);
    connect(runner, &core::OperationRunner::started, this, &OperationBar::track);
}

QList<OperationRow *> OperationBar::rows() const
{
    return findChildren<OperationRow *>(Qt::FindDirectChildrenOnly);
}

void OperationBar::track(core::Operation *operation)
{
    if (operation->spec().journalled) {
        addRow(operation);
        return;
    }
    connect(operation,
            &core::Operation::finished,
            this,
            [this, operation](const core::OperationResult &r) {
                // A failed look-up is never silent; a cancelled, refused (the profile is being
                // closed) or successful one says nothing.
                if (r.status == core::OperationResult::Status::Failed
                    && r.errorKind != core::Error::Kind::Refused)
                    addRow(operation)->showResult(r);
            });
}

OperationRow *OperationBar::addRow(core::Operation *operation)
{
    auto *row = new OperationRow(operation, this);
    m_rows->addWidget(row);
    connect(row, &OperationRow::ended, this, [row] {
        QTimer::singleShot(kResultShownMs, row, &QObject::deleteLater);
    });
    return row;
}

} // namespace ragdr::ui
