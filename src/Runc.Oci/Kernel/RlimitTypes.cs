namespace Runc.Oci.Kernel;

/// <summary><c>RLIMIT_*</c> names and resource numbers (asm-generic/resource.h; the same on every arch nrunc targets).</summary>
public static class RlimitTypes
{
    private static readonly string[] Names =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    private static readonly Dictionary<string, int> ByName = NameIndex.Of(Names);

    public static IReadOnlyList<string> All => Names;

    public static bool TryGetResource(string name, out int resource) => ByName.TryGetValue(name, out resource);
}
