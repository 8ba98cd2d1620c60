using System.Runtime.InteropServices;
using Runc.Oci;
using Runc.Runtime.Launch;

namespace Runc.Runtime.Plan;

/// <summary>The rarer process and linux fields: personality, scheduler, I/O priority, CPU affinity, memory policy.</summary>
public static class ExtrasPlanner
{
    public static void Add(PlanBuilder plan, Spec spec)
    {
        var process = spec.Process!;
        if (spec.Linux?.Personality is { } pers)
        {
            long persona = pers.Domain switch
            {
                "LINUX" => 0,
                "LINUX32" => 8,
                _ => throw new SpecException($"config.json: linux.personality.domain: unknown domain \"{pers.Domain}\""),
            };
            plan.Add(OpCode.Personality, $"personality {pers.Domain}", persona);
        }
        if (process.Scheduler is { } s) AddScheduler(plan, s);
        if (process.IoPriority is { } io)
        {
            long cls = io.Class switch
            {
                "IOPRIO_CLASS_RT" => 1,
                "IOPRIO_CLASS_BE" => 2,
                "IOPRIO_CLASS_IDLE" => 3,
                _ => throw new SpecException($"config.json: process.ioPriority.class: unknown class \"{io.Class}\""),
            };
            plan.Add(OpCode.IoprioSet, $"ioprio_set {io.Class} {io.Priority}", (cls << 13) | (long)(io.Priority & 0x1fff));
        }
        if (spec.Linux?.MemoryPolicy is { } mp) AddMempolicy(plan, mp);
    }

    private static void AddScheduler(PlanBuilder plan, LinuxScheduler s)
    {
        uint policy = s.Policy switch
        {
            "SCHED_OTHER" => 0, "SCHED_FIFO" => 1, "SCHED_RR" => 2, "SCHED_BATCH" => 3, "SCHED_IDLE" => 5, "SCHED_DEADLINE" => 6,
            _ => throw new SpecException($"config.json: process.scheduler.policy: unknown policy \"{s.Policy}\""),
        };
        ulong flags = 0;
        foreach (var f in s.Flags ?? [])
            flags |= f switch
            {
                "SCHED_FLAG_RESET_ON_FORK" => 1UL, "SCHED_FLAG_RECLAIM" => 2UL, "SCHED_FLAG_DL_OVERRUN" => 4UL,
                "SCHED_FLAG_KEEP_POLICY" => 8UL, "SCHED_FLAG_KEEP_PARAMS" => 16UL, "SCHED_FLAG_UTIL_CLAMP_MIN" => 32UL,
                "SCHED_FLAG_UTIL_CLAMP_MAX" => 64UL,
                _ => throw new SpecException($"config.json: process.scheduler.flags: unknown flag \"{f}\""),
            };
        // struct sched_attr (SCHED_ATTR_SIZE_VER0 = 48 bytes)
        var attr = new byte[48];
        var span = attr.AsSpan();
        BitConverter.TryWriteBytes(span[0..], 48u);
        BitConverter.TryWriteBytes(span[4..], policy);
        BitConverter.TryWriteBytes(span[8..], flags);
        BitConverter.TryWriteBytes(span[16..], s.Nice);
        BitConverter.TryWriteBytes(span[20..], (uint)s.Priority);
        BitConverter.TryWriteBytes(span[24..], s.Runtime);
        BitConverter.TryWriteBytes(span[32..], s.Deadline);
        BitConverter.TryWriteBytes(span[40..], s.Period);
        plan.Add(OpCode.SchedSetattr, $"sched_setattr {s.Policy}", plan.Blob(attr));
    }

    /// <summary>A cpu_set_t for 1024 CPUs from the kernel's list format.</summary>
    public static ulong[] AffinityMask(string cpus, string which)
    {
        var mask = new ulong[16];
        foreach (int cpu in ParseList(cpus, $"process.execCPUAffinity.{which}"))
        {
            if (cpu >= 1024) throw new SpecException($"config.json: process.execCPUAffinity.{which}: cpu {cpu} out of range");
            mask[cpu / 64] |= 1UL << (cpu % 64);
        }
        return mask;
    }

    private static void AddMempolicy(PlanBuilder plan, LinuxMemoryPolicy mp)
    {
        long mode = mp.Mode switch
        {
            "MPOL_DEFAULT" => 0, "MPOL_PREFERRED" => 1, "MPOL_BIND" => 2, "MPOL_INTERLEAVE" => 3, "MPOL_LOCAL" => 4,
            "MPOL_PREFERRED_MANY" => 5, "MPOL_WEIGHTED_INTERLEAVE" => 6,
            _ => throw new SpecException($"config.json: linux.memoryPolicy.mode: unknown mode \"{mp.Mode}\""),
        };
        foreach (var f in mp.Flags ?? [])
            mode |= f switch
            {
                "MPOL_F_NUMA_BALANCING" => 1L << 13, "MPOL_F_RELATIVE_NODES" => 1L << 14, "MPOL_F_STATIC_NODES" => 1L << 15,
                _ => throw new SpecException($"config.json: linux.memoryPolicy.flags: unknown flag \"{f}\""),
            };
        var mask = new ulong[16];
        foreach (int node in ParseList(mp.Nodes ?? "", "linux.memoryPolicy.nodes")) mask[node / 64 % 16] |= 1UL << (node % 64);
        plan.Add(OpCode.Mempolicy, $"set_mempolicy {mp.Mode}", mode, plan.Blob(MemoryMarshal.AsBytes(mask.AsSpan())), 1024);
    }

    /// <summary>"0-3,7" → 0,1,2,3,7 (the kernel's list format).</summary>
    public static IEnumerable<int> ParseList(string list, string where)
    {
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            if (!int.TryParse(range[0], out int lo) || lo < 0 || (range.Length == 2 && !int.TryParse(range[1], out _)) || range.Length > 2)
                throw new SpecException($"config.json: {where}: invalid list \"{list}\"");
            int hi = range.Length == 2 ? int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture) : lo;
            for (int i = lo; i <= hi; i++) yield return i;
        }
    }
}
