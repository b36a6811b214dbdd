#include "metrictile.h"

#include "../common/palette.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ragdr::ui {

MetricTile::MetricTile(const QString &name, QWidget *parent)
    : QFrame(parent)
    , m_value(new QLabel(this))
    , m_detail(new QLabel(this))
{
    setFrameShape(QFrame::StyledPanel);
    setMinimumWidth(220);
    auto *title = new QLabel(name, this);
    QFont small = title->font();
    small.setBold(true);
    title->setFont(small);
    QFont big = m_value->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    m_value->setFont(big);
    m_value->setObjectName(QStringLiteral("tileValue"));
    m_detail->setObjectName(QStringLiteral("tileDetail"));
    m_detail->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(2);
    layout->addWidget(title);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
    show(QStringLiteral("—"), tr("not measured"), Verdict::Unknown);
}

void MetricTile::show(const QString &value, const QString &detail, Verdict verdict)
{
    m_verdict = verdict;
    m_value->setText(value);
    m_detail->setText(detail);
    QColor c;
    switch (verdict) {
    case Verdict::Met:
        c = Palette::good();
        break;
    case Verdict::Missed:
        c = Palette::bad();
        break;
    case Verdict::Pending:
        c = Palette::warning();
        break;
    case Verdict::Unknown:
        c = palette().color(QPalette::Disabled, QPalette::WindowText);
        break;
    }
    m_value->setStyleSheet(QStringLiteral("color: %1").arg(c.name()));
    const QColor wash = Palette::tint(c);
    setStyleSheet(
        QStringLiteral("ragdr--ui--MetricTile { border: 2px solid %1; border-radius: 6px; "
                       "background: rgba(%2, %3, %4, %5); }")
            .arg(c.name())
            .arg(wash.red())
            .arg(wash.green())
            .arg(wash.blue())
            .arg(wash.alpha()));
    setProperty("verdict", int(verdict));
}

QString MetricTile::value() const
{
    return m_value->text();
}

QString MetricTile::detail() const
{
    return m_detail->text();
}

} // namespace ragdr::ui
