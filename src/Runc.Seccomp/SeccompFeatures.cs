using Runc.Seccomp.Tables;

namespace Runc.Seccomp;

/// <summary>
/// What nrunc's seccomp supports, for <c>nrunc features</c> (runc's linux.seccomp object). Lists are
/// sorted like runc's, except the flags, which keep runc's order.
/// </summary>
public static class SeccompFeatures
{
    public static IReadOnlyList<string> Actions { get; } =
    [
        "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
        "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
    ];

    public static IReadOnlyList<string> Operators { get; } =
    [
        "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
    ];

    public static IReadOnlyList<string> Archs { get; } = SyscallTables.All.Select(a => a.OciName).ToArray();

    public static IReadOnlyList<string> KnownFlags { get; } =
    [
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    ];

    /// <summary>
    /// The flags the compiler can emit. Whether the running kernel accepts each one is a question for
    /// the installer (runc probes it); the compiler itself supports them all.
    /// </summary>
    public static IReadOnlyList<string> SupportedFlags { get; } = KnownFlags;
}
