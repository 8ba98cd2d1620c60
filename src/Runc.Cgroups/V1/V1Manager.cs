using Runc.Cgroups.Devices;
using Runc.Cgroups.Fs;
using Runc.Cgroups.Layout;
using Runc.Cgroups.Stats;
using Runc.Cgroups.V2;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Cgroups.V1;

/// <summary>
/// cgroup v1 (and hybrid: v1 controllers plus a cgroup2 directory under key "" that is only joined,
/// used for cgroup.kill, and removed, as runc 1.1 does).
/// </summary>
public sealed class V1Manager : ICgroupManager
{
    private readonly Dictionary<string, string> _paths;
    private readonly IReadOnlyDictionary<string, string> _mountPoints;
    private readonly bool _rootless;
    private readonly bool _hybrid;
    /// <summary>Listed on first GetStats: only `events` needs them.</summary>
    private IReadOnlyList<string>? _hugePageSizes;

    /// <param name="paths">controller → directory ("" = the hybrid cgroup2 directory).</param>
    /// <param name="mountPoints">controller → hierarchy mount point (for the cpuset parent chain); may be empty after Load.</param>
    public V1Manager(Dictionary<string, string> paths, IReadOnlyDictionary<string, string> mountPoints, bool rootless,
        IReadOnlyList<string>? hugePageSizes = null)
    {
        _paths = paths;
        _mountPoints = mountPoints;
        _rootless = rootless;
        _hybrid = paths.ContainsKey(""); // before a rootless Create drops a directory it could not make
        _hugePageSizes = hugePageSizes;
    }

    public CgroupMode Mode => _hybrid ? CgroupMode.Hybrid : CgroupMode.V1;
    public IReadOnlyDictionary<string, string> Paths => _paths;

