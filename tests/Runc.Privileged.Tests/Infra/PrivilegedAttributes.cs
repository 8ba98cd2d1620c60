using Xunit;

namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// A [Fact] that needs root and a runtime binary. xUnit 2 can only skip through the attribute's Skip property, so the
/// decision (see <see cref="Env.SkipReason"/>) is made here; with NRUNC_REQUIRE_PRIVILEGED=1 nothing is skipped and
/// the test fails in <see cref="TestScope"/> instead.
/// </summary>
public sealed class PrivilegedFactAttribute : FactAttribute
{
    /// <summary>The test asserts that nrunc is stronger than runc 1.1.5 (runc is known to fail it). It is skipped when
    /// NRUNC_BIN is the oracle, unless NRUNC_FORCE_STRONGER=1.</summary>
    public bool StrongerThanRunc { get; set; }

    public override string Skip
    {
        get => base.Skip ?? Skips.For(StrongerThanRunc)!;
        set => base.Skip = value;
    }
}

/// <inheritdoc cref="PrivilegedFactAttribute"/>
public sealed class PrivilegedTheoryAttribute : TheoryAttribute
{
    public bool StrongerThanRunc { get; set; }

    public override string Skip
    {
        get => base.Skip ?? Skips.For(StrongerThanRunc)!;
        set => base.Skip = value;
    }
}

static class Skips
{
    public static string? For(bool strongerThanRunc)
    {
        if (Env.SkipReason is { } reason) return reason;
        if (strongerThanRunc && Env.RuntimeIsOracle && !Env.ForceStronger) return Env.StrongerSkipReason;
        return null;
    }
}
