#pragma once

#include <QDialog>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace ragdr::core {
class Winddown;
}

namespace ragdr::ui {

// Asks before the work of a profile ends (the window closes, another profile opens), naming each
// operation that runs: cancel them, let them finish, or keep working. Then shows them winding
// down, each with its progress and its own Cancel, while the window goes on painting; and at the
// end, which finished and which were cancelled. Opened with open(), never exec(): it answers
// with proceed() or stayed().
class WinddownDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WinddownDialog)

public:
    // what: "close the console"; proceedText: the last button, "Close the console".
    WinddownDialog(core::Winddown *winddown,
                   const QString &what,
                   const QString &proceedText,
                   QWidget *parent = nullptr);

    void reject() override;

Q_SIGNALS:
    // Everything has ended and the user has read how: the workspace may go.
    void proceed();
    // The user keeps working; whatever runs goes on.
    void stayed();

private:
    enum class Phase { Ask, Waiting, Done };

    void decide(bool cancel);
    void stay();
    void onFinished(bool ended);
    void updateTexts();

    core::Winddown *m_winddown;
    QString m_what;
    Phase m_phase = Phase::Ask;
    QLabel *m_heading;
    QLabel *m_text;
    QWidget *m_rowBox;
    QLabel *m_summary;
    QPushButton *m_cancelAll;
    QPushButton *m_letFinish;
    QPushButton *m_keep;
    QPushButton *m_cancelRest;
    QPushButton *m_keepOpen;
    QPushButton *m_proceed;
};

} // namespace ragdr::ui
