#include "placeholderpanel.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ragdr::ui {

PlaceholderPanel::PlaceholderPanel(const QString &title, const QString &what, QWidget *parent)
    : QWidget(parent)
{
    auto *heading = new QLabel(title, this);
    QFont f = heading->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    heading->setFont(f);
    auto *status = new QLabel(tr("Not connected"), this);
    status->setObjectName(QStringLiteral("placeholderStatus"));
    auto *body = new QLabel(what, this);
    body->setWordWrap(true);
    body->setEnabled(false);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(status);
    layout->addWidget(body);
    layout->addStretch(1);
}

} // namespace ragdr::ui
