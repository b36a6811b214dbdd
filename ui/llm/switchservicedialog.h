#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace ragdr::ui {

// Asks before the service is switched: what the ConfigMap says now and will say, which
// deployments restart, in which namespace and context; the context's name must be typed. The
// operation itself asks the API server (SelfSubjectAccessReview) before it changes anything.
class SwitchServiceDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SwitchServiceDialog)

public:
    SwitchServiceDialog(const QString &description,
                        const QString &context,
                        QWidget *parent = nullptr);

    QString confirmation() const;

private:
    QLineEdit *m_typed;
    QPushButton *m_ok;
};

} // namespace ragdr::ui
