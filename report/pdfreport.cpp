#include "pdfreport.h"

#include "core/incident/reporttext.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QPageLayout>
#include <QPdfWriter>
#include <QTextDocument>

namespace ragdr::report {

core::Result<QByteArray> PdfReport::render(const core::Report &report)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return core::fail(core::Error::failed(
            QStringLiteral("a PDF needs the Qt GUI application (fonts and text layout)")));
    QByteArray pdf;
    QBuffer buffer(&pdf);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setTitle(report.title);
        writer.setCreator(QStringLiteral("ragdr " RAGDR_VERSION));
        writer.setResolution(300);
        // QTextDocument::print lays the text out on the whole paper with its own 2 cm margin:
        // the writer adds none, or the page would have two.
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4),
                                         QPageLayout::Portrait,
                                         QMarginsF(0, 0, 0, 0),
                                         QPageLayout::Millimeter));
        QTextDocument document;
        document.setDocumentMargin(0);
        QFont font(QStringLiteral("DejaVu Sans"));
        font.setPointSizeF(9.5);
        document.setDefaultFont(font);
        document.setHtml(QString::fromUtf8(core::ReportText::html(report)));
        // Without a page size of its own the document is paginated to the writer's pages, with
        // page numbers at the foot.
        document.print(&writer);
    }
    buffer.close();
    if (!pdf.startsWith("%PDF-"))
        return core::fail(core::Error::failed(QStringLiteral("the PDF writer produced nothing")));
    return pdf;
}

} // namespace ragdr::report
