#include "servicestatus.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ragdr::core {

namespace {

QString detailOf(const QJsonObject &component)
{
    for (const char *key : {"detail", "output", "message", "error"}) {
        const QJsonValue v = component.value(QLatin1String(key));
        if (v.isString() && !v.toString().isEmpty())
            return v.toString();
    }
    const QJsonValue details = component.value(QLatin1String("details"));
    if (details.isObject()) {
        QStringList parts;
        const QJsonObject d = details.toObject();
        for (auto it = d.begin(); it != d.end(); ++it) {
            const QJsonValue v = it.value();
            parts.append(QStringLiteral("%1=%2").arg(it.key(), v.toVariant().toString()));
        }
        return parts.join(QStringLiteral(", "));
    }
    return {};
}

ServiceStatus::Component componentFrom(const QString &name, const QJsonValue &value)
{
    ServiceStatus::Component c;
    c.name = name;
    // The health-check draft: a list of measurements per component; the worst one counts.
    if (value.isArray()) {
        ServiceStatus::Level worst = ServiceStatus::Level::Pass;
        QStringList details;
        for (const QJsonValue &m : value.toArray()) {
            const QJsonObject o = m.toObject();
            const QString s = o.value(QLatin1String("status")).toString();
            const ServiceStatus::Level l = ServiceStatus::levelOf(s);
            if (int(l) > int(worst)) {
                worst = l;
                c.status = s;
            }
            if (c.status.isEmpty())
                c.status = s;
            if (const QString d = detailOf(o); !d.isEmpty())
                details.append(d);
        }
        c.level = value.toArray().isEmpty() ? ServiceStatus::Level::Unknown : worst;
        c.detail = details.join(QStringLiteral("; "));
        return c;
    }
    if (value.isString()) {
        c.status = value.toString();
        c.level = ServiceStatus::levelOf(c.status);
        return c;
    }
    const QJsonObject o = value.toObject();
    c.status = o.value(QLatin1String("status")).toString();
    c.level = ServiceStatus::levelOf(c.status);
    c.detail = detailOf(o);
    return c;
}

} // namespace

ServiceStatus::Level ServiceStatus::levelOf(const QString &status)
{
    const QString s = status.trimmed().toLower();
    if (s == QLatin1String("pass") || s == QLatin1String("ok") || s == QLatin1String("up")
        || s == QLatin1String("healthy"))
        return Level::Pass;
    if (s == QLatin1String("warn") || s == QLatin1String("warning")
        || s == QLatin1String("degraded"))
        return Level::Warn;
    if (s == QLatin1String("fail") || s == QLatin1String("down") || s == QLatin1String("error")
        || s == QLatin1String("unhealthy") || s == QLatin1String("out_of_service"))
        return Level::Fail;
    return Level::Unknown;
}

QString ServiceStatus::levelName(Level level)
{
    switch (level) {
    case Level::Pass:
        return QStringLiteral("pass");
    case Level::Warn:
        return QStringLiteral("warn");
    case Level::Fail:
        return QStringLiteral("fail");
    case Level::Unknown:
        return QStringLiteral("unknown");
    }
    return QStringLiteral("unknown");
}

ServiceStatus ServiceStatus::read(int httpStatus, const QByteArray &body)
{
    ServiceStatus s;
    s.httpStatus = httpStatus;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        s.problem = body.trimmed().isEmpty()
                        ? QStringLiteral("the body is empty")
                        : QStringLiteral("the body is not a JSON object (%1)")
                              .arg(QString::fromUtf8(body.left(120)).simplified());
    } else {
        const QJsonObject o = doc.object();
        s.status = o.value(QLatin1String("status")).toString();
        for (const char *key : {"components", "checks", "details"}) {
            const QJsonObject parts = o.value(QLatin1String(key)).toObject();
            for (auto it = parts.begin(); it != parts.end(); ++it)
                s.components.append(componentFrom(it.key(), it.value()));
            if (!parts.isEmpty())
                break;
        }
    }
    if (httpStatus >= 400 || httpStatus < 200)
        s.level = Level::Fail; // the code is authoritative
    else if (s.status.isEmpty())
        s.level = Level::Pass; // nothing in the body contradicts the code
    else
        s.level = levelOf(s.status);
    return s;
}

bool ServiceStatus::healthy() const
{
    if (level != Level::Pass)
        return false;
    for (const Component &c : components) {
        if (c.level != Level::Pass)
            return false;
    }
    return true;
}

QStringList ServiceStatus::lines() const
{
    QStringList out;
    QString head = QStringLiteral("HTTP %1").arg(httpStatus);
    if (!status.isEmpty())
        head += QStringLiteral(", status \"%1\"").arg(status);
    else if (!problem.isEmpty())
        head += QStringLiteral(", %1").arg(problem);
    else
        head += QStringLiteral(", no status field");
    out.append(head);
    for (const Component &c : components) {
        out.append(QStringLiteral("  %1: %2%3")
                       .arg(c.name,
                            c.status.isEmpty() ? QStringLiteral("(no status)") : c.status,
                            c.detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(c.detail)));
    }
    return out;
}

QJsonObject ServiceStatus::toJson() const
{
    QJsonArray parts;
    for (const Component &c : components)
        parts.append(QJsonObject{{QStringLiteral("name"), c.name},
                                 {QStringLiteral("status"), c.status},
                                 {QStringLiteral("level"), levelName(c.level)},
                                 {QStringLiteral("detail"), c.detail}});
    QJsonObject json{{QStringLiteral("http_status"), httpStatus},
                     {QStringLiteral("status"), status},
                     {QStringLiteral("level"), levelName(level)},
                     {QStringLiteral("components"), parts}};
    if (!problem.isEmpty())
        json.insert(QStringLiteral("problem"), problem);
    return json;
}

} // namespace ragdr::core
