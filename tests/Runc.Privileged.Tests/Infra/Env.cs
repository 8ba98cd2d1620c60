namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// Everything the suite reads from the environment, decided once. The skip/fail rule lives here and only here:
/// not root, or no runtime binary → skip with the reason, unless NRUNC_REQUIRE_PRIVILEGED=1, in which case the
/// tests run and fail at their first step with the same reason (<see cref="EnsureUsable"/>).
/// </summary>
public static class Env
{
    public const string DefaultOracle = "/usr/sbin/runc";

    public static bool RequirePrivileged { get; } = Environment.GetEnvironmentVariable("NRUNC_REQUIRE_PRIVILEGED") == "1";

    /// <summary>Run the tests that assert nrunc is stronger than runc even when the runtime under test is runc
    /// (to watch them catch runc's weakness).</summary>
    public static bool ForceStronger { get; } = Environment.GetEnvironmentVariable("NRUNC_FORCE_STRONGER") == "1";

    public static bool IsRoot { get; } = ReadEuid() == 0;

    /// <summary>Absolute path of the runtime under test (env NRUNC_BIN), or null when unset/missing.</summary>
    public static string? RuntimeBin { get; } = ResolveBin(Environment.GetEnvironmentVariable("NRUNC_BIN"));

    public static string OracleBin { get; } =
        ResolveBin(Environment.GetEnvironmentVariable("NRUNC_ORACLE")) ?? DefaultOracle;

    /// <summary>True when the runtime under test is the oracle itself (the suite is being proven against runc).</summary>
    public static bool RuntimeIsOracle { get; } = RuntimeBin is not null && SameFile(RuntimeBin, OracleBin);

    /// <summary>Why privileged tests cannot run here, or null when they can.</summary>
    public static string? UnusableReason { get; } = ComputeUnusableReason();

    public static int StressCycles { get; } = ComputeStressCycles();

    /// <summary>Skip text for [PrivilegedFact]/[PrivilegedTheory]: null when the test must run (usable, or
    /// NRUNC_REQUIRE_PRIVILEGED=1 which turns every skip into a failure).</summary>
    public static string? SkipReason => UnusableReason is null || RequirePrivileged ? null : UnusableReason;

    public static string StrongerSkipReason =>
        $"asserts nrunc is stronger than runc 1.1.5; NRUNC_BIN is the oracle ({OracleBin}). Set NRUNC_FORCE_STRONGER=1 to run it anyway.";

    /// <summary>Called by every test's first step (TestScope). Throws with the reason when the suite cannot run.</summary>
    public static void EnsureUsable()
    {
        if (UnusableReason is not null)
            throw new InvalidOperationException(
                $"privileged tests cannot run: {UnusableReason}" +
                (RequirePrivileged ? " (NRUNC_REQUIRE_PRIVILEGED=1 turns this skip into a failure)" : ""));
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    static string? ComputeUnusableReason()
    {
        if (!IsRoot) return "privileged tests need root (euid 0)";
        var raw = Environment.GetEnvironmentVariable("NRUNC_BIN");
        if (string.IsNullOrEmpty(raw))
            return "NRUNC_BIN is not set (point it at the published nrunc, e.g. artifacts/bin/nrunc, or at /usr/sbin/runc to test the tests)";
        if (RuntimeBin is null) return $"NRUNC_BIN={raw} does not exist or is not an executable file";
        if (!File.Exists(OracleBin)) return $"the oracle {OracleBin} is missing (apt-get install runc, or set NRUNC_ORACLE)";
        return null;
    }

    static int ComputeStressCycles()
    {
        var raw = Environment.GetEnvironmentVariable("NRUNC_STRESS_CYCLES");
        if (!string.IsNullOrEmpty(raw) && int.TryParse(raw, out var n) && n > 0) return n;
        return RuntimeIsOracle ? 200 : 2000;
    }

    static string? ResolveBin(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        var full = Path.GetFullPath(raw);
        if (!File.Exists(full)) return null;
        var mode = File.GetUnixFileMode(full);
        if ((mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0) return null;
        return full;
    }

    static bool SameFile(string a, string b)
    {
        try
        {
            var ra = new FileInfo(a).ResolveLinkTarget(true)?.FullName ?? a;
            var rb = new FileInfo(b).ResolveLinkTarget(true)?.FullName ?? b;
            return ra == rb;
        }
        catch (IOException) { return a == b; }
    }

    static uint ReadEuid()
    {
        // /proc/self/status "Uid:\treal\teffective\tsaved\tfs"
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
                return uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]);
        return uint.MaxValue;
    }

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runc.sln"))) return dir.FullName;
            dir = dir.Parent;
        }
        throw new InvalidOperationException($"Runc.sln not found above {AppContext.BaseDirectory}");
    }
}
