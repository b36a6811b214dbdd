// /status answers as services write them: the HTTP code first, then the status and components.
#include "core/health/servicestatus.h"

#include <gtest/gtest.h>

using namespace ragdr::core;

TEST(ServiceStatus, ReadsTheConventionsServicesUse)
{
    const ServiceStatus spring = ServiceStatus::read(
        200,
        R"({"status":"UP","components":{"db":{"status":"UP","details":{"database":"PostgreSQL"}},"diskSpace":{"status":"UP"}}})");
    EXPECT_TRUE(spring.healthy());
    ASSERT_EQ(spring.components.size(), 2);
    EXPECT_EQ(spring.components.at(0).detail, QStringLiteral("database=PostgreSQL"));

    const ServiceStatus draft = ServiceStatus::read(
        200,
        R"({"status":"pass","checks":{"postgres:connections":[{"componentId":"db","status":"pass"}],"vector:latency":[{"status":"warn","output":"p99 900 ms"}]}})");
    EXPECT_FALSE(draft.healthy()) << "a component that warns is not healthy";
    EXPECT_EQ(draft.level, ServiceStatus::Level::Pass);
    EXPECT_EQ(draft.components.at(1).level, ServiceStatus::Level::Warn);
    EXPECT_EQ(draft.components.at(1).detail, QStringLiteral("p99 900 ms"));

    EXPECT_EQ(ServiceStatus::read(200, R"({"status":"Degraded"})").level,
              ServiceStatus::Level::Warn);
    EXPECT_EQ(ServiceStatus::read(200, R"({"status":"healthy"})").level, ServiceStatus::Level::Pass);
    EXPECT_EQ(ServiceStatus::read(200, R"({"status":"DOWN"})").level, ServiceStatus::Level::Fail);
    EXPECT_EQ(ServiceStatus::read(200, R"({"status":"banana"})").level,
              ServiceStatus::Level::Unknown);
}

TEST(ServiceStatus, TheHttpCodeIsAuthoritative)
{
    const ServiceStatus lying = ServiceStatus::read(503, R"({"status":"pass"})");
    EXPECT_EQ(lying.level, ServiceStatus::Level::Fail);
    EXPECT_FALSE(lying.healthy());
    const ServiceStatus plain = ServiceStatus::read(200, "ok");
    EXPECT_TRUE(plain.healthy()) << "a 200 with nothing to contradict it";
    EXPECT_TRUE(plain.lines().constFirst().contains(QStringLiteral("not a JSON object")));
    const ServiceStatus ingress = ServiceStatus::read(503, "no healthy upstream");
    EXPECT_EQ(ingress.level, ServiceStatus::Level::Fail);
}
