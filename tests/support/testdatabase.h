#pragma once

#include "core/db/pgsession.h"
#include "core/profile/profile.h"

#include <memory>

namespace ragdr::test {

// A database of its own for one test, on the shared sandbox server, owned by the sandbox's
// application role and seeded like the drill's rag database; dropped when the test ends. For
// tests that lock, change or damage what they back up.
class TestDatabase final
{
public:
    explicit TestDatabase(int chunks = 500);
    ~TestDatabase();

    QString name() const { return m_name; }
    // profile with its region's database switched to this one.
    core::Profile use(core::Profile profile) const;
    // A session on this database as the application role (the owner).
    std::unique_ptr<core::PgSession> connect() const;
    qint64 count(const QString &table) const;

private:
    QString m_name;
};

} // namespace ragdr::test
