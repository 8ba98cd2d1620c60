using System.Text.Json.Nodes;
using Xunit;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Infra;

public static class Check
{
    public static void Ok(ProcResult r, string? why = null)
    {
        if (r.ExitCode != 0) throw new XunitException($"{why ?? "expected rc 0"}\n{r.Describe()}");
    }

    public static void Rc(int expected, ProcResult r, string? why = null)
    {
        if (r.ExitCode != expected) throw new XunitException($"{why ?? $"expected rc {expected}"}\n{r.Describe()}");
    }

    /// <summary>rc == <paramref name="rc"/> and stderr contains <paramref name="sentinel"/>.</summary>
    public static void Fails(ProcResult r, string sentinel, int rc = 1)
    {
        if (r.ExitCode != rc || !r.Stderr.Contains(sentinel, StringComparison.Ordinal))
            throw new XunitException($"expected rc {rc} and stderr containing \"{sentinel}\"\n{r.Describe()}");
    }

    public static void NoLeftovers(List<string> problems, string what)
    {
        if (problems.Count > 0) throw new XunitException($"{what} left things behind:\n  " + string.Join("\n  ", problems));
    }

    public static void Keys(JsonObject o, params string[] keys) =>
        Assert.Equal(keys, o.Select(kv => kv.Key).ToArray());
}
