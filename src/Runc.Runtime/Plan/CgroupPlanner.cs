using Runc.Linux;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Plan;

/// <summary>The child's own entry into v1 cgroups (Runc.Cgroups.CgroupJoin), first in every plan: before the
/// cgroup namespace is made (its root is the cgroup we are in) and before any work that the limits should cover.</summary>
public static class CgroupPlanner
{
    /// <param name="cloneIntoFd">The cgroup2 directory fd clone3 used (CLONE_INTO_CGROUP), or -1: the child's copy is
    /// closed at once, so that no host directory fd sits in a parked init (CVE-2024-21626's class).</param>
    public static void AddJoins(PlanBuilder plan, IReadOnlyList<(SafeFd Fd, string Dir)> tasks, int cloneIntoFd)
    {
        if (cloneIntoFd >= 0) plan.Add(OpCode.CloseFd, "close the cgroup directory", cloneIntoFd);
        foreach (var (fd, dir) in tasks) plan.Add(OpCode.JoinCgroup, $"unable to apply cgroup configuration: write {Runc.Cgroups.Fs.CgroupFile.Join(dir, "tasks")}", fd.Fd);
    }
}
