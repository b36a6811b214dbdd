#include "checklistmodel.h"

#include "../common/palette.h"

#include <QFontDatabase>
#include <QIcon>
#include <QJsonArray>
#include <QPainter>
#include <QPixmap>

namespace ragdr::ui {

namespace {

using State = core::ChecklistItemState::State;

int phaseOf(quintptr id)
{
    return int(id >> 32) - 1;
}

int itemOf(quintptr id)
{
    return int((id >> 16) & 0xffff) - 1;
}

int lineOf(quintptr id)
{
    return int(id & 0xffff) - 1;
}

QColor colorOf(State s)
{
    switch (s) {
    case State::Passed:
        return Palette::good();
    case State::Failed:
        return Palette::bad();
    case State::CouldNotCheck:
        return Palette::warning();
    case State::Running:
        return QColor(0x3a, 0x7b, 0xd5);
    case State::Pending:
    case State::Skipped:
        break;
    }
    return QColor(0x8a, 0x8a, 0x8a);
}

QString textOf(State s)
{
    switch (s) {
    case State::Pending:
        return QObject::tr("pending");
    case State::Running:
        return QObject::tr("running…");
    case State::Passed:
        return QObject::tr("passed");
    case State::Failed:
        return QObject::tr("failed");
    case State::Skipped:
        return QObject::tr("skipped");
    case State::CouldNotCheck:
        return QObject::tr("could not check");
    }
    return {};
}

// A round badge with a sign in it, drawn once per state: readable on light and dark palettes.
QIcon iconOf(State s)
{
    static QHash<int, QIcon> cache;
    if (const auto it = cache.constFind(int(s)); it != cache.cend())
        return *it;
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor c = colorOf(s);
    p.setPen(Qt::NoPen);
    p.setBrush(s == State::Pending ? Qt::transparent : c);
    if (s == State::Pending)
        p.setPen(QPen(c, 3));
    p.drawEllipse(QRectF(3, 3, 26, 26));
    p.setPen(QPen(Qt::white, 4, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    switch (s) {
    case State::Passed:
        p.drawPolyline(QPolygonF({QPointF(9, 16.5), QPointF(14, 21.5), QPointF(23, 11)}));
        break;
    case State::Failed:
        p.drawLine(QPointF(11, 11), QPointF(21, 21));
        p.drawLine(QPointF(21, 11), QPointF(11, 21));
        break;
    case State::CouldNotCheck:
        p.drawLine(QPointF(16, 9), QPointF(16, 18));
        p.drawPoint(QPointF(16, 23));
        break;
    case State::Skipped:
        p.drawLine(QPointF(10, 16), QPointF(22, 16));
        break;
    case State::Running:
        p.drawArc(QRectF(9, 9, 14, 14), 90 * 16, 270 * 16);
        break;
    case State::Pending:
        break;
    }
    p.end();
    const QIcon icon(pixmap);
    cache.insert(int(s), icon);
    return icon;
}

} // namespace

ChecklistModel::ChecklistModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

quintptr ChecklistModel::idOf(int phase, int item, int line)
{
    return (quintptr(phase + 1) << 32) | (quintptr(item + 1) << 16) | quintptr(line + 1);
}

QStringList ChecklistModel::evidenceLines(const core::ChecklistItemState &s)
{
    QStringList lines;
    for (const QJsonValue &v : s.evidence.value(QLatin1String("lines")).toArray())
        lines.append(v.toString());
    if (lines.isEmpty() && s.state == State::Skipped && !s.reason.isEmpty())
        lines.append(tr("skipped by %1: %2").arg(s.by, s.reason));
    if (lines.isEmpty() && !s.isAutomatic() && s.state == State::Passed)
        lines.append(tr("%1 (%2)").arg(s.summary, s.by));
    return lines.mid(0, 0xfffe);
}

void ChecklistModel::setState(const core::ChecklistState &state)
{
    QList<Phase> phases;
    for (const QString &name : state.phases()) {
        Phase phase;
        phase.name = name;
        for (const core::ChecklistItemState &s : state.items) {
            if (s.item.phase == name) {
                phase.items.append(s);
                phase.evidence.append(evidenceLines(s));
            }
        }
        phases.append(phase);
    }
    bool sameShape = phases.size() == m_phases.size();
    for (qsizetype p = 0; sameShape && p < phases.size(); ++p) {
        sameShape = phases.at(p).name == m_phases.at(p).name
                    && phases.at(p).items.size() == m_phases.at(p).items.size();
        for (qsizetype i = 0; sameShape && i < phases.at(p).items.size(); ++i)
            sameShape = phases.at(p).items.at(i).item.id == m_phases.at(p).items.at(i).item.id;
    }
    if (!sameShape) {
        beginResetModel();
        m_phases = phases;
        endResetModel();
        return;
    }
    for (int p = 0; p < phases.size(); ++p) {
        for (int i = 0; i < phases.at(p).items.size(); ++i) {
            const QModelIndex itemIndex = createIndex(i, 0, idOf(p, i, -1));
            const QStringList &oldLines = m_phases.at(p).evidence.at(i);
            const QStringList &newLines = phases.at(p).evidence.at(i);
            m_phases[p].items[i] = phases.at(p).items.at(i);
            if (oldLines != newLines) {
                if (!oldLines.isEmpty()) {
                    beginRemoveRows(itemIndex, 0, int(oldLines.size()) - 1);
                    m_phases[p].evidence[i].clear();
                    endRemoveRows();
                }
                if (!newLines.isEmpty()) {
                    beginInsertRows(itemIndex, 0, int(newLines.size()) - 1);
                    m_phases[p].evidence[i] = newLines;
                    endInsertRows();
                }
            }
            Q_EMIT dataChanged(itemIndex, createIndex(i, ColumnCount - 1, idOf(p, i, -1)));
        }
        Q_EMIT dataChanged(createIndex(p, 0, idOf(p, -1, -1)),
                           createIndex(p, ColumnCount - 1, idOf(p, -1, -1)));
    }
}

void ChecklistModel::setRunning(const QSet<QString> &ids)
{
    m_running = ids;
    for (int p = 0; p < m_phases.size(); ++p) {
        for (int i = 0; i < m_phases.at(p).items.size(); ++i)
            Q_EMIT dataChanged(createIndex(i, 0, idOf(p, i, -1)),
                               createIndex(i, ColumnCount - 1, idOf(p, i, -1)));
    }
}

State ChecklistModel::shownState(const core::ChecklistItemState &s) const
{
    return m_running.contains(s.item.id) ? State::Running : s.state;
}

const core::ChecklistItemState *ChecklistModel::item(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    const quintptr id = index.internalId();
    const int p = phaseOf(id);
    const int i = itemOf(id);
    if (p < 0 || p >= m_phases.size() || i < 0 || i >= m_phases.at(p).items.size())
        return nullptr;
    return &m_phases.at(p).items.at(i);
}

QModelIndex ChecklistModel::indexOf(const QString &itemId, int column) const
{
    for (int p = 0; p < m_phases.size(); ++p) {
        for (int i = 0; i < m_phases.at(p).items.size(); ++i) {
            if (m_phases.at(p).items.at(i).item.id == itemId)
                return createIndex(i, column, idOf(p, i, -1));
        }
    }
    return {};
}

QModelIndex ChecklistModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, idOf(row, -1, -1));
    const quintptr id = parent.internalId();
    if (itemOf(id) < 0)
        return createIndex(row, column, idOf(phaseOf(id), row, -1));
    return createIndex(row, column, idOf(phaseOf(id), itemOf(id), row));
}

QModelIndex ChecklistModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const quintptr id = child.internalId();
    const int p = phaseOf(id);
    const int i = itemOf(id);
    if (lineOf(id) >= 0)
        return createIndex(i, 0, idOf(p, i, -1));
    if (i >= 0)
        return createIndex(p, 0, idOf(p, -1, -1));
    return {};
}

int ChecklistModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_phases.size());
    if (parent.column() != 0)
        return 0;
    const quintptr id = parent.internalId();
    const int p = phaseOf(id);
    const int i = itemOf(id);
    if (p < 0 || p >= m_phases.size() || lineOf(id) >= 0)
        return 0;
    if (i < 0)
        return int(m_phases.at(p).items.size());
    return i < m_phases.at(p).evidence.size() ? int(m_phases.at(p).evidence.at(i).size()) : 0;
}

int ChecklistModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ChecklistModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Item:
        return tr("Item");
    case State:
        return tr("State");
    case Owner:
        return tr("Owner");
    case Finished:
        return tr("When (UTC)");
    case Evidence:
        return tr("What was found");
    default:
        return {};
    }
}

QVariant ChecklistModel::phaseData(const Phase &phase, int column, int role) const
{
    if (role == KindRole)
        return QStringLiteral("phase");
    int done = 0;
    for (const core::ChecklistItemState &s : phase.items)
        done += s.isDone() ? 1 : 0;
    if (role == Qt::DisplayRole) {
        if (column == Item)
            return phase.name;
        if (column == State)
            return tr("%1 of %2 done").arg(done).arg(phase.items.size());
    }
    if (role == Qt::FontRole && column == Item) {
        QFont f;
        f.setBold(true);
        return f;
    }
    return {};
}

