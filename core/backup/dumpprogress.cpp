#include "dumpprogress.h"

#include <QRegularExpression>

#include <algorithm>

namespace ragdr::core {

DumpProgress::DumpProgress(QList<Table> tables)
    : m_tables(std::move(tables))
{
    for (int i = 0; i < m_tables.size(); ++i) {
        m_index.insert(m_tables.at(i).name, i);
        // Empty tables still take a moment; give each at least a small weight.
        m_totalBytes += std::max<qint64>(m_tables.at(i).bytes, 8192);
    }
}

bool DumpProgress::onLine(const QString &line)
{
    static const QRegularExpression dumping(QStringLiteral("dumping contents of table \"(.+)\""));
    ++m_lines;
    const auto m = dumping.match(line);
    if (!m.hasMatch()) {
        if (m_tablesStarted == 0)
            ++m_schemaLines;
        return m_tablesStarted == 0;
    }
    if (!m_current.isEmpty() && m_index.contains(m_current))
        m_doneBytes += std::max<qint64>(m_tables.at(m_index.value(m_current)).bytes, 8192);
    m_current = m.captured(1);
    m_currentFraction = 0;
    ++m_tablesStarted;
    return true;
}

void DumpProgress::onCopyProgress(const QString &table, qint64 rowsCopied)
{
    if (table != m_current || !m_index.contains(table))
        return;
    const double estimate = m_tables.at(m_index.value(table)).estimatedRows;
    if (estimate > 0)
        m_currentFraction = std::min(0.99, double(rowsCopied) / estimate);
}

double DumpProgress::fraction() const
{
    if (m_tablesStarted == 0)
        return kSchemaShare * std::min(1.0, double(m_schemaLines) / kSchemaLines);
    double done = double(m_doneBytes);
    if (m_index.contains(m_current)) {
        done += m_currentFraction
                * double(std::max<qint64>(m_tables.at(m_index.value(m_current)).bytes, 8192));
    }
    const double data = m_totalBytes > 0 ? done / double(m_totalBytes) : 0.0;
    return kSchemaShare + (1.0 - kSchemaShare) * std::min(1.0, data);
}

QString DumpProgress::step() const
{
    if (m_tablesStarted == 0)
        return QStringLiteral("reading the schema");
    QString text = QStringLiteral("dumping %1 (table %2 of %3)")
                       .arg(m_current)
                       .arg(m_tablesStarted)
                       .arg(std::max<qsizetype>(m_tables.size(), m_tablesStarted));
    if (m_currentFraction > 0)
        text += QStringLiteral(", ~%1%").arg(int(m_currentFraction * 100));
    return text;
}

} // namespace ragdr::core
