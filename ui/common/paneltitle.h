#pragma once

#include <QLabel>

namespace ragdr::ui {

// The heading at the top of a panel or page: larger and bold, in the palette's text colour.
inline QLabel *panelTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    label->setFont(f);
    return label;
}

} // namespace ragdr::ui
