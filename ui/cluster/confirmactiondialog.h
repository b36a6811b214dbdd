#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace ragdr::core {
class Workspace;
struct OperationResult;
} // namespace ragdr::core

namespace ragdr::ui {

// Asks before a change to a deployment: says exactly what will change where (deployment,
// namespace, context), shows whether the API server allows it (SelfSubjectAccessReview), and for
// a change that takes pods away asks for the deployment's name to be typed.
class ConfirmActionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConfirmActionDialog)

public:
    enum class Action { Scale, Restart };

    ConfirmActionDialog(core::Workspace *workspace,
                        const QString &region,
                        const QString &deployment,
                        Action action,
                        const QString &description,
                        bool typedConfirmation,
                        QWidget *parent = nullptr);

    bool permissionKnown() const { return m_permissionKnown; }

private:
    void onAccess(const core::OperationResult &result);
    void updateButton();

    QString m_deployment;
    Action m_action;
    bool m_allowed = false;
    bool m_permissionKnown = false;
    QLabel *m_permission;
    QLineEdit *m_typed = nullptr;
    QPushButton *m_ok;
};

} // namespace ragdr::ui
