#pragma once

#include <QWidget>

namespace ragdr::ui {

// A panel whose work is not built yet: it says so plainly instead of pretending.
class PlaceholderPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlaceholderPanel)

public:
    PlaceholderPanel(const QString &title, const QString &what, QWidget *parent = nullptr);
};

} // namespace ragdr::ui
