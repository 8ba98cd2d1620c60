using Runc.Cgroups.Fs;
using static Runc.Cgroups.Stats.StatsParsing;

namespace Runc.Cgroups.Stats;

/// <summary>Reads cgroup v1 controller files into <see cref="CgroupStats"/> like runc's fs manager.</summary>
public static class V1StatsReader
{
    /// <summary>USER_HZ: cpuacct.stat counts in clock ticks of 1/100 s.</summary>
    private const ulong NanosPerTick = 1_000_000_000 / 100;

    public static CgroupStats Read(IReadOnlyDictionary<string, string> paths, IReadOnlyList<string> hugePageSizes)
    {
        var s = new CgroupStats();
        if (paths.TryGetValue("cpu", out string? cpu)) ReadThrottling(cpu, s.Cpu);
        if (paths.TryGetValue("cpuacct", out string? acct)) ReadCpuacct(acct, s.Cpu);
        if (paths.TryGetValue("cpuset", out string? cpuset)) ReadCpuset(cpuset, s.Cpuset);
        if (paths.TryGetValue("memory", out string? mem)) ReadMemory(mem, s.Memory);
        if (paths.TryGetValue("pids", out string? pids))
        {
            s.Pids.Current = ReadOrZero(pids, "pids.current");
            ulong limit = ReadOrZero(pids, "pids.max");
            s.Pids.Limit = limit == ulong.MaxValue ? 0 : limit;
        }
        if (paths.TryGetValue("blkio", out string? blkio)) ReadBlkio(blkio, s.Blkio);
        if (paths.TryGetValue("hugetlb", out string? huge))
            foreach (string size in hugePageSizes)
                s.Hugetlb[size] = new HugetlbStats
                {
                    Usage = ReadOrZero(huge, "hugetlb." + size + ".usage_in_bytes"),
                    Max = ReadOrZero(huge, "hugetlb." + size + ".max_usage_in_bytes"),
                    Failcnt = ReadOrZero(huge, "hugetlb." + size + ".failcnt"),
                };
        return s;
    }

    private static void ReadThrottling(string dir, CpuStats c)
    {
        var kv = CgroupFile.ReadKeyValues(dir, "cpu.stat");
        c.Periods = kv.GetValueOrDefault("nr_periods");
        c.ThrottledPeriods = kv.GetValueOrDefault("nr_throttled");
        c.ThrottledTime = kv.GetValueOrDefault("throttled_time");
    }

