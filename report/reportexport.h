#pragma once

#include "core/incident/report.h"
#include "core/ops/operationrunner.h"

#include <optional>

namespace ragdr::core {
class Workspace;
}

namespace ragdr::report {

// Writes a report to a file in one of the export formats, as an operation (PDF layout is not for
// the GUI thread), atomically, and records it in the timeline (report.exported: kind, format,
// file, sha256 and the journal head it names).
class ReportExport final
{
public:
    enum class Format { Markdown, Html, Pdf, Json };

    static QString formatName(Format format); // md | html | pdf | json
    static std::optional<Format> formatFromName(const QString &name);
    static core::Result<QByteArray> render(const core::Report &report, Format format);

    static core::Operation *write(core::Workspace &ws,
                                  const core::Report &report,
                                  Format format,
                                  const QString &path);
};

} // namespace ragdr::report
