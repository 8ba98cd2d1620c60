using Runc.Cgroups.Devices;
using Runc.Cgroups.Fs;
using Runc.Cgroups.Layout;
using Runc.Cgroups.Stats;
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
    private readonly IReadOnlyList<string> _hugePageSizes;

    /// <param name="paths">controller → directory ("" = the hybrid cgroup2 directory).</param>
    /// <param name="mountPoints">controller → hierarchy mount point (for the cpuset parent chain); may be empty after Load.</param>
    public V1Manager(Dictionary<string, string> paths, IReadOnlyDictionary<string, string> mountPoints, bool rootless,
        IReadOnlyList<string>? hugePageSizes = null)
    {
        _paths = paths;
        _mountPoints = mountPoints;
        _rootless = rootless;
        _hugePageSizes = hugePageSizes ?? StatsParsing.HugePageSizes();
    }

    public CgroupMode Mode => _paths.ContainsKey("") ? CgroupMode.Hybrid : CgroupMode.V1;
    public IReadOnlyDictionary<string, string> Paths => _paths;

    /// <summary>Directories, one per hierarchy (co-mounted controllers share one), in a stable order.</summary>
    private IEnumerable<string> Dirs => _paths.Values.Distinct(StringComparer.Ordinal);

    public void Create()
    {
        if (_paths.TryGetValue("freezer", out string? freezer) && V1Freezer.State(freezer) == FreezerState.Frozen)
            throw new RuncException("container's cgroup unexpectedly frozen: \"" + freezer + "\"");
        var created = new List<string>();
        try
        {
            foreach (var (controller, dir) in _paths.ToList())
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
        if (r.Unified is { Count: > 0 })
            throw new RuncException("invalid configuration: cannot use unified on cgroup v1");
        // Writers run in runc's subsystem order; a requested resource without its hierarchy is an error.
        if (r.Cpu is { } cpu)
        {
            if (HasCpuset(cpu)) V1Cpu.ApplyCpuset(Need("cpuset"), cpu);
            if (HasCfs(cpu)) V1Cpu.Apply(Need("cpu"), cpu);
        }
        if (r.Devices != null && !_rootless)
        {
            var rules = r.Devices.Select(DeviceRule.FromOci).ToList();
            V1Devices.Apply(Need("devices"), rules);
        }
        if (r.Memory is { } mem) V1Memory.Apply(Need("memory"), mem);
        if (r.Pids is { } pids && pids.Limit != 0) V1Misc.ApplyPids(Need("pids"), pids);
        if (r.BlockIo is { } bio && HasBlkio(bio)) V1Misc.ApplyBlkio(Need("blkio"), bio);
        if (r.HugepageLimits is { Count: > 0 } huge) V1Misc.ApplyHugetlb(Need("hugetlb"), huge);
        if (r.Network is { } net)
        {
            if ((net.ClassId ?? 0) != 0) V1Misc.ApplyNetCls(Need("net_cls"), net);
            if (net.Priorities is { Count: > 0 }) V1Misc.ApplyNetPrio(Need("net_prio"), net);
        }
        if (r.Rdma is { Count: > 0 } rdma) V1Misc.ApplyRdma(Need("rdma"), rdma);
    }

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

    public bool Exists() => Dirs.Any(Directory.Exists);

    /// <summary>runc reads the devices hierarchy; any joined hierarchy lists the same processes.</summary>
    public IReadOnlyList<int> GetPids()
    {
        foreach (string c in (string[])["devices", "freezer", "pids", "memory", "cpu"])
            if (_paths.TryGetValue(c, out string? dir) && Directory.Exists(dir)) return CgroupTree.GetPidsRecursive(dir);
        string? any = Dirs.FirstOrDefault(Directory.Exists);
        return any == null ? [] : CgroupTree.GetPidsRecursive(any);
    }

    public void Freeze() => V1Freezer.Freeze(NeedFreezer());
    public void Thaw() => V1Freezer.Thaw(NeedFreezer());

    public FreezerState GetFreezerState() =>
        _paths.TryGetValue("freezer", out string? dir) ? V1Freezer.State(dir) : FreezerState.Undefined;

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
        bool canFreeze = _paths.ContainsKey("freezer");
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

    public CgroupStats GetStats() => V1StatsReader.Read(_paths, _hugePageSizes);

    public SafeFd? OpenV2DirFd() => null;

    public OomMonitor? OpenOomMonitor() =>
        _paths.TryGetValue("memory", out string? mem) ? OomMonitor.OpenV1(mem) : null;
}
