using Runc.Cgroups.Fs;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Cgroups.V2;

/// <summary>Writes LinuxResources into one cgroup2 directory (runc fs2 order: pids, memory, io, cpu, cpuset, hugetlb, rdma, unified).</summary>
public static class V2Resources
{
    public static void Apply(string dir, LinuxResources r, IReadOnlyCollection<string> availableControllers)
    {
        if (r.Network is { } net && ((net.ClassId ?? 0) != 0 || net.Priorities is { Count: > 0 }))
            throw new RuncException("net_cls and net_prio are not supported on cgroup v2");
        if (r.Pids is { } pids && pids.Limit != 0)
            CgroupFile.Write(dir, "pids.max", pids.Limit > 0 ? pids.Limit.ToString() : "max");
        if (r.Memory is { } mem) ApplyMemory(dir, mem);
        if (r.BlockIo is { } io) ApplyIo(dir, io);
        if (r.Cpu is { } cpu) ApplyCpu(dir, cpu);
        foreach (var h in r.HugepageLimits ?? [])
            CgroupFile.Write(dir, "hugetlb." + h.Pagesize + ".max", h.Limit.ToString());
        if (r.Rdma is { Count: > 0 } rdma) V1.V1Misc.ApplyRdma(dir, rdma);
        if (r.Unified is { } unified) ApplyUnified(dir, unified, availableControllers);
    }

    public static void ApplyMemory(string dir, LinuxMemory m)
    {
        long memory = m.Limit ?? 0, swap = m.Swap ?? 0, reservation = m.Reservation ?? 0;
        if (m.CheckBeforeUpdate == true && memory > 0)
        {
            ulong usage = CgroupFile.ReadUInt64(dir, "memory.current");
            if ((ulong)memory < usage)
                throw new RuncException("rejecting memory limit " + memory + " below current usage " + usage);
        }
        if (memory == 0 && swap == 0 && reservation == 0) return;
        long v2Swap = V2Convert.SwapToV2(swap, memory);
        string? swapValue = V2Convert.NumberOrMax(v2Swap);
        if (swapValue == null && v2Swap == 0 && swap > 0) swapValue = "0"; // memory == memory+swap: no swap at all
        if (swapValue != null)
        {
            try { CgroupFile.Write(dir, "memory.swap.max", swapValue); }
            catch (SyscallException e) when (e.Errno == Errno.ENOENT && swapValue is "max" or "0")
            {
                // No swap accounting in this kernel: "unlimited" or "none" is already true.
            }
        }
        if (V2Convert.NumberOrMax(memory) is string max) CgroupFile.Write(dir, "memory.max", max);
        if (V2Convert.NumberOrMax(reservation) is string low) CgroupFile.Write(dir, "memory.low", low);
    }

    public static void ApplyIo(string dir, LinuxBlockIo b)
    {
        bool bfq = CgroupFile.Exists(dir, "io.bfq.weight");
        if (b.Weight is ushort w && w != 0)
        {
            if (bfq) CgroupFile.Write(dir, "io.bfq.weight", w.ToString());
            else CgroupFile.Write(dir, "io.weight", V2Convert.BlkioWeightToIoWeight(w).ToString());
        }
        if (bfq)
            foreach (var wd in b.WeightDevice ?? [])
                if (wd.Weight is ushort dw && dw != 0) CgroupFile.Write(dir, "io.bfq.weight", wd.Major + ":" + wd.Minor + " " + dw);
        Max(dir, "rbps", b.ThrottleReadBpsDevice);
        Max(dir, "wbps", b.ThrottleWriteBpsDevice);
        Max(dir, "riops", b.ThrottleReadIopsDevice);
        Max(dir, "wiops", b.ThrottleWriteIopsDevice);
    }

    private static void Max(string dir, string key, List<LinuxThrottleDevice>? list)
    {
        foreach (var t in list ?? []) CgroupFile.Write(dir, "io.max", t.Major + ":" + t.Minor + " " + key + "=" + t.Rate);
    }

    public static void ApplyCpu(string dir, LinuxCpu c)
    {
        ulong weight = V2Convert.CpuSharesToWeight(c.Shares ?? 0);
        if (weight != 0) CgroupFile.Write(dir, "cpu.weight", weight.ToString());
        if (c.Idle is long idle) CgroupFile.Write(dir, "cpu.idle", idle.ToString());
        long quota = c.Quota ?? 0;
        ulong period = c.Period ?? 0;
        if (quota != 0 || period != 0) CgroupFile.Write(dir, "cpu.max", V2Convert.CpuMax(quota, period));
        if (c.Burst is ulong burst) CgroupFile.Write(dir, "cpu.max.burst", burst.ToString());
        if ((c.RealtimePeriod ?? 0) != 0 || (c.RealtimeRuntime ?? 0) != 0)
            throw new RuncException("realtime cpu settings are not supported on cgroup v2");
        if (!string.IsNullOrEmpty(c.Cpus)) CgroupFile.Write(dir, "cpuset.cpus", c.Cpus);
        if (!string.IsNullOrEmpty(c.Mems)) CgroupFile.Write(dir, "cpuset.mems", c.Mems);
    }

    internal static bool HasController(IReadOnlyCollection<string> controllers, string controller)
    {
        foreach (string c in controllers)
            if (c == controller) return true;
        return false;
    }

    /// <summary>Keys are file names written verbatim; a missing file gets a message naming the controller.</summary>
    public static void ApplyUnified(string dir, Dictionary<string, string> unified, IReadOnlyCollection<string> controllers)
    {
        foreach (var (key, value) in unified)
        {
            ValidateUnifiedKey(key);
            try { CgroupFile.Write(dir, key, value); }
            catch (SyscallException e) when (e.Errno is Errno.ENOENT or Errno.EPERM or Errno.EACCES)
            {
                string controller = key[..key.IndexOf('.')];
                if (controller != "cgroup" && !HasController(controllers, controller))
                    throw new RuncException("unified resource \"" + key + "\" can't be set: controller \"" + controller + "\" not available");
                throw;
            }
        }
    }

    public static void ValidateUnifiedKey(string key)
    {
        if (key.Contains('/') || key is "." or "..")
            throw new RuncException("unified resource \"" + key + "\" must be a file name (no slashes)");
        int dot = key.IndexOf('.');
        if (dot <= 0 || dot == key.Length - 1)
            throw new RuncException("unified resource \"" + key + "\" must be in the form CONTROLLER.PARAMETER");
    }
}
