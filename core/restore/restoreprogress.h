#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace ragdr::core {

// Turns pg_restore -v -j lines ("launching item N …", "processing data for table …", "finished
// item N …"), the rows pg_stat_progress_copy reports for each table being loaded and the blocks
// pg_stat_progress_create_index reports for each index being built into a fraction and a line
// that says what is being loaded. Table data is weighted by size: a table of ten rows does not
// move the bar as far as the embeddings do.
class RestoreProgress final
{
public:
    struct Table
    {
        QString name; // schema.table
        qint64 bytes = 0;
        qint64 rows = -1; // -1: unknown (no manifest)
    };

    RestoreProgress(int items, QList<Table> tables);

    // Returns true when the line changed what is shown.
    bool onLine(const QString &line);
    void onCopy(const QString &table, qint64 rowsLoaded);
    void onIndex(const QString &index, double fraction);

    double fraction() const;
    QString detail() const;
    int itemsDone() const { return m_itemsDone; }
    QStringList loading() const; // the tables being loaded now

private:
    static constexpr double kDataShare = 0.8;

    const Table *table(const QString &name) const;

    QList<Table> m_tables;
    QHash<QString, int> m_index;
    qint64 m_totalBytes = 0;
    qint64 m_doneBytes = 0;
    int m_items = 1;
    int m_itemsDone = 0;
    QSet<QString> m_running; // tables whose data is being loaded
    QHash<QString, qint64> m_rowsLoaded;
    QString m_indexName;
    double m_indexFraction = -1;
    QString m_lastItem;
};

} // namespace ragdr::core
