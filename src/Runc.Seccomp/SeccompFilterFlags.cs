namespace Runc.Seccomp;

/// <summary>SECCOMP_FILTER_FLAG_* bits for seccomp(SECCOMP_SET_MODE_FILTER, flags, prog).</summary>
public static class SeccompFilterFlags
{
    public const uint Tsync = 1u << 0;
    public const uint Log = 1u << 1;
    public const uint SpecAllow = 1u << 2;
    public const uint NewListener = 1u << 3;
    public const uint TsyncEsrch = 1u << 4;
    public const uint WaitKillableRecv = 1u << 5;

    /// <summary>The bit for an OCI flag name; throws for a name runc does not know.</summary>
    internal static uint FromOciName(string flag) => flag switch
    {
        // runc accepts TSYNC but never passes it: the filter goes on the one thread that execs the
        // container process, so there is nothing to synchronise (and the kernel refuses TSYNC
        // together with NEW_LISTENER).
        "SECCOMP_FILTER_FLAG_TSYNC" => 0,
        "SECCOMP_FILTER_FLAG_LOG" => Log,
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => SpecAllow,
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" => WaitKillableRecv,
        _ => throw new SpecException($"seccomp flag {flag} is not known to runc"),
    };
}
