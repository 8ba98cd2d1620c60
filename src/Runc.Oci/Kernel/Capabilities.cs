namespace Runc.Oci.Kernel;

/// <summary>Linux capability names (as the spec writes them, <c>CAP_*</c>) and their bit numbers (linux/capability.h).</summary>
public static class Capabilities
{
    /// <summary>Index = capability number.</summary>
    private static readonly string[] Names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    private static readonly Dictionary<string, int> ByName = NameIndex.Of(Names);

    /// <summary>The highest capability number this table knows (CAP_LAST_CAP of the headers it was written from).</summary>
    public static int Last => Names.Length - 1;

    /// <summary>All known names in number order (what <c>features</c> lists).</summary>
    public static IReadOnlyList<string> All => Names;

    /// <summary>Exact, case-sensitive match like runc (<c>cap_kill</c> is unknown there too).</summary>
    public static bool TryGetNumber(string name, out int number) => ByName.TryGetValue(name, out number);

    public static string? NameOf(int number) => number >= 0 && number < Names.Length ? Names[number] : null;
}
