#pragma once

#include <QHash>
#include <QList>
#include <QString>

namespace ragdr::core {

// Turns pg_dump -v lines, and the row counts pg_stat_progress_copy reports for the table being
// copied, into a fraction and a step text. The data phase is weighted by each table's size, so
// that a bar over three tables does not jump a third for a table of ten rows.
class DumpProgress final
{
public:
    struct Table
    {
        QString name; // schema.table
        qint64 bytes = 0;
        double estimatedRows = 0;
    };

    explicit DumpProgress(QList<Table> tables);

    // Returns true when the line changed what is shown.
    bool onLine(const QString &line);
    void onCopyProgress(const QString &table, qint64 rowsCopied);

    double fraction() const;
    QString step() const;
    QString currentTable() const { return m_current; }
    int linesSeen() const { return m_lines; }

private:
    static constexpr double kSchemaShare = 0.05;
    static constexpr int kSchemaLines = 48; // "reading ..." lines pg_dump 15 prints before data

    QList<Table> m_tables;
    QHash<QString, int> m_index;
    qint64 m_totalBytes = 0;
    qint64 m_doneBytes = 0;
    int m_schemaLines = 0;
    int m_lines = 0;
    int m_tablesStarted = 0;
    QString m_current;
    double m_currentFraction = 0;
};

} // namespace ragdr::core
