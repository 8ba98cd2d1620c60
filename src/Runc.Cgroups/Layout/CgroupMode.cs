namespace Runc.Cgroups.Layout;

/// <summary>How the host mounts cgroups.</summary>
public enum CgroupMode
{
    /// <summary>Only cgroup v1 hierarchies (a cgroup2 mount, if any, is not used).</summary>
    V1,
    /// <summary>v1 controller hierarchies plus a cgroup2 mount (usually /sys/fs/cgroup/unified) without the main controllers.</summary>
    Hybrid,
    /// <summary>Pure cgroup v2 at one mount point.</summary>
    Unified,
}
