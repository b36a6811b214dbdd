#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace ragdr::core {
class Operation;
class OperationRunner;
struct OperationResult;
} // namespace ragdr::core

namespace ragdr::ui {

// The status bar's view of what runs: the newest running operation with its step, a progress bar
// and a cancel button; when it ends, its result for a while, in the colour of the outcome.
class OperationBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperationBar)

public:
    explicit OperationBar(core::OperationRunner *runner, QWidget *parent = nullptr);

private:
    void track(core::Operation *operation);
    void showProgress(double fraction, const QString &step);
    void showResult(const core::OperationResult &result);

    QPointer<core::Operation> m_current;
    QLabel *m_label = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;
    QTimer m_fade;
};

} // namespace ragdr::ui
