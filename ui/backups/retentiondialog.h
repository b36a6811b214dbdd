#pragma once

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace ragdr::core {
class Operation;
class Workspace;
struct OperationResult;
} // namespace ragdr::core

namespace ragdr::ui {

// Shows what the profile's retention would delete (a dry run) and, after the commander types the
// region's name, deletes exactly the backups shown: if the plan changed meanwhile, nothing is
// deleted and the dialog shows the new plan, to be confirmed again.
class RetentionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetentionDialog)

public:
    RetentionDialog(core::Workspace *workspace, QString region, QWidget *parent = nullptr);

private:
    void showPlan(const core::OperationResult &result);
    void apply();

    core::Workspace *m_workspace;
    QString m_region;
    QTableWidget *m_plan;
    QLabel *m_summary;
    QLineEdit *m_confirm;
    QPushButton *m_delete;
    QStringList m_shown; // the deletions of the plan on screen: what Delete confirms
};

} // namespace ragdr::ui
