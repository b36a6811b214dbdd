#include "progressdelegate.h"

#include "backuptablemodel.h"

#include <QApplication>
#include <QStyleOptionProgressBar>

namespace ragdr::ui {

void ProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant progress = index.data(BackupTableModel::ProgressRole);
    if (!progress.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.minimum = 0;
    const double fraction = progress.toDouble();
    bar.maximum = fraction < 0 ? 0 : 1000; // 0..0: busy indicator
    bar.progress = fraction < 0 ? 0 : int(fraction * 1000);
    bar.text = fraction < 0 ? index.data().toString()
                            : QStringLiteral("%1% — %2").arg(int(fraction * 100)).arg(index.data().toString());
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignLeft | Qt::AlignVCenter;
    QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter);
}

} // namespace ragdr::ui
