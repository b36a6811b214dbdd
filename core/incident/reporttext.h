#pragma once

#include "report.h"

#include <QByteArray>
#include <QString>

namespace ragdr::core {

// A report as text: Markdown, HTML (laid out to print well; the PDF is made from it), JSON (the
// sections and the facts behind them), Slack's mrkdwn for webhooks and plain text for mail.
// Every format names the journal's head, so that `ragdr journal verify --against FILE` can tell
// whether the journal still holds everything the report was made from.
class ReportText final
{
public:
    static QByteArray markdown(const Report &report);
    static QByteArray html(const Report &report);
    static QByteArray json(const Report &report);
    static QString slack(const Report &report);
    static QString plain(const Report &report);
    static QString footer(const Report &report);
};

} // namespace ragdr::core
