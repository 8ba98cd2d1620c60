using Runc.Cgroups.Fs;
using static Runc.Cgroups.Stats.StatsParsing;

namespace Runc.Cgroups.Stats;

/// <summary>Reads a cgroup2 directory into <see cref="CgroupStats"/> with runc's v1-compatible conversions.</summary>
public static class V2StatsReader
{
    public static CgroupStats Read(string dir, IReadOnlyList<string> hugePageSizes)
    {
        var s = new CgroupStats();
        var cpu = CgroupFile.ReadKeyValues(dir, "cpu.stat");
        s.Cpu.Total = cpu.GetValueOrDefault("usage_usec") * 1000;
        s.Cpu.User = cpu.GetValueOrDefault("user_usec") * 1000;
        s.Cpu.Kernel = cpu.GetValueOrDefault("system_usec") * 1000;
        s.Cpu.Periods = cpu.GetValueOrDefault("nr_periods");
        s.Cpu.ThrottledPeriods = cpu.GetValueOrDefault("nr_throttled");
        s.Cpu.ThrottledTime = cpu.GetValueOrDefault("throttled_usec") * 1000;

        string? cpus = CgroupFile.TryRead(dir, "cpuset.cpus.effective");
        if (cpus != null) s.Cpuset.Cpus = ParseCpuList(cpus);
        string? mems = CgroupFile.TryRead(dir, "cpuset.mems.effective");
        if (mems != null) s.Cpuset.Mems = ParseCpuList(mems);

        ReadMemory(dir, s.Memory);

        s.Pids.Current = ReadOrZero(dir, "pids.current");
        ulong pidsMax = ReadOrZero(dir, "pids.max");
        s.Pids.Limit = pidsMax == ulong.MaxValue ? 0 : pidsMax;

        ReadIo(dir, s.Blkio);

        foreach (string size in hugePageSizes)
        {
            if (!CgroupFile.Exists(dir, "hugetlb." + size + ".current")) continue;
            var events = CgroupFile.ReadKeyValues(dir, "hugetlb." + size + ".events");
            s.Hugetlb[size] = new HugetlbStats
            {
                Usage = ReadOrZero(dir, "hugetlb." + size + ".current"),
                Failcnt = events.GetValueOrDefault("max"),
            };
        }
        return s;
    }

    private static void ReadMemory(string dir, MemoryStats m)
    {
        foreach (var (k, v) in CgroupFile.ReadKeyValues(dir, "memory.stat")) m.Raw[k] = v;
        m.Cache = m.Raw.GetValueOrDefault("file");
        m.Usage.Usage = ReadOrZero(dir, "memory.current");
        m.Usage.Limit = ReadOrZero(dir, "memory.max");
        m.Usage.Max = ReadOrZero(dir, "memory.peak");
        m.Usage.Failcnt = CgroupFile.ReadKeyValues(dir, "memory.events").GetValueOrDefault("max");
        // v1 reports swap as memory+swap; runc keeps that meaning on v2.
        if (CgroupFile.Exists(dir, "memory.swap.current"))
        {
            m.Swap.Usage = ReadOrZero(dir, "memory.swap.current") + m.Usage.Usage;
            ulong swapMax = ReadOrZero(dir, "memory.swap.max");
            m.Swap.Limit = swapMax == ulong.MaxValue ? swapMax : swapMax + m.Usage.Limit;
        }
    }

    /// <summary>io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device.</summary>
    private static void ReadIo(string dir, BlkioStats b)
    {
        string? text = CgroupFile.TryRead(dir, "io.stat");
        if (text == null) return;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string[] dev = f[0].Split(':');
            if (dev.Length != 2 || !ulong.TryParse(dev[0], out ulong major) || !ulong.TryParse(dev[1], out ulong minor)) continue;
            for (int i = 1; i < f.Length; i++)
            {
                string kv = f[i];
                string[] p = kv.Split('=');
                if (p.Length != 2 || !ulong.TryParse(p[1], out ulong v)) continue;
                switch (p[0])
                {
                    case "rbytes": b.IoServiceBytesRecursive.Add(new(major, minor, "Read", v)); break;
                    case "wbytes": b.IoServiceBytesRecursive.Add(new(major, minor, "Write", v)); break;
                    case "rios": b.IoServicedRecursive.Add(new(major, minor, "Read", v)); break;
                    case "wios": b.IoServicedRecursive.Add(new(major, minor, "Write", v)); break;
                }
            }
        }
    }
}
