using Runc.Cgroups.Fs;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Cgroups.V1;

/// <summary>memory controller (v1) with runc's rules for ordering memory and memory+swap writes.</summary>
public static class V1Memory
{
    private const string Limit = "memory.limit_in_bytes", SwapLimit = "memory.memsw.limit_in_bytes";

    public static void Apply(string dir, LinuxMemory m)
    {
        long memory = m.Limit ?? 0, swap = m.Swap ?? 0;
        if (m.CheckBeforeUpdate == true && memory > 0)
        {
            ulong usage = CgroupFile.ReadUInt64(dir, "memory.usage_in_bytes");
            if ((ulong)memory < usage)
                throw new RuncException("rejecting memory limit " + memory + " below current usage " + usage);
        }
        // Unlimited memory with swap not given means unlimited swap too (when the kernel has swap accounting).
        if (memory == -1 && swap == 0 && CgroupFile.Exists(dir, SwapLimit)) swap = -1;

        // The kernel wants memory <= memsw at every moment: when raising, write memsw first.
        bool swapFirst = false;
        if (memory != 0 && swap != 0)
        {
            ulong current = CgroupFile.ReadUInt64(dir, Limit);
            swapFirst = swap == -1 || current < (ulong)swap;
        }
        if (swapFirst) { WriteSwap(dir, swap); WriteMemory(dir, memory); }
        else { WriteMemory(dir, memory); WriteSwap(dir, swap); }

        if (m.Reservation is long r && r != 0) CgroupFile.Write(dir, "memory.soft_limit_in_bytes", r.ToString());
        // Kernel memory limits are deprecated (kernel 5.4+) and ignored, as runc 1.1 does; TCP still works.
        if (m.KernelTcp is long tcp && tcp != 0 && CgroupFile.Exists(dir, "memory.kmem.tcp.limit_in_bytes"))
            CgroupFile.Write(dir, "memory.kmem.tcp.limit_in_bytes", tcp.ToString());
        if (m.DisableOomKiller == true) CgroupFile.Write(dir, "memory.oom_control", "1");
        if (m.UseHierarchy is bool h && CgroupFile.Exists(dir, "memory.use_hierarchy"))
            CgroupFile.Write(dir, "memory.use_hierarchy", h ? "1" : "0");
        if (m.Swappiness is ulong sw && sw != ulong.MaxValue) // runc treats -1 (as uint64) as "unset"
        {
            if (sw > 100) throw new RuncException("invalid memory swappiness value: " + sw + " (valid range is 0-100)");
            CgroupFile.Write(dir, "memory.swappiness", sw.ToString());
        }
    }

    private static void WriteMemory(string dir, long value)
    {
        if (value == 0) return;
        try { CgroupFile.Write(dir, Limit, value.ToString()); }
        catch (SyscallException e) when (e.Errno == Errno.EBUSY)
        {
            // EBUSY: the new limit is below what the cgroup already uses.
            ulong usage = CgroupFile.ReadUInt64(dir, "memory.usage_in_bytes");
            ulong peak = CgroupFile.ReadUInt64(dir, "memory.max_usage_in_bytes");
            throw new RuncException("unable to set memory limit to " + value + " (current usage: " + usage + ", peak usage: " + peak + ")");
        }
    }

    private static void WriteSwap(string dir, long value)
    {
        if (value != 0) CgroupFile.Write(dir, SwapLimit, value.ToString());
    }
}
