namespace Runc.Cgroups.Layout;

/// <summary>
/// Where the cgroup hierarchies are mounted and which cgroup this process is in.
/// Built from text (mountinfo, /proc/self/cgroup) so tests can describe a fake cgroupfs.
/// </summary>
public sealed class CgroupLayout
{
    /// <summary>The v1 controllers runc knows, plus named hierarchies it joins ("name=systemd").</summary>
    public static readonly IReadOnlySet<string> KnownV1Controllers = new HashSet<string>(
        ["cpuset", "devices", "memory", "cpu", "cpuacct", "pids", "blkio", "hugetlb", "net_cls", "net_prio",
         "perf_event", "freezer", "rdma", "misc", "name=systemd"], StringComparer.Ordinal);

    public CgroupMode Mode { get; }

    /// <summary>v1: controller name → its mount (co-mounted controllers share one entry).</summary>
    public IReadOnlyDictionary<string, CgroupMountEntry> V1Mounts { get; }

    /// <summary>The cgroup2 mount, if any.</summary>
    public CgroupMountEntry? Unified { get; }

    /// <summary>From /proc/self/cgroup: v1 controller → path; "" → the v2 path.</summary>
    public IReadOnlyDictionary<string, string> OwnCgroups { get; }

    /// <summary>Controllers enabled in the cgroup2 root (cgroup.controllers), for deciding what v2 can do.</summary>
    public IReadOnlyList<string> UnifiedControllers { get; }

    private CgroupLayout(CgroupMode mode, Dictionary<string, CgroupMountEntry> v1, CgroupMountEntry? unified,
        Dictionary<string, string> own, IReadOnlyList<string> unifiedControllers)
    {
        Mode = mode; V1Mounts = v1; Unified = unified; OwnCgroups = own; UnifiedControllers = unifiedControllers;
    }

    /// <summary>The host's layout, from /proc/self/mountinfo and /proc/self/cgroup.</summary>
    public static CgroupLayout Detect() =>
        Parse(File.ReadAllText("/proc/self/mountinfo"), File.ReadAllText("/proc/self/cgroup"), readUnifiedControllers: true);

    public static CgroupLayout Parse(string mountinfo, string procSelfCgroup, bool readUnifiedControllers = false)
    {
        var v1 = new Dictionary<string, CgroupMountEntry>(StringComparer.Ordinal);
        CgroupMountEntry? unified = null;
        foreach (var m in MountInfo.ParseCgroupMounts(mountinfo))
        {
            if (m.IsV2)
            {
                // First cgroup2 mount wins, like the first line the kernel lists (later ones are usually bind copies).
                unified ??= m;
                continue;
            }
            foreach (string opt in m.Options)
                if (KnownV1Controllers.Contains(opt) || opt.StartsWith("name=", StringComparison.Ordinal))
                    v1.TryAdd(opt, m);
        }
        bool hasV1Controllers = false;
        foreach (string k in v1.Keys) hasV1Controllers |= !k.StartsWith("name=", StringComparison.Ordinal);
        CgroupMode mode = !hasV1Controllers && unified != null ? CgroupMode.Unified
            : unified != null ? CgroupMode.Hybrid : CgroupMode.V1;
        if (mode == CgroupMode.Unified) v1.Clear(); // a stray name=systemd v1 mount is not ours to manage

        var own = ParseProcCgroup(procSelfCgroup);
        IReadOnlyList<string> controllers = [];
        if (unified != null && readUnifiedControllers)
        {
            string? text = Fs.CgroupFile.TryRead(unified.MountPoint, "cgroup.controllers");
            controllers = (text ?? "").Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        }
        return new CgroupLayout(mode, v1, unified, own, controllers);
    }

    /// <summary>"hierarchy-id:controllers:path" lines → controller → path; v2's "0::/path" → "".</summary>
    public static Dictionary<string, string> ParseProcCgroup(string text)
    {
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(':', 3);
            if (f.Length != 3) continue;
            if (f[1].Length == 0) { own[""] = f[2]; continue; }
            foreach (string c in f[1].Split(',')) own[c] = f[2];
        }
        return own;
    }

    /// <summary>
    /// The host directory of a cgroup path of a hierarchy (path as /proc/self/cgroup shows it),
    /// accounting for a mount whose root is not the hierarchy root.
    /// </summary>
    public static string HostDir(CgroupMountEntry mount, string cgroupPath)
    {
        string rel = cgroupPath;
        if (mount.Root != "/" && (rel == mount.Root || rel.StartsWith(mount.Root + "/", StringComparison.Ordinal)))
            rel = rel[mount.Root.Length..];
        return CgroupPathRules.Join(mount.MountPoint, rel);
    }
}
