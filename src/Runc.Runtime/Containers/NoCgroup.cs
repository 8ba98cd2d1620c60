using Runc.Cgroups;
using Runc.Cgroups.Layout;
using Runc.Cgroups.Stats;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Runtime.Containers;

/// <summary>
/// A rootless container without a cgroup of its own: cgroup v2 without a delegated subtree, no cgroupsPath and no
/// limits. runc's fs2 manager returns success from Apply in exactly that case (the init stays in the caller's
/// cgroup); this stands in for the manager so that nothing is written anywhere. No paths are saved in the state.
/// </summary>
public sealed class NoCgroup(CgroupMode mode) : ICgroupManager
{
    public CgroupMode Mode => mode;
    public IReadOnlyDictionary<string, string> Paths { get; } = new Dictionary<string, string>();
    public void Create() { }
    public void AddProcess(int pid) { }
    public void Apply(LinuxResources resources) { }
    public void ApplyDevices(IReadOnlyList<Runc.Cgroups.Devices.DeviceRule> rules) { }
    public bool Exists() => false;
    public IReadOnlyList<int> GetPids() => [];
    public void Freeze() => throw new RuncException("container has no cgroup (rootless without cgroup delegation): cannot freeze");
    public void Thaw() => throw new RuncException("container has no cgroup (rootless without cgroup delegation): cannot thaw");
    public FreezerState GetFreezerState() => FreezerState.Undefined;
    public void Signal(int signal) { }
    public void Destroy() { }
    public CgroupStats GetStats() => new();
    public CgroupJoin? OpenJoin() => null;
    public OomMonitor? OpenOomMonitor() => null;

    /// <summary>
    /// runc@v1.1.5 fs2 Apply: a rootless create whose cgroup cannot be made goes on without one when it has no
    /// cgroupsPath and asks for no controller; otherwise it fails with runc's sentence.
    /// </summary>
    public static bool CanGoWithout(SyscallException e, bool rootless, CgroupLayout layout, Runc.Oci.Linux linux)
    {
        if (!rootless || layout.Mode != CgroupMode.Unified || e.Errno is not (Errno.EACCES or Errno.EPERM or Errno.EROFS)) return false;
        if (string.IsNullOrEmpty(linux.CgroupsPath) && !NeedsControllers(linux.Resources)) return true;
        throw new RuncException("rootless needs no limits + no cgrouppath when no permission is granted for cgroups: " + e.Message, e);
    }

    private static bool NeedsControllers(LinuxResources? r) =>
        r is not null && (r.Memory is not null || r.Cpu is not null || r.Pids is { Limit: not 0 } || r.BlockIo is not null ||
            r.HugepageLimits is { Count: > 0 } || r.Rdma is { Count: > 0 } || r.Unified is { Count: > 0 } ||
            r.Network is not null);
}
