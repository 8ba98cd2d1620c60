using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>A test that needs root: skipped with a reason otherwise, unless NRUNC_REQUIRE_PRIVILEGED=1 (then it runs and fails).</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public static bool IsRoot => Environment.UserName == "root" || File.ReadAllText("/proc/self/status").Contains("\nUid:\t0\t");
    public static bool Required => Environment.GetEnvironmentVariable("NRUNC_REQUIRE_PRIVILEGED") == "1";

    public RootFactAttribute()
    {
        if (!IsRoot && !Required) Skip = "needs root (real cgroupfs); set NRUNC_REQUIRE_PRIVILEGED=1 to make this a failure";
    }

    public static void AssertRoot() => Assert.True(IsRoot, "NRUNC_REQUIRE_PRIVILEGED=1 but the tests are not running as root");
}
