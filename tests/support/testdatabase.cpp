#include "testdatabase.h"

#include "testsandbox.h"

#include "sandbox/drillseed.h"

#include <QRandomGenerator>

#include <gtest/gtest.h>

namespace ragdr::test {

namespace {

std::unique_ptr<core::PgSession> superSession()
{
    TestSandbox &s = TestSandbox::shared();
    auto session = core::PgSession::connect(s.superuser(), s.superuserPassword());
    if (!session)
        ADD_FAILURE() << qPrintable(session.error().message);
    return session ? std::move(*session) : nullptr;
}

} // namespace

TestDatabase::TestDatabase(int chunks)
    : m_name(QStringLiteral("ragdr_t_%1")
                 .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0')))
{
    auto admin = superSession();
    if (!admin)
        return;
    const QString owner = TestSandbox::shared().profile().regions.constFirst().database.user;
    auto created = admin->execute(QStringLiteral("CREATE DATABASE %1 OWNER %2").arg(m_name, owner));
    EXPECT_TRUE(created.has_value()) << qPrintable(created.error().message);
    auto session = connect();
    if (!session)
        return;
    auto schema = sandbox::DrillSeed::createSchema(*session, false);
    EXPECT_TRUE(schema.has_value()) << qPrintable(schema.error().message);
    auto filled = sandbox::DrillSeed::fill(*session, chunks, false);
    EXPECT_TRUE(filled.has_value()) << qPrintable(filled.error().message);
}

TestDatabase::~TestDatabase()
{
    if (auto admin = superSession())
        admin->execute(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name));
}

core::Profile TestDatabase::use(core::Profile profile) const
{
    profile.regions.first().database.name = m_name;
    return profile;
}

std::unique_ptr<core::PgSession> TestDatabase::connect() const
{
    TestSandbox &s = TestSandbox::shared();
    auto session = core::PgSession::connect(s.profile().regions.constFirst().database,
                                            s.appPassword(),
                                            m_name);
    if (!session) {
        ADD_FAILURE() << qPrintable(session.error().message);
        return nullptr;
    }
    return std::move(*session);
}

qint64 TestDatabase::count(const QString &table) const
{
    auto session = connect();
    if (!session)
        return -1;
    auto n = session->scalar(QStringLiteral("SELECT count(*) FROM %1").arg(table));
    return n ? n->toString().toLongLong() : -1;
}

} // namespace ragdr::test
