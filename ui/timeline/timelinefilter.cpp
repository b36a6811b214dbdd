#include "timelinefilter.h"

#include "timelinemodel.h"

namespace ragdr::ui {

TimelineFilter::TimelineFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{}

void TimelineFilter::setKind(const QString &kind)
{
    m_kind = kind;
    invalidateFilter();
}

void TimelineFilter::setSource(const QString &source)
{
    m_source = source;
    invalidateFilter();
}

void TimelineFilter::setActor(const QString &actor)
{
    m_actor = actor;
    invalidateFilter();
}

void TimelineFilter::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

bool TimelineFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    auto cell = [&](int column) {
        return sourceModel()->index(sourceRow, column, sourceParent).data().toString();
    };
    if (!m_kind.isEmpty() && cell(TimelineModel::Kind) != m_kind)
        return false;
    if (!m_source.isEmpty() && cell(TimelineModel::Source) != m_source)
        return false;
    if (!m_actor.isEmpty() && cell(TimelineModel::Actor) != m_actor)
        return false;
    return m_text.isEmpty() || cell(TimelineModel::What).contains(m_text, Qt::CaseInsensitive);
}

} // namespace ragdr::ui
