#include "retentiondialog.h"

#include "../common/palette.h"

#include "core/backup/backupoperations.h"
#include "core/ops/workspace.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ragdr::ui {

RetentionDialog::RetentionDialog(core::Workspace *workspace, QString region, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_region(std::move(region))
    , m_plan(new QTableWidget(this))
    , m_summary(new QLabel(tr("Planning…"), this))
    , m_confirm(new QLineEdit(this))
    , m_delete(new QPushButton(tr("Delete"), this))
{
    setObjectName(QStringLiteral("retentionDialog"));
    setWindowTitle(tr("Retention in %1").arg(m_region));
    resize(760, 480);
    m_plan->setObjectName(QStringLiteral("retentionPlan"));
    m_summary->setObjectName(QStringLiteral("retentionSummary"));
    m_plan->setColumnCount(3);
    m_plan->setHorizontalHeaderLabels({tr("Backup"), tr("Action"), tr("Why")});
    m_plan->horizontalHeader()->setStretchLastSection(true);
    m_plan->verticalHeader()->hide();
    m_plan->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary->setWordWrap(true);
    m_confirm->setObjectName(QStringLiteral("retentionConfirm"));
    m_confirm->setPlaceholderText(tr("type %1 to delete").arg(m_region));
    m_confirm->setEnabled(false);
    m_delete->setObjectName(QStringLiteral("retentionDelete"));
    m_delete->setEnabled(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_delete, QDialogButtonBox::DestructiveRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_confirm, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_delete->setEnabled(!m_shown.isEmpty() && text == m_region);
    });
    connect(m_delete, &QPushButton::clicked, this, &RetentionDialog::apply);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_plan, 1);
    layout->addWidget(m_confirm);
    layout->addWidget(buttons);

    core::Operation *plan = core::BackupOperations::retention(m_workspace->runner(),
                                                              m_workspace->profile(),
                                                              m_region,
                                                              true,
                                                              {});
    connect(plan, &core::Operation::finished, this, &RetentionDialog::showPlan);
}

void RetentionDialog::showPlan(const core::OperationResult &result)
{
    const QJsonObject plan = result.evidence.value(QStringLiteral("plan")).toObject();
    const QJsonArray decisions = plan.value(QStringLiteral("decisions")).toArray();
    m_plan->setRowCount(0);
    m_shown.clear();
    for (const QJsonValue &id : plan.value(QStringLiteral("deletions")).toArray())
        m_shown.append(id.toString());
    for (const QJsonValue &v : decisions) {
        const QJsonObject d = v.toObject();
        const int row = m_plan->rowCount();
        m_plan->insertRow(row);
        const bool doomed = d.value(QStringLiteral("action")).toString() == QLatin1String("delete");
        const QStringList cells{d.value(QStringLiteral("backup")).toString(),
                                d.value(QStringLiteral("action")).toString(),
                                d.value(QStringLiteral("reason")).toString()};
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells.at(col));
            if (doomed)
                item->setForeground(Palette::bad());
            m_plan->setItem(row, col, item);
        }
    }
    m_plan->resizeColumnsToContents();
    m_confirm->clear();
    if (!result.ok() && result.errorKind == core::Error::Kind::Refused
        && result.evidence.contains(QStringLiteral("confirmed"))) {
        // Refused because the plan changed: this is the new one, to be confirmed again.
        QString why = result.message;
        why[0] = why.at(0).toUpper();
        m_summary->setText(tr("%1.\nNothing was deleted. This is the plan now.").arg(why));
        m_confirm->setEnabled(!m_shown.isEmpty() && !m_workspace->profile().readOnly);
        return;
    }
    if (!result.ok()) {
        m_summary->setText(result.message);
        m_shown.clear();
        return;
    }
    m_summary->setText(
        m_shown.isEmpty()
            ? tr("Retention keeps every backup in %1.").arg(m_region)
            : tr("%1 backups would be deleted from every repository of %2, with their manifests. "
                 "The newest verified backup is always kept.")
                  .arg(m_shown.size())
                  .arg(m_region));
    m_confirm->setEnabled(!m_shown.isEmpty() && !m_workspace->profile().readOnly);
}

void RetentionDialog::apply()
{
    m_delete->setEnabled(false);
    m_confirm->setEnabled(false);
    core::Operation *op = core::BackupOperations::retention(m_workspace->runner(),
                                                            m_workspace->profile(),
                                                            m_region,
                                                            false,
                                                            m_confirm->text(),
                                                            m_shown);
    connect(op, &core::Operation::finished, this, [this](const core::OperationResult &r) {
        if (r.ok()) {
            m_summary->setText(r.message);
            accept();
            return;
        }
        showPlan(r);
    });
}

} // namespace ragdr::ui
