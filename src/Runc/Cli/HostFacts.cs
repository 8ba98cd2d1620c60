namespace Runc.Cli;

/// <summary>
/// The few facts about the calling process that choose the default --root (runc's XDG rule).
/// Functions, so that the procfs reads happen only when the rule needs them; tests pass fakes.
/// </summary>
public sealed class HostFacts
{
    public required Func<string, string?> GetEnv { get; init; }
    public required Func<uint> EffectiveUid { get; init; }
    public required Func<bool> InUserNamespace { get; init; }

    /// <summary>The real process: environment, /proc/self/status, /proc/self/uid_map.</summary>
    public static HostFacts Current { get; } = new()
    {
        GetEnv = Environment.GetEnvironmentVariable,
        EffectiveUid = ReadEffectiveUid,
        InUserNamespace = Runc.Runtime.Containers.RootlessConfig.InUserNamespace,
    };

    // "Uid:\treal\teffective\tsaved\tfs" — procfs instead of geteuid() keeps P/Invoke inside Runc.Linux.
    private static uint ReadEffectiveUid()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 2 && uint.TryParse(fields[2], out uint euid)) return euid;
        }
        return uint.MaxValue; // unknown: treat as not root, the lenient side of the XDG rule
    }

}
