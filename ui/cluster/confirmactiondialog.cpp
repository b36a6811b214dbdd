#include "confirmactiondialog.h"

#include "../common/palette.h"

#include "core/cluster/clusteroperations.h"
#include "core/ops/workspace.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ragdr::ui {

ConfirmActionDialog::ConfirmActionDialog(core::Workspace *workspace,
                                         const QString &region,
                                         const QString &deployment,
                                         Action action,
                                         const QString &description,
                                         bool typedConfirmation,
                                         QWidget *parent)
    : QDialog(parent)
    , m_deployment(deployment)
    , m_action(action)
    , m_permission(new QLabel(tr("Checking permission…"), this))
{
    setObjectName(QStringLiteral("confirmActionDialog"));
    setWindowTitle(action == Action::Scale ? tr("Scale %1").arg(deployment)
                                           : tr("Restart %1").arg(deployment));
    auto *text = new QLabel(description, this);
    text->setObjectName(QStringLiteral("confirmText"));
    text->setWordWrap(true);
    m_permission->setObjectName(QStringLiteral("permissionLabel"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_ok = buttons->addButton(action == Action::Scale ? tr("Scale") : tr("Restart"),
                              QDialogButtonBox::AcceptRole);
    m_ok->setObjectName(QStringLiteral("confirmButton"));
    m_ok->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(m_permission);
    if (typedConfirmation) {
        m_typed = new QLineEdit(this);
        m_typed->setObjectName(QStringLiteral("typedConfirmation"));
        m_typed->setPlaceholderText(tr("type %1 to confirm").arg(deployment));
        connect(m_typed, &QLineEdit::textChanged, this, &ConfirmActionDialog::updateButton);
        layout->addWidget(m_typed);
    }
    layout->addWidget(buttons);

    core::Operation *check = core::ClusterOperations::checkAccess(*workspace, region, deployment);
    connect(check, &core::Operation::finished, this, &ConfirmActionDialog::onAccess);
}

void ConfirmActionDialog::onAccess(const core::OperationResult &result)
{
    m_permissionKnown = true;
    if (!result.ok()) {
        m_permission->setText(tr("Could not check permission: %1").arg(result.message));
        m_permission->setStyleSheet(QStringLiteral("color: %1").arg(Palette::bad().name()));
        return;
    }
    m_allowed = result.evidence
                    .value(m_action == Action::Scale ? QStringLiteral("scale")
                                                     : QStringLiteral("restart"))
                    .toBool();
    const QString who = tr("as the kubeconfig user of context %1")
                            .arg(result.evidence.value(QStringLiteral("context")).toString());
    if (m_allowed) {
        m_permission->setText(tr("✓ Allowed %1 (SelfSubjectAccessReview)").arg(who));
        m_permission->setStyleSheet(QStringLiteral("color: %1").arg(Palette::good().name()));
    } else {
        const QString reason = result.evidence.value(QStringLiteral("reason")).toString();
        m_permission->setText(
            tr("✗ Not allowed %1%2")
                .arg(who, reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
        m_permission->setStyleSheet(QStringLiteral("color: %1").arg(Palette::bad().name()));
    }
    updateButton();
}

void ConfirmActionDialog::updateButton()
{
    m_ok->setEnabled(m_allowed && (!m_typed || m_typed->text() == m_deployment));
}

} // namespace ragdr::ui
