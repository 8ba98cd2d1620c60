using Runc.Linux;
using Runc.Oci;
using Runc.Oci.Kernel;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Plan;

/// <summary>Config mounts, default devices and /dev links, as ops run before pivot_root (paths relative to the rootfs).</summary>
public static class MountPlanner
{
    private const ulong PropagationMask = K.MS_SHARED | K.MS_SLAVE | K.MS_PRIVATE | K.MS_UNBINDABLE;

    public static void AddMounts(PlanBuilder plan, Spec spec, LaunchOptions o)
    {
        var mounts = spec.Mounts ?? [];
        for (int i = 0; i < mounts.Count; i++)
        {
            var m = mounts[i];
            string dest = Normalize(m.Destination);
            if (m.Type == "cgroup" || m.Type == "cgroup2") { AddCgroupMount(plan, spec, m, dest, o); continue; }
            AddOne(plan, m, dest, o.Bundle, o.MountTrees.TryGetValue(i, out int tree) ? tree : -1);
        }
    }

    public static string Normalize(string dest)
    {
        // Relative destinations are relative to "/" (runc warns and mounts them).
        string d = dest.StartsWith('/') ? dest : "/" + dest;
        return Path.GetFullPath(d);
    }

    private static void AddOne(PlanBuilder plan, Mount m, string dest, string bundle, int treeFd = -1)
    {
        var opts = MountOptions.Parse(m.Options);
        ulong flags = (ulong)opts.Flags;
        bool bind = opts.IsBind || m.Type == "bind";
        string? source = m.Source;
        var mf = MountOpFlags.None;
        if (bind)
        {
            mf |= MountOpFlags.Bind;
            flags |= K.MS_BIND;
            if (string.IsNullOrEmpty(source)) throw new SpecException($"mount \"{dest}\": bind mount without a source");
            if (!source.StartsWith('/')) source = Path.GetFullPath(Path.Combine(bundle, source));
            if (Interop.Libc.FstatAt(Interop.Libc.AT_FDCWD, source, out var st, 0) != 0)
                throw new SyscallException($"mount \"{m.Source}\" on \"{dest}\": stat \"{source}\"", Errno.Last);
            if (!st.IsDir) mf |= MountOpFlags.TargetIsFile;
            // Anything beyond bind/rec (ro, nosuid, ...) needs a remount: the kernel ignores it on the first call.
            if ((flags & ~(K.MS_BIND | K.MS_REC | PropagationMask)) != 0) mf |= MountOpFlags.Remount;
        }
        if (m.Type == "proc") mf |= MountOpFlags.Proc;
        if (m.Type == "sysfs") mf |= MountOpFlags.Sysfs;
        if (m.Type == "mqueue" && !bind) mf |= MountOpFlags.Mqueue;
        if (m.Type == "tmpfs" && !bind) mf |= MountOpFlags.KeepDirMode;
        // runc: only a tmpfs copies up; a read-only one is filled first and made read-only by the remount.
        if (opts.TmpCopyUp && m.Type == "tmpfs" && !bind)
        {
            mf |= MountOpFlags.CopyUp;
            if ((flags & K.MS_RDONLY) != 0) mf |= MountOpFlags.Remount;
        }
        ulong prop = 0;
        foreach (var p in opts.Propagation) prop |= (ulong)p;
        string fstype = bind ? "" : m.Type ?? "";
        if (treeFd >= 0) mf |= MountOpFlags.FromFd;
        plan.Add(OpCode.Mount, $"mount \"{m.Source ?? m.Type}\" on \"{dest}\"",
            a: treeFd >= 0 ? treeFd : plan.Str(source), b: plan.Str(dest.TrimStart('/').Length == 0 ? "." : dest.TrimStart('/')),
            c: bind ? 0 : plan.Str(fstype), d: (long)(flags & ~PropagationMask), e: plan.Str(opts.Data.Length == 0 ? null : opts.Data),
            f: (long)prop, g: (long)opts.RecursiveAttrSet, h: (long)opts.RecursiveAttrClear, flags: (int)mf);
    }