    private static void ReadCpuacct(string dir, CpuStats c)
    {
        c.Total = ReadOrZero(dir, "cpuacct.usage");
        c.PerCpu = ParseNumbers(CgroupFile.TryRead(dir, "cpuacct.usage_percpu"));
        // cpuacct.usage_all: "cpu user system" header then one line per cpu, in nanoseconds.
        string? all = CgroupFile.TryRead(dir, "cpuacct.usage_all");
        if (all != null)
        {
            var kernel = new List<ulong>();
            var user = new List<ulong>();
            string[] lines = all.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (int i = 1; i < lines.Length; i++) // the first line is the header
            {
                string line = lines[i];
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length != 3 || !ulong.TryParse(f[1], out ulong u) || !ulong.TryParse(f[2], out ulong k)) continue;
                user.Add(u);
                kernel.Add(k);
            }
            c.PerCpuKernel = kernel;
            c.PerCpuUser = user;
        }
        var stat = CgroupFile.ReadKeyValues(dir, "cpuacct.stat");
        c.User = stat.GetValueOrDefault("user") * NanosPerTick;
        c.Kernel = stat.GetValueOrDefault("system") * NanosPerTick;
    }

    private static void ReadCpuset(string dir, CpusetStats c)
    {
        c.Cpus = ParseCpuList(CgroupFile.TryRead(dir, "cpuset.cpus") ?? "");
        c.Mems = ParseCpuList(CgroupFile.TryRead(dir, "cpuset.mems") ?? "");
        c.CpuExclusive = ReadOrZero(dir, "cpuset.cpu_exclusive");
        c.MemHardwall = ReadOrZero(dir, "cpuset.mem_hardwall");
        c.MemExclusive = ReadOrZero(dir, "cpuset.mem_exclusive");
        c.MemoryMigrate = ReadOrZero(dir, "cpuset.memory_migrate");
        c.MemorySpreadPage = ReadOrZero(dir, "cpuset.memory_spread_page");
        c.MemorySpreadSlab = ReadOrZero(dir, "cpuset.memory_spread_slab");
        c.MemoryPressure = ReadOrZero(dir, "cpuset.memory_pressure");
        c.SchedLoadBalance = ReadOrZero(dir, "cpuset.sched_load_balance");
        string? level = CgroupFile.TryRead(dir, "cpuset.sched_relax_domain_level");
        c.SchedRelaxDomainLevel = long.TryParse(level?.Trim(), out long l) ? l : 0;
    }

    private static void ReadMemory(string dir, MemoryStats m)
    {
        foreach (var (k, v) in CgroupFile.ReadKeyValues(dir, "memory.stat")) m.Raw[k] = v;
        m.Cache = m.Raw.GetValueOrDefault("cache");
        Entry(dir, "memory", m.Usage);
        Entry(dir, "memory.memsw", m.Swap);
        Entry(dir, "memory.kmem", m.Kernel);
        Entry(dir, "memory.kmem.tcp", m.KernelTcp);
    }

    private static void Entry(string dir, string prefix, MemoryEntry e)
    {
        e.Usage = ReadOrZero(dir, prefix + ".usage_in_bytes");
        e.Max = ReadOrZero(dir, prefix + ".max_usage_in_bytes");
        e.Failcnt = ReadOrZero(dir, prefix + ".failcnt");
        e.Limit = ReadOrZero(dir, prefix + ".limit_in_bytes");
    }

    private static void ReadBlkio(string dir, BlkioStats b)
    {
        // runc prefers the CFQ files, then BFQ, then the throttle files when the others are empty.
        if (ReadEntries(dir, "blkio.io_service_bytes_recursive").Count > 0)
        {
            b.IoServiceBytesRecursive.AddRange(ReadEntries(dir, "blkio.io_service_bytes_recursive"));
            b.IoServicedRecursive.AddRange(ReadEntries(dir, "blkio.io_serviced_recursive"));
            b.IoQueuedRecursive.AddRange(ReadEntries(dir, "blkio.io_queued_recursive"));
            b.IoServiceTimeRecursive.AddRange(ReadEntries(dir, "blkio.io_service_time_recursive"));
            b.IoWaitTimeRecursive.AddRange(ReadEntries(dir, "blkio.io_wait_time_recursive"));
            b.IoMergedRecursive.AddRange(ReadEntries(dir, "blkio.io_merged_recursive"));
            b.IoTimeRecursive.AddRange(ReadEntries(dir, "blkio.time_recursive"));
            b.SectorsRecursive.AddRange(ReadEntries(dir, "blkio.sectors_recursive"));
            return;
        }
        var bfq = ReadEntries(dir, "blkio.bfq.io_service_bytes_recursive");
        if (bfq.Count > 0)
        {
            b.IoServiceBytesRecursive.AddRange(bfq);
            b.IoServicedRecursive.AddRange(ReadEntries(dir, "blkio.bfq.io_serviced_recursive"));
            return;
        }
        b.IoServiceBytesRecursive.AddRange(ReadEntries(dir, "blkio.throttle.io_service_bytes_recursive"));
        b.IoServicedRecursive.AddRange(ReadEntries(dir, "blkio.throttle.io_serviced_recursive"));
    }

    /// <summary>"8:0 Read 4096" or "8:0 4096" lines; the "Total" line is skipped.</summary>
    public static List<BlkioEntry> ReadEntries(string dir, string file)
    {
        var list = new List<BlkioEntry>();
        string? text = CgroupFile.TryRead(dir, file);
        if (text == null) return list;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2) continue;
            string[] dev = f[0].Split(':');
            if (dev.Length != 2 || !ulong.TryParse(dev[0], out ulong major) || !ulong.TryParse(dev[1], out ulong minor)) continue;
            string op = f.Length == 3 ? f[1] : "";
            if (!ulong.TryParse(f[^1], out ulong value)) continue;
            list.Add(new BlkioEntry(major, minor, op, value));
        }
        return list;
    }
}
