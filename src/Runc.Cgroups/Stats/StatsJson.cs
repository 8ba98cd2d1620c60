using System.Text.Json;

namespace Runc.Cgroups.Stats;

/// <summary>
/// Writes <see cref="CgroupStats"/> as the "data" object of runc's stats event, with Go's omitempty rules
/// (a zero number, empty list or empty map is left out where runc's struct tag says omitempty).
/// </summary>
public static class StatsJson
{
    public static void Write(Utf8JsonWriter w, CgroupStats s)
    {
        w.WriteStartObject();
        WriteCpu(w, s.Cpu);
        WriteCpuset(w, s.Cpuset);
        WriteMemory(w, s.Memory);
        w.WriteStartObject("pids");
        Opt(w, "current", s.Pids.Current);
        Opt(w, "limit", s.Pids.Limit);
        w.WriteEndObject();
        WriteBlkio(w, s.Blkio);
        w.WriteStartObject("hugetlb");
        foreach (var (size, h) in s.Hugetlb)
        {
            w.WriteStartObject(size);
            Opt(w, "usage", h.Usage);
            Opt(w, "max", h.Max);
            w.WriteNumber("failcnt", h.Failcnt);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("intel_rdt");
        w.WriteEndObject();
        w.WriteNull("network_interfaces");
        w.WriteEndObject();
    }

    /// <summary>The data object alone, as compact JSON text.</summary>
    public static string ToJson(CgroupStats s)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) Write(w, s);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteCpu(Utf8JsonWriter w, CpuStats c)
    {
        w.WriteStartObject("cpu");
        w.WriteStartObject("usage");
        Opt(w, "total", c.Total);
        OptList(w, "percpu", c.PerCpu);
        OptList(w, "percpu_kernel", c.PerCpuKernel);
        OptList(w, "percpu_user", c.PerCpuUser);
        w.WriteNumber("kernel", c.Kernel);
        w.WriteNumber("user", c.User);
        w.WriteEndObject();
        w.WriteStartObject("throttling");
        Opt(w, "periods", c.Periods);
        Opt(w, "throttledPeriods", c.ThrottledPeriods);
        Opt(w, "throttledTime", c.ThrottledTime);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteCpuset(Utf8JsonWriter w, CpusetStats c)
    {
        w.WriteStartObject("cpuset");
        if (c.Cpus.Count > 0) { w.WriteStartArray("cpus"); foreach (ushort v in c.Cpus) w.WriteNumberValue(v); w.WriteEndArray(); }
        w.WriteNumber("cpu_exclusive", c.CpuExclusive);
        if (c.Mems.Count > 0) { w.WriteStartArray("mems"); foreach (ushort v in c.Mems) w.WriteNumberValue(v); w.WriteEndArray(); }
        w.WriteNumber("mem_hardwall", c.MemHardwall);
        w.WriteNumber("mem_exclusive", c.MemExclusive);
        w.WriteNumber("memory_migrate", c.MemoryMigrate);
        w.WriteNumber("memory_spread_page", c.MemorySpreadPage);
        w.WriteNumber("memory_spread_slab", c.MemorySpreadSlab);
        w.WriteNumber("memory_pressure", c.MemoryPressure);
        w.WriteNumber("sched_load_balance", c.SchedLoadBalance);
        w.WriteNumber("sched_relax_domain_level", c.SchedRelaxDomainLevel);
        w.WriteEndObject();
    }

    private static void WriteMemory(Utf8JsonWriter w, MemoryStats m)
    {
        w.WriteStartObject("memory");
        Opt(w, "cache", m.Cache);
        // Go's omitempty never omits a struct, so all four entries are always present.
        Entry(w, "usage", m.Usage);
        Entry(w, "swap", m.Swap);
        Entry(w, "kernel", m.Kernel);
        Entry(w, "kernelTCP", m.KernelTcp);
        if (m.Raw.Count > 0)
        {
            w.WriteStartObject("raw");
            foreach (var (k, v) in m.Raw) w.WriteNumber(k, v);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Entry(Utf8JsonWriter w, string name, MemoryEntry e)
    {
        w.WriteStartObject(name);
        w.WriteNumber("limit", e.Limit);
        Opt(w, "usage", e.Usage);
        Opt(w, "max", e.Max);
        w.WriteNumber("failcnt", e.Failcnt);
        w.WriteEndObject();
    }

    private static void WriteBlkio(Utf8JsonWriter w, BlkioStats b)
    {
        w.WriteStartObject("blkio");
        Blk(w, "ioServiceBytesRecursive", b.IoServiceBytesRecursive);
        Blk(w, "ioServicedRecursive", b.IoServicedRecursive);
        Blk(w, "ioQueueRecursive", b.IoQueuedRecursive);
        Blk(w, "ioServiceTimeRecursive", b.IoServiceTimeRecursive);
        Blk(w, "ioWaitTimeRecursive", b.IoWaitTimeRecursive);
        Blk(w, "ioMergedRecursive", b.IoMergedRecursive);
        Blk(w, "ioTimeRecursive", b.IoTimeRecursive);
        Blk(w, "sectorsRecursive", b.SectorsRecursive);
        w.WriteEndObject();
    }

    private static void Blk(Utf8JsonWriter w, string name, List<BlkioEntry> list)
    {
        if (list.Count == 0) return;
        w.WriteStartArray(name);
        foreach (var e in list)
        {
            w.WriteStartObject();
            Opt(w, "major", e.Major);
            Opt(w, "minor", e.Minor);
            if (e.Op.Length > 0) w.WriteString("op", e.Op);
            Opt(w, "value", e.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Opt(Utf8JsonWriter w, string name, ulong v)
    {
        if (v != 0) w.WriteNumber(name, v);
    }

    private static void OptList(Utf8JsonWriter w, string name, List<ulong> list)
    {
        if (list.Count == 0) return;
        w.WriteStartArray(name);
        foreach (ulong v in list) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
