using Runc.Cgroups.Layout;
using Runc.Cgroups.Stats;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Cgroups;

/// <summary>What the freezer says about a cgroup.</summary>
public enum FreezerState { Undefined, Thawed, Frozen }

/// <summary>
/// One container's cgroup(s): on v1 one directory per hierarchy, on v2 one directory.
/// Methods never touch anything outside <see cref="Paths"/>.
/// </summary>
public interface ICgroupManager
{
    CgroupMode Mode { get; }

    /// <summary>Controller → absolute directory ("" = the cgroup2 directory), as runc saves <c>cgroup_paths</c>.
    /// Save it in the container state and rebuild with <see cref="CgroupManager.Load"/>.</summary>
    IReadOnlyDictionary<string, string> Paths { get; }

    /// <summary>Make every directory (v1: cpuset cpus/mems initialised from the parent; v2: controllers enabled
    /// in the ancestors). Refuses a pre-existing frozen cgroup.</summary>
    void Create();

    /// <summary>Move a process (all its threads) into every directory.</summary>
    void AddProcess(int pid);

    /// <summary>Write the resources; a null field means "leave unchanged" (create and <c>update</c>).</summary>
    void Apply(LinuxResources resources);

    /// <summary>Install a device policy (v1: devices.deny/allow; v2: an eBPF program replacing the old one).
    /// Pass the full list as runc builds it: <see cref="Devices.DefaultDevices.ForContainer"/>.
    /// <see cref="Apply"/> installs resources.Devices as given, without the defaults.</summary>
    void ApplyDevices(IReadOnlyList<Devices.DeviceRule> rules);

    /// <summary>Whether the container's cgroup directory still exists.</summary>
    bool Exists();

    /// <summary>Every pid in the cgroup and its sub-cgroups, sorted.</summary>
    IReadOnlyList<int> GetPids();

    void Freeze();
    void Thaw();
    FreezerState GetFreezerState();

    /// <summary>Signal every process (<c>kill --all</c>); SIGKILL uses cgroup.kill where the kernel has it.</summary>
    void Signal(int signal);

    /// <summary>Kill what is left, then remove the directories (retrying while the kernel says EBUSY).</summary>
    void Destroy();

    /// <summary>The numbers behind <c>events --stats</c>.</summary>
    CgroupStats GetStats();

    /// <summary>What a new process needs to enter the cgroup(s) by itself (<see cref="CgroupJoin"/>: no global cgroup
    /// lock, no RCU grace period); null when the parent must move it with <see cref="AddProcess"/> instead.</summary>
    CgroupJoin? OpenJoin();

    /// <summary>A source of OOM notifications for <c>events</c>; null when there is no memory controller.</summary>
    OomMonitor? OpenOomMonitor();
}
