#pragma once

#include <QColor>

namespace ragdr::ui {

// Status colours that read on light and dark palettes alike.
class Palette final
{
public:
    static QColor good() { return QColor(0x2e, 0x9d, 0x4f); }
    static QColor warning() { return QColor(0xd0, 0x8a, 0x00); }
    static QColor bad() { return QColor(0xe0, 0x3c, 0x31); }
    // A wash behind a row, transparent enough for either palette's text colour.
    static QColor tint(const QColor &c) { return QColor(c.red(), c.green(), c.blue(), 48); }
};

} // namespace ragdr::ui
