#include "switchservicedialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ragdr::ui {

SwitchServiceDialog::SwitchServiceDialog(const QString &description,
                                         const QString &context,
                                         QWidget *parent)
    : QDialog(parent)
    , m_typed(new QLineEdit(this))
{
    setObjectName(QStringLiteral("switchServiceDialog"));
    setWindowTitle(tr("Switch the service's LLM endpoint"));
    auto *text = new QLabel(description, this);
    text->setObjectName(QStringLiteral("switchText"));
    text->setWordWrap(true);
    m_typed->setObjectName(QStringLiteral("typedConfirmation"));
    m_typed->setPlaceholderText(tr("type %1 to confirm").arg(context));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_ok = buttons->addButton(tr("Switch"), QDialogButtonBox::AcceptRole);
    m_ok->setObjectName(QStringLiteral("confirmButton"));
    m_ok->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_typed, &QLineEdit::textChanged, this, [this, context](const QString &t) {
        m_ok->setEnabled(t == context);
    });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(m_typed);
    layout->addWidget(buttons);
    setMinimumWidth(520);
}

QString SwitchServiceDialog::confirmation() const
{
    return m_typed->text();
}

} // namespace ragdr::ui