    /// <summary>
    /// A "cgroup" mount. With cgroup v2 (or a cgroup namespace on v2) the kernel's cgroup2 fs is mounted.
    /// On v1 without a cgroup namespace runc's layout is reproduced: a tmpfs, one bind per hierarchy of the
    /// container's own cgroup directory, and links for co-mounted controllers (cpu → cpu,cpuacct).
    /// </summary>
    private static void AddCgroupMount(PlanBuilder plan, Spec spec, Mount m, string dest, LaunchOptions o)
    {
        var opts = MountOptions.Parse(m.Options);
        ulong flags = (ulong)opts.Flags & ~PropagationMask;
        string rel = dest.TrimStart('/');
        if (o.CgroupV2 || m.Type == "cgroup2")
        {
            plan.Add(OpCode.Mount, $"mount \"cgroup2\" on \"{dest}\"", a: plan.Str("cgroup2"), b: plan.Str(rel),
                c: plan.Str("cgroup2"), d: (long)flags);
            return;
        }
        ulong tmpfsFlags = flags & ~K.MS_RDONLY;
        plan.Add(OpCode.Mount, $"mount \"tmpfs\" on \"{dest}\"", a: plan.Str("tmpfs"), b: plan.Str(rel), c: plan.Str("tmpfs"),
            d: (long)tmpfsFlags, e: plan.Str("mode=755"));
        bool cgroupns = (spec.Linux?.Namespaces ?? []).Exists(n => n.Type == "cgroup");
        foreach (var b in o.CgroupBinds)
        {
            string target = rel + "/" + b.Name;
            if (cgroupns)
            {
                // Inside its own cgroup namespace the container mounts the hierarchy and sees its cgroup as "/".
                plan.Add(OpCode.Mount, $"mount \"cgroup\" on \"/{target}\"", a: plan.Str(b.Source), b: plan.Str(target),
                    c: plan.Str("cgroup"), d: (long)flags, e: plan.Str(b.FsData));
                foreach (var alias in b.Aliases)
                    plan.Add(OpCode.Symlink, $"symlink \"/{rel}/{alias}\"", plan.Str(rel + "/" + alias), plan.Str(b.Name));
                continue;
            }
            var mf = MountOpFlags.Bind | ((flags & ~(K.MS_BIND | K.MS_REC)) != 0 ? MountOpFlags.Remount : 0);
            plan.Add(OpCode.Mount, $"mount \"{b.HostDir}\" on \"/{target}\"", a: plan.Str(b.HostDir), b: plan.Str(target),
                d: (long)(flags | K.MS_BIND | K.MS_REC), flags: (int)mf);
            foreach (var alias in b.Aliases)
                plan.Add(OpCode.Symlink, $"symlink \"/{rel}/{alias}\"", plan.Str(rel + "/" + alias), plan.Str(b.Name));
        }
        // Like runc, the tmpfs itself stays writable; the hierarchies bound on it carry the config's flags.
    }

    private static readonly (string Name, uint Major, uint Minor)[] DefaultDevices =
    [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
    ];

    /// <summary>runc's default devices (unless /dev is a bind mount), the config's devices and the /dev links.</summary>
    public static void AddDevices(PlanBuilder plan, Spec spec, LaunchOptions o)
    {
        bool devIsBind = (spec.Mounts ?? []).Exists(m => Normalize(m.Destination) == "/dev" &&
            (m.Type == "bind" || MountOptions.Parse(m.Options).IsBind));
        if (devIsBind) return;
        var configured = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in spec.Linux?.Devices ?? []) configured.Add(Normalize(d.Path));
        foreach (var (name, major, minor) in DefaultDevices)
        {
            if (configured.Contains("/dev/" + name)) continue;
            AddNode(plan, "/dev/" + name, StatBuf.S_IFCHR | 0x1b6, major, minor, 0, 0, o.BindDevices);
        }
        foreach (var d in spec.Linux?.Devices ?? [])
        {
            uint type = d.Type switch
            {
                "c" or "u" => StatBuf.S_IFCHR,
                "b" => StatBuf.S_IFBLK,
                "p" => StatBuf.S_IFIFO,
                _ => throw new SpecException($"config.json: linux.devices: \"{d.Path}\": unknown device type \"{d.Type}\""),
            };
            uint mode = type | ((d.FileMode ?? 0x1b6) & 0xfff);
            AddNode(plan, Normalize(d.Path), mode, (uint)d.Major, (uint)d.Minor, d.Uid ?? 0, d.Gid ?? 0, o.BindDevices);
        }
        foreach (var (link, target) in new[] { ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2") })
            plan.Add(OpCode.Symlink, $"symlink \"/dev/{link}\"", plan.Str("dev/" + link), plan.Str(target));
        if (o.HostHasKcore)
            plan.Add(OpCode.Symlink, "symlink \"/dev/core\"", plan.Str("dev/core"), plan.Str("/proc/kcore"));
        // /dev/ptmx must be the container's devpts multiplexer, not the host's.
        bool hasDevpts = (spec.Mounts ?? []).Exists(m => m.Type == "devpts");
        if (hasDevpts) plan.Add(OpCode.Symlink, "symlink \"/dev/ptmx\"", plan.Str("dev/ptmx"), plan.Str("pts/ptmx"));
    }

    private static void AddNode(PlanBuilder plan, string path, uint mode, uint major, uint minor, uint uid, uint gid, bool bind)
    {
        string rel = path.TrimStart('/');
        plan.Add(OpCode.Mknod, $"create device \"{path}\"", plan.Str(rel), mode, (long)StatBuf.Makedev(major, minor), uid, gid,
            f: bind ? plan.Str(path) : 0, flags: bind ? 1 : 0);
    }
}
