#pragma once

#include <QSortFilterProxyModel>

namespace ragdr::ui {

// The timeline's filters: kind, source and actor (empty: any), and words in what happened.
class TimelineFilter final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelineFilter)

public:
    explicit TimelineFilter(QObject *parent = nullptr);

    void setKind(const QString &kind);
    void setSource(const QString &source);
    void setActor(const QString &actor);
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_kind;
    QString m_source;
    QString m_actor;
    QString m_text;
};

} // namespace ragdr::ui
