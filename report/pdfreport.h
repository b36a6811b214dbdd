#pragma once

#include "core/base/error.h"
#include "core/incident/report.h"

#include <QByteArray>

namespace ragdr::report {

// A report as an A4 PDF, laid out from its HTML by QTextDocument and written by QPdfWriter:
// margins for a printer, page numbers at the foot, fonts embedded. Needs a QGuiApplication (the
// console's, or the one the CLI makes for `report`); safe on an operation's worker thread.
class PdfReport final
{
public:
    static core::Result<QByteArray> render(const core::Report &report);
};

} // namespace ragdr::report
