using Runc.Cgroups.Fs;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Cgroups.V1;

/// <summary>cpu (CFS and RT) and cpuset controllers (v1).</summary>
public static class V1Cpu
{
    public static void Apply(string dir, LinuxCpu c)
    {
        if (c.Shares is ulong shares && shares != 0)
        {
            CgroupFile.Write(dir, "cpu.shares", shares.ToString());
            // The kernel clamps silently; read back and say so, as runc does.
            ulong read = CgroupFile.ReadUInt64(dir, "cpu.shares");
            if (shares > read) throw new RuncException("the maximum allowed cpu-shares is " + read);
            if (shares < read) throw new RuncException("the minimum allowed cpu-shares is " + read);
        }
        string? pendingPeriod = null;
        if (c.Period is ulong period && period != 0)
        {
            try { CgroupFile.Write(dir, "cpu.cfs_period_us", period.ToString()); }
            catch (SyscallException e) when (e.Errno == Errno.EINVAL && (c.Quota ?? 0) != 0)
            {
                // A smaller period can be refused until the quota is lowered too: retry after the quota.
                pendingPeriod = period.ToString();
            }
        }
        if (c.Quota is long quota && quota != 0)
        {
            CgroupFile.Write(dir, "cpu.cfs_quota_us", quota.ToString());
            if (pendingPeriod != null) CgroupFile.Write(dir, "cpu.cfs_period_us", pendingPeriod);
        }
        if (c.Burst is ulong burst) CgroupFile.Write(dir, "cpu.cfs_burst_us", burst.ToString());
        if (c.Idle is long idle) CgroupFile.Write(dir, "cpu.idle", idle.ToString());
        ApplyRealtime(dir, c);
    }

    /// <summary>RT runtime must be in place before an RT task joins, so the manager also calls this early.</summary>
    public static void ApplyRealtime(string dir, LinuxCpu c)
    {
        if (c.RealtimePeriod is ulong p && p != 0) CgroupFile.Write(dir, "cpu.rt_period_us", p.ToString());
        if (c.RealtimeRuntime is long r && r != 0) CgroupFile.Write(dir, "cpu.rt_runtime_us", r.ToString());
    }

    public static void ApplyCpuset(string dir, LinuxCpu c)
    {
        if (!string.IsNullOrEmpty(c.Cpus)) CgroupFile.Write(dir, "cpuset.cpus", c.Cpus);
        if (!string.IsNullOrEmpty(c.Mems)) CgroupFile.Write(dir, "cpuset.mems", c.Mems);
    }

    /// <summary>
    /// A new v1 cpuset starts with empty cpus/mems and then refuses tasks (ENOSPC): copy them down from the
    /// parent for every directory between the hierarchy root and dir.
    /// </summary>
    public static void InitCpusetChain(string mountPoint, string dir)
    {
        string rel = dir.Length > mountPoint.Length ? dir[mountPoint.Length..].Trim('/') : "";
        string parent = mountPoint;
        foreach (string part in rel.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string current = parent + "/" + part;
            foreach (string file in (string[])["cpuset.cpus", "cpuset.mems"])
            {
                string? mine = CgroupFile.TryRead(current, file);
                if (mine == null || mine.Trim().Length > 0) continue;
                string? theirs = CgroupFile.TryRead(parent, file);
                if (!string.IsNullOrWhiteSpace(theirs)) CgroupFile.Write(current, file, theirs.Trim());
            }
            parent = current;
        }
    }
}
