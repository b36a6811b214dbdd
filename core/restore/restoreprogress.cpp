#include "restoreprogress.h"

#include <QLocale>
#include <QRegularExpression>

#include <algorithm>

namespace ragdr::core {

namespace {

constexpr qint64 kUnknownTableBytes = 8192;

QString unqualified(const QString &name)
{
    const qsizetype dot = name.indexOf(QLatin1Char('.'));
    return dot < 0 ? name : name.mid(dot + 1);
}

} // namespace

RestoreProgress::RestoreProgress(int items, QList<Table> tables)
    : m_tables(std::move(tables))
    , m_items(std::max(1, items))
{
    for (int i = 0; i < m_tables.size(); ++i) {
        m_tables[i].bytes = std::max(kUnknownTableBytes, m_tables.at(i).bytes);
        m_totalBytes += m_tables.at(i).bytes;
        m_index.insert(m_tables.at(i).name, i);
    }
}

const RestoreProgress::Table *RestoreProgress::table(const QString &name) const
{
    const auto it = m_index.constFind(name);
    return it == m_index.cend() ? nullptr : &m_tables.at(*it);
}

bool RestoreProgress::onLine(const QString &line)
{
    static const QRegularExpression data(QStringLiteral("processing data for table \"([^\"]+)\""));
    static const QRegularExpression finished(QStringLiteral("finished item \\d+ (.*)$"));
    static const QRegularExpression processing(
        QStringLiteral("(?:processing|launching) item \\d+ (.*)$"));
    if (const auto m = data.match(line); m.hasMatch()) {
        m_running.insert(m.captured(1));
        return true;
    }
    if (const auto m = finished.match(line); m.hasMatch()) {
        ++m_itemsDone;
        const QString item = m.captured(1);
        if (item.startsWith(QLatin1String("TABLE DATA "))) {
            // -j lines name the table without its schema.
            const QString name = item.mid(11).section(QLatin1Char(' '), -1);
            for (const QString &running : std::as_const(m_running)) {
                if (unqualified(running) == name) {
                    m_running.remove(running);
                    if (const Table *t = table(running))
                        m_doneBytes += t->bytes;
                    else
                        m_doneBytes += kUnknownTableBytes;
                    m_rowsLoaded.remove(running);
                    break;
                }
            }
        } else if (item.startsWith(QLatin1String("INDEX ")) && m_indexName == item.mid(6)) {
            m_indexName.clear();
            m_indexFraction = -1;
        }
        return true;
    }
    if (const auto m = processing.match(line); m.hasMatch()) {
        m_lastItem = m.captured(1);
        // Without -j, pg_restore says "processing item" and never "finished": count it here.
        if (line.contains(QLatin1String("processing item")))
            ++m_itemsDone;
        return true;
    }
    return false;
}

void RestoreProgress::onCopy(const QString &tableName, qint64 rowsLoaded)
{
    if (m_running.contains(tableName))
        m_rowsLoaded.insert(tableName, rowsLoaded);
}

void RestoreProgress::onIndex(const QString &index, double fraction)
{
    m_indexName = index;
    m_indexFraction = fraction;
}

double RestoreProgress::fraction() const
{
    double loaded = double(m_doneBytes);
    for (const QString &running : m_running) {
        const Table *t = table(running);
        if (t && t->rows > 0)
            loaded += t->bytes * std::min(1.0, double(m_rowsLoaded.value(running)) / t->rows);
    }
    const double data = m_totalBytes > 0 ? std::min(1.0, loaded / m_totalBytes) : 1.0;
    const double items = std::min(1.0, double(m_itemsDone) / m_items);
    return kDataShare * data + (1.0 - kDataShare) * items;
}

QStringList RestoreProgress::loading() const
{
    QStringList names(m_running.cbegin(), m_running.cend());
    names.sort();
    return names;
}

QString RestoreProgress::detail() const
{
    const QLocale c(QLocale::English, QLocale::UnitedStates); // 12,345: thousands read at a glance
    QStringList parts;
    for (const QString &running : loading()) {
        const Table *t = table(running);
        const qint64 rows = m_rowsLoaded.value(running, -1);
        if (rows >= 0 && t && t->rows > 0)
            parts.append(QStringLiteral("loading %1 (%2 of %3 rows)")
                             .arg(running, c.toString(rows), c.toString(t->rows)));
        else if (rows >= 0)
            parts.append(QStringLiteral("loading %1 (%2 rows)").arg(running, c.toString(rows)));
        else
            parts.append(QStringLiteral("loading %1").arg(running));
    }
    if (!m_indexName.isEmpty()) {
        parts.append(m_indexFraction >= 0 ? QStringLiteral("building index %1 (%2%)")
                                                .arg(m_indexName)
                                                .arg(int(m_indexFraction * 100))
                                          : QStringLiteral("building index %1").arg(m_indexName));
    }
    if (parts.isEmpty() && !m_lastItem.isEmpty())
        parts.append(m_lastItem);
    return QStringLiteral("%1; %2 of %3 items")
        .arg(parts.join(QStringLiteral("; ")))
        .arg(std::min(m_itemsDone, m_items))
        .arg(m_items);
}

} // namespace ragdr::core
