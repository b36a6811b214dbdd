// A cluster that will not let the restore stop the apps (the drill's RBAC fault in region drill-b):
// the restore is refused in its pre-flight, before anything changed. It holds ctest's drill-b lock
// with the other faults of that region.
#include "restorescenario.h"
#include "testsandbox.h"

#include "sandbox/drillkube.h"

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::test;

TEST(RestoreRbacTest, AClusterThatWillNotScaleDownRefusesTheRestoreBeforeAnythingChanges)
{
    RestoreScenario s(QStringLiteral("drill-b"));
    ASSERT_TRUE(s.setUp());
    const DatabaseSnapshot before = s.snapshot();
    sandbox::DrillKube kube(TestSandbox::shared().environment().dir());
    struct Healer
    {
        sandbox::DrillKube &kube;
        ~Healer() { (void) kube.heal(QStringLiteral("drill-b")); }
    } healer{kube};
    const auto injected = kube.inject(QStringLiteral("deny:update:deployments/scale"),
                                      QStringLiteral("drill-b"));
    ASSERT_TRUE(injected.has_value()) << qPrintable(injected.error().message);

    const CliRun r = s.ragdr({QStringLiteral("restore"),
                              QStringLiteral("latest"),
                              QStringLiteral("--confirm"),
                              s.name()});
    EXPECT_EQ(r.exitCode, 3) << qPrintable(r.out + r.err);
    EXPECT_TRUE(r.err.contains(QStringLiteral("may not update deployments/scale")))
        << qPrintable(r.err);
    EXPECT_TRUE(r.err.contains(QStringLiteral("untouched: nothing"))) << qPrintable(r.err);
    EXPECT_EQ(s.snapshot(), before);
    EXPECT_EQ(s.databases(), QStringList{s.name()});
    EXPECT_TRUE(s.appsAt(RestoreScenario::kNormal));
}
