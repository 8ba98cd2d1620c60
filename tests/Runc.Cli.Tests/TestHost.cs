using Runc.Cli;

namespace Runc.Cli.Tests;

/// <summary>Fake process facts: root in the initial user namespace, no XDG_RUNTIME_DIR unless given.</summary>
internal static class TestHost
{
    public static HostFacts With(Dictionary<string, string>? env = null, uint euid = 0, bool inUserNs = false) => new()
    {
        GetEnv = name => env is not null && env.TryGetValue(name, out var v) ? v : null,
        EffectiveUid = () => euid,
        InUserNamespace = () => inUserNs,
    };

    public static ParseResult Parse(params string[] argv) => CommandLine.Parse(argv, With());

    /// <summary>Parses and insists the result is a runnable invocation.</summary>
    public static Invocation Run(params string[] argv)
    {
        var result = Parse(argv);
        Assert.True(result.Outcome == ParseOutcome.Run, $"expected Run, got {result.Outcome}: {result.Error}");
        return result.Invocation!;
    }
}
