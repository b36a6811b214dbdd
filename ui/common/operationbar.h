#pragma once

#include <QWidget>

class QVBoxLayout;

namespace ragdr::core {
class Operation;
class OperationRunner;
} // namespace ragdr::core

namespace ragdr::ui {

class OperationRow;

// The status bar's view of what runs: a line for every running operation, each with its step, a
// progress bar and its own Cancel; when one ends, its result for a while, in the colour of the
// outcome. Look-ups (not journalled) come and go every minute and take no line unless they fail.
class OperationBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperationBar)

public:
    explicit OperationBar(core::OperationRunner *runner, QWidget *parent = nullptr);

    QList<OperationRow *> rows() const;

private:
    void track(core::Operation *operation);
    OperationRow *addRow(core::Operation *operation);

    QVBoxLayout *m_rows;
};

} // namespace ragdr::ui
