#pragma once

#include <QStringList>

namespace ragdr::cli {

// The ragdr command line: parses arguments, runs the operation through the same runner as the
// console, prints a person's text or --json, and returns the exit code of DESIGN.md
// (0 done, 1 failed, 2 bad input, 3 refused).
class Cli final
{
public:
    static int run(const QStringList &arguments);
    // Whether the command needs QtGui (a PDF report lays out text with fonts): main then makes a
    // QGuiApplication on the offscreen platform instead of a QCoreApplication.
    static bool needsGui(const QStringList &arguments);
};

} // namespace ragdr::cli
