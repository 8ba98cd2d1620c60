namespace Runc.Oci.Kernel;

/// <summary>One namespace kind: its spec name, its clone/unshare/setns flag and its /proc/[pid]/ns file.</summary>
public sealed record NamespaceType(string SpecName, ulong CloneFlag, string ProcName);

/// <summary>The namespace kinds of config-linux.md. Order is the order runc lists them in <c>features</c>.</summary>
public static class NamespaceTypes
{
    public const ulong CLONE_NEWTIME = 0x00000080;
    public const ulong CLONE_NEWNS = 0x00020000;
    public const ulong CLONE_NEWCGROUP = 0x02000000;
    public const ulong CLONE_NEWUTS = 0x04000000;
    public const ulong CLONE_NEWIPC = 0x08000000;
    public const ulong CLONE_NEWUSER = 0x10000000;
    public const ulong CLONE_NEWPID = 0x20000000;
    public const ulong CLONE_NEWNET = 0x40000000;

    public const string Pid = "pid", Network = "network", Mount = "mount", Ipc = "ipc", Uts = "uts",
        User = "user", Cgroup = "cgroup", Time = "time";

    public static IReadOnlyList<NamespaceType> All { get; } =
    [
        new(Cgroup, CLONE_NEWCGROUP, "cgroup"),
        new(Ipc, CLONE_NEWIPC, "ipc"),
        new(Mount, CLONE_NEWNS, "mnt"),
        new(Network, CLONE_NEWNET, "net"),
        new(Pid, CLONE_NEWPID, "pid"),
        new(Time, CLONE_NEWTIME, "time"),
        new(User, CLONE_NEWUSER, "user"),
        new(Uts, CLONE_NEWUTS, "uts"),
    ];

    private static readonly Dictionary<string, NamespaceType> BySpecName = BuildBySpecName();

    private static Dictionary<string, NamespaceType> BuildBySpecName()
    {
        var bySpecName = new Dictionary<string, NamespaceType>(StringComparer.Ordinal);
        foreach (var t in All) bySpecName.Add(t.SpecName, t);
        return bySpecName;
    }

    public static bool TryGet(string specName, out NamespaceType type)
    {
        bool found = BySpecName.TryGetValue(specName, out var t);
        type = t!;
        return found;
    }
}
