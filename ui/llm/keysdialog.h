#pragma once

#include <QDialog>

class QCheckBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace ragdr::core {
class Workspace;
struct OperationResult;
} // namespace ragdr::core

namespace ragdr::ui {

// The profile's LLM keys: where each lives, whether it is there (only "…abcd" is shown), and
// Set / Replace (the new key is validated before it replaces the old one), Validate and Delete.
// Without a keychain service it says so and keeps keys for this session only.
class KeysDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeysDialog)

public:
    explicit KeysDialog(core::Workspace *workspace, QWidget *parent = nullptr);

    // Set by tests instead of the password prompt (which they cannot type into).
    void setKeyPrompt(std::function<QByteArray(const QString &name)> prompt);

Q_SIGNALS:
    void keysChanged();

private:
    void reload();
    void showList(const core::OperationResult &result);
    void showResult(const core::OperationResult &result);
    QString selectedName() const;
    void setKey();
    void run(QPushButton *button, const std::function<void()> &start);

    core::Workspace *m_workspace;
    QLabel *m_keychain;
    QTableWidget *m_table;
    QCheckBox *m_sessionOnly;
    QPushButton *m_set;
    QPushButton *m_validate;
    QPushButton *m_delete;
    QLabel *m_result;
    std::function<QByteArray(const QString &)> m_prompt;
};

} // namespace ragdr::ui
