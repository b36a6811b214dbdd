#include "timelinemodel.h"

#include "../common/palette.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ragdr::ui {

namespace {

// Green for what went well, red for what did not, nothing for the rest.
QVariant outcomeColor(const core::JournalEntry &e)
{
    const QString state = e.raw.value(QLatin1String("state")).toString();
    const QString status = e.raw.value(QLatin1String("status")).toString();
    if (e.type == QLatin1String("notification.failed") || state == QLatin1String("failed")
        || status == QLatin1String("failed"))
        return Palette::bad();
    if (state == QLatin1String("could-not-check") || status == QLatin1String("cancelled"))
        return Palette::warning();
    if (state == QLatin1String("passed") || e.type == QLatin1String("notification.sent")
        || e.type == QLatin1String("incident.closed"))
        return Palette::good();
    return {};
}

QString evidenceText(const core::JournalEntry &e)
{
    QStringList lines;
    for (const QJsonValue &v : e.evidence.value(QLatin1String("lines")).toArray())
        lines.append(v.toString());
    if (lines.isEmpty() && !e.evidence.isEmpty())
        return QString::fromUtf8(QJsonDocument(e.evidence).toJson(QJsonDocument::Indented))
            .left(4000);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

TimelineModel::TimelineModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void TimelineModel::setEntries(const QList<core::JournalEntry> &entries)
{
    const qsizetype old = m_entries.size();
    const bool grows = entries.size() >= old
                       && (old == 0
                           || (entries.at(old - 1).seq == m_entries.constLast().seq
                               && entries.at(old - 1).raw == m_entries.constLast().raw));
    if (!grows) {
        beginResetModel();
        m_entries = entries;
        endResetModel();
        return;
    }
    if (entries.size() == old)
        return;
    beginInsertRows({}, int(old), int(entries.size()) - 1);
    m_entries.append(entries.mid(old));
    endInsertRows();
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int TimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Utc:
        return tr("UTC");
    case Local:
        return tr("Local");
    case Source:
        return tr("Source");
    case Actor:
        return tr("Who");
    case Kind:
        return tr("Kind");
    case What:
        return tr("What happened");
    default:
        return {};
    }
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const core::JournalEntry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Utc:
            return e.at.toUTC().toString(QStringLiteral("MM-dd HH:mm:ss"));
        case Local:
            return e.at.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
        case Source:
            return e.source;
        case Actor:
            return e.actor;
        case Kind:
            return e.type;
        case What:
            return e.text;
        }
        break;
    case Qt::ForegroundRole:
        if (index.column() == What || index.column() == Kind)
            return outcomeColor(e);
        break;
    case Qt::ToolTipRole: {
        const QString evidence = evidenceText(e);
        return tr("entry %1 · %2 UTC · %3 local%4")
            .arg(e.seq)
            .arg(e.at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")),
                 e.at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t")),
                 evidence.isEmpty() ? QString() : QStringLiteral("\n\n") + evidence);
    }
    case SeqRole:
        return e.seq;
    case EvidenceRole:
        return evidenceText(e);
    }
    return {};
}

} // namespace ragdr::ui
