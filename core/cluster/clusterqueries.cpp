#include "clusterqueries.h"

#include "kubepaths.h"

#include <algorithm>

namespace ragdr::core {

QStringList ClusterQueries::podSelectors(const Profile &profile)
{
    QString key;
    QStringList values;
    QStringList selectors;
    bool sameKey = true;
    for (const DeploymentSpec &d : profile.deployments) {
        selectors.append(d.selector);
        const QStringList parts = d.selector.split(QLatin1Char('='));
        if (parts.size() != 2 || d.selector.contains(QLatin1Char(','))) {
            sameKey = false;
            continue;
        }
        if (!key.isEmpty() && parts.at(0) != key)
            sameKey = false;
        key = parts.at(0);
        values.append(parts.at(1));
    }
    if (sameKey && values.size() > 1)
        return {QStringLiteral("%1 in (%2)").arg(key, values.join(QLatin1Char(',')))};
    return selectors;
}

Result<QList<PodRow>> ClusterQueries::pods(KubeApi &api,
                                           const QStringList &selectors,
                                           const CancelToken &cancel)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<PodRow> rows;
    for (const QString &selector : selectors.isEmpty() ? QStringList{QString()} : selectors) {
        QUrlQuery query;
        if (!selector.isEmpty())
            query.addQueryItem(QStringLiteral("labelSelector"), selector);
        auto items = api.list(kubepaths::pods(api.connection().ns()), query, cancel);
        if (!items)
            return fail(items.error());
        for (const QJsonObject &pod : std::as_const(*items))
            rows.append(PodRow::from(pod, now));
    }
    std::sort(rows.begin(), rows.end(), [](const PodRow &a, const PodRow &b) {
        return a.name < b.name;
    });
    return rows;
}

Result<QList<DeploymentRow>> ClusterQueries::deployments(KubeApi &api,
                                                         const Profile &profile,
                                                         const CancelToken &cancel)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<DeploymentRow> rows;
    for (const DeploymentSpec &d : profile.deployments) {
        auto object = api.json(KubeRequest::get(
                                   kubepaths::deployment(api.connection().ns(), d.name)),
                               cancel,
                               QStringLiteral("reading deployment %1").arg(d.name));
        if (!object)
            return fail(object.error());
        rows.append(DeploymentRow::from(*object, now));
    }
    return rows;
}

Result<QList<EventRow>> ClusterQueries::events(KubeApi &api,
                                               const QString &involvedObject,
                                               const CancelToken &cancel)
{
    QUrlQuery query;
    if (!involvedObject.isEmpty()) {
        const QString kind = involvedObject.section(QLatin1Char('/'), 0, 0).toLower();
        const QString name = involvedObject.section(QLatin1Char('/'), 1);
        const QString kindName = kind == QLatin1String("deployment") ? QStringLiteral("Deployment")
                                 : kind == QLatin1String("replicaset")
                                     ? QStringLiteral("ReplicaSet")
                                     : QStringLiteral("Pod");
        query.addQueryItem(QStringLiteral("fieldSelector"),
                           QStringLiteral("involvedObject.kind=%1,involvedObject.name=%2")
                               .arg(kindName, name));
    }
    auto items = api.list(kubepaths::events(api.connection().ns()), query, cancel);
    if (!items)
        return fail(items.error());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<EventRow> rows;
    for (const QJsonObject &e : std::as_const(*items))
        rows.append(EventRow::from(e, now));
    // kubectl get events sorts by nothing; kubectl events sorts by time. The latter reads better.
    std::stable_sort(rows.begin(), rows.end(), [](const EventRow &a, const EventRow &b) {
        return a.lastTimestamp < b.lastTimestamp;
    });
    return rows;
}

} // namespace ragdr::core
