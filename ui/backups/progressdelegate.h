#pragma once

#include <QStyledItemDelegate>

namespace ragdr::ui {

// Draws a progress bar with the step as its text where the model gives a ProgressRole value.
class ProgressDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter,
               const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

} // namespace ragdr::ui
