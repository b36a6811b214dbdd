#pragma once

#include <QFrame>

class QLabel;

namespace ragdr::ui {

// A measured value against its target, as a tile: the name, the value large, and one line on
// the target; green when met, red when missed, amber while it runs, grey when not measured.
class MetricTile final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricTile)

public:
    enum class Verdict { Met, Missed, Pending, Unknown };

    explicit MetricTile(const QString &name, QWidget *parent = nullptr);

    void show(const QString &value, const QString &detail, Verdict verdict);
    QString value() const;
    QString detail() const;
    Verdict verdict() const { return m_verdict; }

private:
    QLabel *m_value;
    QLabel *m_detail;
    Verdict m_verdict = Verdict::Unknown;
};

} // namespace ragdr::ui