    /// <summary>Directories, one per hierarchy (co-mounted controllers share one), in a stable order.</summary>
    private List<string> Dirs
    {
        get
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var dirs = new List<string>(_paths.Count);
            foreach (string dir in _paths.Values)
                if (seen.Add(dir)) dirs.Add(dir);
            return dirs;
        }
    }

    public void Create()
    {
        if (_paths.TryGetValue("freezer", out string? freezer) && V1Freezer.State(freezer) == FreezerState.Frozen)
            throw new RuncException("container's cgroup unexpectedly frozen: \"" + freezer + "\"");
        var created = new List<string>();
        try
        {
            foreach (var (controller, dir) in new List<KeyValuePair<string, string>>(_paths))
            {
                try { created.AddRange(CgroupFile.MkdirAll(dir)); }
                catch (SyscallException e) when (_rootless && e.Errno is Errno.EACCES or Errno.EPERM or Errno.EROFS)
                {
                    // Rootless without a delegated hierarchy: run without this controller (runc does the same).
                    _paths.Remove(controller);
                    continue;
                }
                if (controller == "cpuset" && _mountPoints.TryGetValue("cpuset", out string? mnt))
                    V1Cpu.InitCpusetChain(mnt, dir);
            }
        }
        catch
        {
            for (int i = created.Count - 1; i >= 0; i--) Interop.Libc.Rmdir(created[i]);
            throw;
        }
    }

    /// <summary>runc's systemd joinCgroups: make each hierarchy's directory (cpuset initialised from its parent) and
    /// move <paramref name="pid"/> in, except the hierarchies systemd itself placed it in (<paramref name="skip"/>).</summary>
    public void CreateAndJoin(int pid, IReadOnlySet<string> skip)
    {
        foreach (var (controller, dir) in _paths)
        {
            if (skip.Contains(controller)) continue;
            CgroupFile.MkdirAll(dir);
            if (controller == "cpuset" && _mountPoints.TryGetValue("cpuset", out string? mnt)) V1Cpu.InitCpusetChain(mnt, dir);
            CgroupFile.Write(dir, "cgroup.procs", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public void AddProcess(int pid)
    {
        foreach (string dir in Dirs)
        {
            try { CgroupFile.Write(dir, "cgroup.procs", pid.ToString()); }
            catch (SyscallException e) when (_rootless && e.Errno is Errno.EACCES or Errno.EPERM) { }
        }
    }

    public void Apply(LinuxResources r)
    {
        // runc refuses unified keys on v1; on a hybrid host the keys of controllers the cgroup2 hierarchy hosts
        // (CgroupManager.Validate lets only those through) go to the cgroup2 directory, after everything else.
        if (r.Unified is { Count: > 0 } && !_hybrid)
            throw new RuncException("invalid configuration: cannot use unified on cgroup v1");
        // Writers run in runc's subsystem order; a requested resource without its hierarchy is an error.
        if (r.Cpu is { } cpu)
        {
            if (HasCpuset(cpu)) V1Cpu.ApplyCpuset(Need("cpuset"), cpu);
            if (HasCfs(cpu)) V1Cpu.Apply(Need("cpu"), cpu);
        }
        if (r.Devices != null && !_rootless)
        {
            var rules = r.Devices.ConvertAll(DeviceRule.FromOci);
            V1Devices.Apply(Need("devices"), rules);
        }
        if (r.Memory is { } mem) V1Memory.Apply(Need("memory"), mem);
        if (r.Pids is { } pids && pids.Limit != 0) V1Misc.ApplyPids(Need("pids"), pids);
        if (r.BlockIo is { } bio && HasBlkio(bio)) V1Misc.ApplyBlkio(Need("blkio"), bio);
        if (r.HugepageLimits is { Count: > 0 } huge)
        {
            if (_paths.TryGetValue("hugetlb", out string? hugetlb)) V1Misc.ApplyHugetlb(hugetlb, huge);
            else foreach (var h in huge) CgroupFile.Write(UnifiedFor("hugetlb"), "hugetlb." + h.Pagesize + ".max", h.Limit.ToString());
        }
        if (r.Network is { } net)
        {
            if ((net.ClassId ?? 0) != 0) V1Misc.ApplyNetCls(Need("net_cls"), net);
            if (net.Priorities is { Count: > 0 }) V1Misc.ApplyNetPrio(Need("net_prio"), net);
        }
        if (r.Rdma is { Count: > 0 } rdma) V1Misc.ApplyRdma(Need("rdma"), rdma);
        if (r.Unified is { Count: > 0 } unified)
        {
            foreach (string key in unified.Keys)
            {
                V2Resources.ValidateUnifiedKey(key);
                UnifiedFor(key[..key.IndexOf('.')]);
            }
            string dir = UnifiedFor("cgroup");
            V2Resources.ApplyUnified(dir, unified, UnifiedControllers(dir));
        }
    }

    /// <summary>
    /// Hybrid: the cgroup2 directory, for a controller that has no v1 hierarchy here but is hosted by cgroup2
    /// (hugetlb on some hosts; "cgroup" = the core files). The controller is enabled top-down in the ancestors'
    /// cgroup.subtree_control where it is available and not yet on; ancestors we may not write (rootless: above
    /// the delegated subtree) are left as they are, and a controller that still is not there is runc's error.
    /// </summary>
    private string UnifiedFor(string controller)
    {
        if (!_paths.TryGetValue("", out string? dir) || !Directory.Exists(dir))
            throw new RuncException("cannot set " + controller + " limit: container could not join or create cgroup");
        if (controller == "cgroup" || UnifiedControllers(dir).Contains(controller)) return dir;
        var chain = new List<string>();
        for (string? p = Path.GetDirectoryName(dir); p != null && CgroupFile.Exists(p, "cgroup.controllers"); p = Path.GetDirectoryName(p))
            chain.Add(p);
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            if (!UnifiedControllers(chain[i]).Contains(controller)) continue;
            string on = CgroupFile.TryRead(chain[i], "cgroup.subtree_control") ?? "";
            if (on.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Contains(controller)) continue;
            try { CgroupFile.Write(chain[i], "cgroup.subtree_control", "+" + controller); }
            catch (SyscallException e) when (e.Errno is Errno.EACCES or Errno.EPERM or Errno.EROFS or Errno.EBUSY) { }
        }
        return UnifiedControllers(dir).Contains(controller) ? dir
            : throw new RuncException("cannot set " + controller + " limit: container could not join or create cgroup");
    }

    private static string[] UnifiedControllers(string dir) =>
        (CgroupFile.TryRead(dir, "cgroup.controllers") ?? "").Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Applies a device rule list already expanded by the caller (spec rules + defaults + nodes).</summary>
    public void ApplyDevices(IReadOnlyList<DeviceRule> rules)
    {
        if (!_rootless) V1Devices.Apply(Need("devices"), rules);
    }

    private static bool HasCpuset(LinuxCpu c) => !string.IsNullOrEmpty(c.Cpus) || !string.IsNullOrEmpty(c.Mems);

    private static bool HasCfs(LinuxCpu c) =>
        (c.Shares ?? 0) != 0 || (c.Quota ?? 0) != 0 || (c.Period ?? 0) != 0 || c.Burst != null || c.Idle != null ||
        (c.RealtimePeriod ?? 0) != 0 || (c.RealtimeRuntime ?? 0) != 0;

    private static bool HasBlkio(LinuxBlockIo b) =>
        (b.Weight ?? 0) != 0 || (b.LeafWeight ?? 0) != 0 || b.WeightDevice is { Count: > 0 } ||
        b.ThrottleReadBpsDevice is { Count: > 0 } || b.ThrottleWriteBpsDevice is { Count: > 0 } ||
        b.ThrottleReadIopsDevice is { Count: > 0 } || b.ThrottleWriteIopsDevice is { Count: > 0 };

    private string Need(string controller) =>
        _paths.TryGetValue(controller, out string? dir) ? dir
            : throw new RuncException("cannot set " + controller + " limit: container could not join or create cgroup");

    public bool Exists() => Dirs.Exists(Directory.Exists);

    /// <summary>runc reads the devices hierarchy; any joined hierarchy lists the same processes.</summary>
    public IReadOnlyList<int> GetPids()
    {
        foreach (string c in (string[])["devices", "freezer", "pids", "memory", "cpu"])
            if (_paths.TryGetValue(c, out string? dir) && Directory.Exists(dir)) return CgroupTree.GetPidsRecursive(dir);
        string? any = Dirs.Find(Directory.Exists);
        return any == null ? [] : CgroupTree.GetPidsRecursive(any);
    }

    public void Freeze()
    {
        if (V2FreezeDir is { } u) V2Freezer.Set(u, true);
        else V1Freezer.Freeze(NeedFreezer());
    }

    public void Thaw()
    {
        if (V2FreezeDir is { } u) V2Freezer.Set(u, false);
        else V1Freezer.Thaw(NeedFreezer());
    }

    public FreezerState GetFreezerState() =>
        _paths.TryGetValue("freezer", out string? dir) ? V1Freezer.State(dir)
            : V2FreezeDir is { } u ? V2Freezer.State(u) : FreezerState.Undefined;

    /// <summary>
    /// Hybrid without a v1 freezer cgroup of our own (rootless: only the delegated cgroup2 directory could be
    /// made): cgroup2's core cgroup.freeze freezes the same processes.
    /// </summary>
    private string? V2FreezeDir =>
        !_paths.ContainsKey("freezer") && _paths.TryGetValue("", out string? u) && CgroupFile.Exists(u, "cgroup.freeze") ? u : null;

    private string NeedFreezer() =>
        _paths.TryGetValue("freezer", out string? dir) ? dir : throw new RuncException("cgroup freezer is not available");

    public void Signal(int signal)
    {
        // Hybrid hosts have cgroup.kill in the cgroup2 directory every process also joined: atomic, no races with fork.
        if (signal == Interop.Libc.SIGKILL && _paths.TryGetValue("", out string? unified) && CgroupFile.Exists(unified, "cgroup.kill"))
        {
            CgroupFile.Write(unified, "cgroup.kill", "1");
            return;
        }
        // Otherwise freeze so nobody forks while we walk the list, signal everyone, thaw (runc 1.1).
        bool canFreeze = _paths.ContainsKey("freezer") || V2FreezeDir != null;
        if (canFreeze) Freeze();
        try
        {
            foreach (int pid in GetPids())
                if (Interop.Libc.Kill(pid, signal) != 0 && Errno.Last != Errno.ESRCH)
                    throw SyscallException.Last("kill " + pid);
        }
        finally
        {
            if (canFreeze) Thaw();
        }
    }

    public void Destroy()
    {
        if (Exists() && GetPids().Count > 0)
        {
            Signal(Interop.Libc.SIGKILL);
            WaitEmpty();
        }
        RuncException? first = null;
        foreach (string dir in Dirs)
        {
            try { CgroupTree.Remove(dir); }
            catch (RuncException e) { first ??= e; }
        }
        if (first != null) throw first;
    }

    private void WaitEmpty()
    {
        for (int i = 0; i < 100 && GetPids().Count > 0; i++) Thread.Sleep(10);
    }

    public CgroupStats GetStats() => V1StatsReader.Read(_paths, _hugePageSizes ??= StatsParsing.HugePageSizes());

    /// <summary>Rootless: null, the parent's AddProcess skips hierarchies it may not write (as runc).</summary>
    public CgroupJoin? OpenJoin() => _rootless ? null : CgroupJoin.Open(_paths);

    public OomMonitor? OpenOomMonitor() =>
        _paths.TryGetValue("memory", out string? mem) ? OomMonitor.OpenV1(mem) : null;
}
