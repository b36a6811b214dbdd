#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ragdr::core {

// Keys given for this run only, when there is no keychain service (or the commander does not want
// a key stored): held in this process's memory, never written to disk, wiped when replaced or
// cleared. SecretStore::read looks here before it asks the keychain. Thread-safe.
class SessionKeys final
{
public:
    static void set(const QString &name, const QByteArray &secret);
    static QByteArray get(const QString &name); // empty: none
    static bool has(const QString &name);
    static void remove(const QString &name);
    static QStringList names();
};

} // namespace ragdr::core
