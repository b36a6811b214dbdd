#include "reportexport.h"

#include "pdfreport.h"

#include "core/base/files.h"
#include "core/incident/journal.h"
#include "core/incident/reporttext.h"
#include "core/ops/workspace.h"

#include <QCryptographicHash>
#include <QFileInfo>

namespace ragdr::report {

using namespace ragdr::core;

QString ReportExport::formatName(Format format)
{
    switch (format) {
    case Format::Markdown:
        return QStringLiteral("md");
    case Format::Html:
        return QStringLiteral("html");
    case Format::Pdf:
        return QStringLiteral("pdf");
    case Format::Json:
        return QStringLiteral("json");
    }
    return QStringLiteral("md");
}

std::optional<ReportExport::Format> ReportExport::formatFromName(const QString &name)
{
    for (Format f : {Format::Markdown, Format::Html, Format::Pdf, Format::Json}) {
        if (formatName(f) == name.toLower())
            return f;
    }
    if (name.toLower() == QLatin1String("markdown"))
        return Format::Markdown;
    return std::nullopt;
}

Result<QByteArray> ReportExport::render(const Report &report, Format format)
{
    switch (format) {
    case Format::Markdown:
        return ReportText::markdown(report);
    case Format::Html:
        return ReportText::html(report);
    case Format::Json:
        return ReportText::json(report);
    case Format::Pdf:
        return PdfReport::render(report);
    }
    return fail(Error::badInput(QStringLiteral("unknown format")));
}

Operation *ReportExport::write(Workspace &ws,
                               const Report &report,
                               Format format,
                               const QString &path)
{
    Journal *journal = &ws.journal();
    const QString file = QFileInfo(path).absoluteFilePath();
    return ws.runner()
        .start({QStringLiteral("report.export"),
                QStringLiteral("Export the %1 (%2)")
                    .arg(Report::kindTitle(report.kind).toLower(), formatName(format)),
                {{QStringLiteral("file"), file}},
                false},
               [journal, report, format, file](const Progress &progress) {
                   progress.set(0.1, QStringLiteral("laying out the %1").arg(formatName(format)));
                   auto bytes = render(report, format);
                   if (!bytes)
                       return OperationResult::failure(bytes.error());
                   if (progress.isCancelled())
                       return OperationResult::failure(
                           Error::cancelled(QStringLiteral("no file was written")));
                   progress.set(0.8, QStringLiteral("writing %1").arg(file));
                   if (Status written = files::writeAtomically(file, *bytes); !written)
                       return OperationResult::failure(
                           written.error().withUntouched(QStringLiteral("no file was written")));
                   const QString sha = QString::fromLatin1(
                       QCryptographicHash::hash(*bytes, QCryptographicHash::Sha256).toHex());
                   JournalRecord r;
                   r.type = QStringLiteral("report.exported");
                   r.text = QStringLiteral("%1 exported as %2: %3")
                                .arg(Report::kindTitle(report.kind), formatName(format), file);
                   r.fields = {{QStringLiteral("report_kind"), Report::kindName(report.kind)},
                               {QStringLiteral("format"), formatName(format)},
                               {QStringLiteral("file"), file},
                               {QStringLiteral("sha256"), sha},
                               {QStringLiteral("journal_head"), report.head.toJson()}};
                   QStringList warnings;
                   if (Status journalled = journal->append(r); !journalled)
                       warnings.append(journalled.error().message);
                   OperationResult result
                       = OperationResult::success(QStringLiteral("%1 written to %2")
                                                      .arg(Report::kindTitle(report.kind), file),
                                                  {{QStringLiteral("file"), file},
                                                   {QStringLiteral("bytes"), bytes->size()},
                                                   {QStringLiteral("sha256"), sha}});
                   result.warnings = warnings;
                   return result;
               });
}

} // namespace ragdr::report
