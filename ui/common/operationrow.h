#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace ragdr::core {
class Operation;
struct OperationResult;
} // namespace ragdr::core

namespace ragdr::ui {

// One operation on one line: its title and step, a progress bar and a Cancel of its own; once it
// has ended, its result in the colour of the outcome. The operation bar and the winddown dialog
// show every running operation with one of these.
class OperationRow final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperationRow)

public:
    explicit OperationRow(core::Operation *operation, QWidget *parent = nullptr);

    QString operationId() const { return m_id; }
    QString title() const { return m_title; }
    bool hasEnded() const { return m_ended; }
    // Also for a look-up that had ended before its row was made (it failed).
    void showResult(const core::OperationResult &result);

Q_SIGNALS:
    void ended();

private:
    void showProgress(double fraction, const QString &step);
    void cancel();
    void setText(const QString &text);

    QPointer<core::Operation> m_operation;
    QString m_id;
    QString m_title;
    bool m_ended = false;
    QLabel *m_label;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
};

} // namespace ragdr::ui
