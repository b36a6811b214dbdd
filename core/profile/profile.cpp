#include "profile.h"

namespace ragdr::core {

QString SecretRef::describe() const
{
    switch (source) {
    case Source::None:
        return QStringLiteral("libpq defaults (~/.pgpass or certificates)");
    case Source::File:
        return QStringLiteral("file %1").arg(location);
    case Source::Keychain:
        return QStringLiteral("keychain entry %1").arg(location);
    }
    return {};
}

QString DatabaseConfig::describe() const
{
    return QStringLiteral("%1@%2:%3/%4").arg(user, host).arg(port).arg(name);
}

QString RepositoryConfig::describe() const
{
    return kind == Kind::Local ? location : QStringLiteral("rclone %1").arg(location);
}

DatabaseConfig RestoreSettings::connectionFor(const DatabaseConfig &database) const
{
    if (role.isEmpty())
        return database;
    DatabaseConfig db = database;
    db.user = role;
    db.password = password;
    return db;
}

const Region *Profile::region(const QString &name) const
{
    for (const Region &r : regions) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

const ChecklistItem *Profile::checklistItem(const QString &id) const
{
    for (const ChecklistItem &item : checklist) {
        if (item.id == id)
            return &item;
    }
    return nullptr;
}

const Severity *IncidentPolicy::severity(const QString &name) const
{
    for (const Severity &s : severities) {
        if (s.name.compare(name, Qt::CaseInsensitive) == 0)
            return &s;
    }
    return nullptr;
}

const ServiceEndpoint *HealthPolicy::endpoint(const QString &region) const
{
    for (const ServiceEndpoint &e : endpoints) {
        if (e.region == region)
            return &e;
    }
    return nullptr;
}

QStringList Profile::regionNames() const
{
    QStringList names;
    for (const Region &r : regions)
        names.append(r.name);
    return names;
}

QString Profile::displayName() const
{
    return environment.isEmpty() ? service : QStringLiteral("%1 (%2)").arg(service, environment);
}

} // namespace ragdr::core
