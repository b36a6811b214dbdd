#pragma once

#include "journalhead.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace ragdr::core {

// One part of a report: prose a commander may edit before it goes out ("- " lines are bullets),
// facts as name/value lines, and a table (its first row the headers).
struct ReportSection
{
    QString key; // "conditions", "actions", "needs", "timeline", ...
    QString heading;
    QString text;
    QList<std::pair<QString, QString>> facts;
    QList<QStringList> table;
    bool editable = true;
    QList<int> widths; // the table's columns in percent of the page, for print; empty: automatic
};

// A stakeholder update (tactical: conditions, actions, needs; executive: status, overview, next
// steps) or the post-incident report, filled from the incident, its checklist and timeline
// (ReportBuilder), rendered as Markdown, HTML and JSON (ReportText) or PDF (report/PdfReport).
struct Report
{
    enum class Kind { Tactical, Executive, Postmortem };

    Kind kind = Kind::Tactical;
    QString incidentId;
    QString title;
    QString subtitle;
    QDateTime generatedAt;
    QString generatedBy;
    JournalHead head; // the journal's head when it was made: printed in every format
    QList<ReportSection> sections;
    QJsonObject data; // the facts behind it, for the JSON export

    ReportSection *section(const QString &key);

    static QString kindName(Kind kind);  // tactical | executive | postmortem
    static QString kindTitle(Kind kind); // "Tactical update"
    static std::optional<Kind> kindFromName(const QString &name);
};

} // namespace ragdr::core