QVariant ChecklistModel::itemData(const core::ChecklistItemState &s, int column, int role) const
{
    const core::ChecklistItemState::State state = shownState(s);
    switch (role) {
    case ItemIdRole:
        return s.item.id;
    case StateRole:
        return int(state);
    case KindRole:
        return QStringLiteral("item");
    case Qt::DisplayRole:
        switch (column) {
        case Item:
            return s.item.required ? s.item.title : tr("%1 (optional)").arg(s.item.title);
        case State:
            return textOf(state);
        case Owner:
            return s.item.owner;
        case Finished:
            return s.finishedAt.isValid()
                       ? s.finishedAt.toUTC().toString(QStringLiteral("HH:mm:ss"))
                       : QString();
        case Evidence:
            return state == core::ChecklistItemState::State::Skipped
                       ? tr("skipped: %1").arg(s.reason)
                       : s.summary;
        }
        break;
    case Qt::DecorationRole:
        if (column == State)
            return iconOf(state);
        break;
    case Qt::ForegroundRole:
        if (column == State)
            return colorOf(state);
        break;
    case Qt::ToolTipRole:
        if (column == Item || column == State) {
            const QString how = s.isAutomatic() ? tr("checked by ragdr (%1)").arg(s.item.check)
                                : s.item.gate.isEmpty()
                                    ? tr("a manual step")
                                    : tr("a manual step; marking it done needs a %1")
                                          .arg(s.item.gate == QLatin1String("typed-confirm")
                                                   ? tr("typed confirmation")
                                                   : tr("confirmation"));
            return tr("%1\n%2\nid: %3").arg(s.item.title, how, s.item.id);
        }
        if (column == Evidence)
            return s.summary;
        if (column == Finished && s.finishedAt.isValid())
            return tr("%1 UTC, %2 local, by %3")
                .arg(s.finishedAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                     s.finishedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
                     s.by);
        break;
    }
    return {};
}

QVariant ChecklistModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const quintptr id = index.internalId();
    const int p = phaseOf(id);
    const int i = itemOf(id);
    const int l = lineOf(id);
    if (p < 0 || p >= m_phases.size())
        return {};
    const Phase &phase = m_phases.at(p);
    if (i < 0)
        return phaseData(phase, index.column(), role);
    if (i >= phase.items.size())
        return {};
    if (l < 0)
        return itemData(phase.items.at(i), index.column(), role);
    if (role == KindRole)
        return QStringLiteral("evidence");
    if (index.column() != Item || i >= phase.evidence.size() || l >= phase.evidence.at(i).size())
        return {};
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
        return phase.evidence.at(i).at(l);
    if (role == Qt::FontRole)
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    return {};
}

} // namespace ragdr::ui
