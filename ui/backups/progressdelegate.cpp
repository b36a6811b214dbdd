#include "progressdelegate.h"

#include "backuptablemodel.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

namespace ragdr::ui {

void ProgressDelegate::paint(QPainter *painter,
                             const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    const QVariant progress = index.data(BackupTableModel::ProgressRole);
    if (!progress.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // A slim bar with the step written beside it, on one line, elided to the cell.
    const double fraction = progress.toDouble();
    const int barWidth = qMin(120, option.rect.width() / 3);
    QStyleOptionProgressBar bar;
    bar.rect
        = QRect(option.rect.left() + 4, option.rect.top() + 4, barWidth, option.rect.height() - 8);
    bar.state = QStyle::State_Enabled | QStyle::State_Horizontal;
    bar.minimum = 0;
    bar.maximum = fraction < 0 ? 0 : 1000; // 0..0: busy indicator
    bar.progress = fraction < 0 ? 0 : int(fraction * 1000);
    bar.textVisible = false;
    QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter);

    const QString text
        = fraction < 0
              ? index.data().toString()
              : QStringLiteral("%1%  %2").arg(int(fraction * 100)).arg(index.data().toString());
    const QRect textRect = option.rect.adjusted(barWidth + 12, 0, -4, 0);
    painter->save();
    painter->setPen(option.palette.color(QPalette::Text));
    painter->drawText(textRect,
                      Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                      option.fontMetrics.elidedText(text, Qt::ElideRight, textRect.width()));
    painter->restore();
}

} // namespace ragdr::ui
