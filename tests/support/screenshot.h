#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QWidget>

namespace ragdr::test {

// RAGDR_SCREENSHOTS=DIR saves what a widget looks like under name (the README's pictures), at
// size when one is given.
inline void screenshot(QWidget *w, const QString &name, const QSize &size = {})
{
    const QString dir = qEnvironmentVariable("RAGDR_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    if (size.isValid())
        w->resize(size);
    QCoreApplication::processEvents(); // the layout a text just set asks for
    w->grab().save(QDir(dir).filePath(name));
}

} // namespace ragdr::test
