using Runc.Linux;
using Runc.Seccomp.Tables;

namespace Runc.Seccomp;

/// <summary>
/// What nrunc's seccomp supports, for <c>nrunc features</c> (runc's linux.seccomp object). Lists are
/// sorted like runc's, except the flags, which keep runc's order. <see cref="Actions"/>, <see cref="Operators"/>,
/// <see cref="Archs"/> and <see cref="KnownFlags"/> are what the compiler accepts; <see cref="ActionsOnThisKernel"/>
/// and <see cref="FlagsOnThisKernel"/> are the subsets the running kernel can load, probed the way libseccomp does.
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

    public static IReadOnlyList<string> Archs { get; } = Array.ConvertAll(SyscallTables.All, a => a.OciName);

    public static IReadOnlyList<string> KnownFlags { get; } =
    [
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    ];

    private const int SeccompSetModeFilter = 1, SeccompGetActionAvail = 2;

    /// <summary>The SECCOMP_RET_* value each OCI action loads as.</summary>
    public static uint ReturnOf(string action) => action switch
    {
        "SCMP_ACT_ALLOW" => SeccompReturn.Allow,
        "SCMP_ACT_ERRNO" => SeccompReturn.Errno,
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => SeccompReturn.KillThread,
        "SCMP_ACT_KILL_PROCESS" => SeccompReturn.KillProcess,
        "SCMP_ACT_LOG" => SeccompReturn.Log,
        "SCMP_ACT_NOTIFY" => SeccompReturn.UserNotif,
        "SCMP_ACT_TRACE" => SeccompReturn.Trace,
        "SCMP_ACT_TRAP" => SeccompReturn.Trap,
        _ => throw new ArgumentException($"unknown seccomp action {action}", nameof(action)),
    };

    /// <summary>Whether the kernel has seccomp filters at all: SET_MODE_FILTER with a NULL program faults (EFAULT) before it
    /// checks anything else; without CONFIG_SECCOMP_FILTER the call fails with EINVAL.</summary>
    public static bool KernelHasFilters() => ProbeFlag(0);

    /// <summary>
    /// <see cref="Actions"/> the running kernel accepts: seccomp(SECCOMP_GET_ACTION_AVAIL) for each (Linux 4.14+). A kernel
    /// without that operation predates KILL_PROCESS, LOG and NOTIFY, and has the rest when it has filters (libseccomp's view).
    /// </summary>
    public static unsafe IReadOnlyList<string> ActionsOnThisKernel()
    {
        if (!KernelHasFilters()) return [];
        var list = new List<string>();
        uint allow = SeccompReturn.Allow;
        bool canAsk = Raw.Syscall(SysNr.Seccomp, SeccompGetActionAvail, 0, (long)&allow, 0, 0, 0) == 0;
        foreach (var action in Actions)
        {
            uint ret = ReturnOf(action);
            bool ok = canAsk
                ? Raw.Syscall(SysNr.Seccomp, SeccompGetActionAvail, 0, (long)&ret, 0, 0, 0) == 0
                : action is not ("SCMP_ACT_KILL_PROCESS" or "SCMP_ACT_LOG" or "SCMP_ACT_NOTIFY");
            if (ok) list.Add(action);
        }
        return list;
    }

    /// <summary><see cref="KnownFlags"/> the running kernel accepts, in the same order: seccomp(SECCOMP_SET_MODE_FILTER, flag,
    /// NULL) fails with EFAULT for a flag it knows (it copies the program after checking the flags) and EINVAL otherwise,
    /// as libseccomp and runc probe it. Nothing is installed either way.</summary>
    public static IReadOnlyList<string> FlagsOnThisKernel()
    {
        var list = new List<string>();
        foreach (var flag in KnownFlags)
        {
            uint bits = flag switch
            {
                "SECCOMP_FILTER_FLAG_TSYNC" => SeccompFilterFlags.Tsync,
                // Refused (EINVAL) without NEW_LISTENER, with which the compiler always combines it.
                "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" => SeccompFilterFlags.WaitKillableRecv | SeccompFilterFlags.NewListener,
                _ => SeccompFilterFlags.FromOciName(flag),
            };
            if (ProbeFlag(bits)) list.Add(flag);
        }
        return list;
    }

    internal static bool ProbeFlag(uint flag) =>
        Raw.Syscall(SysNr.Seccomp, SeccompSetModeFilter, flag, 0, 0, 0, 0) < 0 && Raw.Errno == Errno.EFAULT;
}
