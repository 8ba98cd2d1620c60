using Runc.Linux;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Plan;

/// <summary>The child's own entry into v1 cgroups (Runc.Cgroups.CgroupJoin), first in every plan: before the
/// cgroup namespace is made (its root is the cgroup we are in) and before any work that the limits should cover.</summary>
public static class CgroupPlanner
{
    public static void AddJoins(PlanBuilder plan, IReadOnlyList<(SafeFd Fd, string Dir)> tasks)
    {
        foreach (var (fd, dir) in tasks) plan.Add(OpCode.JoinCgroup, $"unable to apply cgroup configuration: write {Runc.Cgroups.Fs.CgroupFile.Join(dir, "tasks")}", fd.Fd);
    }
}
