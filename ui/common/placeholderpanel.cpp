#include "placeholderpanel.h"

#include "paneltitle.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ragdr::ui {

PlaceholderPanel::PlaceholderPanel(const QString &title, const QString &what, QWidget *parent)
    : QWidget(parent)
{
    auto *heading = panelTitle(title, this);
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
