namespace Runc.Cgroups.Stats;

// The data of runc's `events --stats` (runc@v1.1.5 types/events.go), field for field.
// StatsJson writes it with runc's names and omitempty rules.

public sealed class CgroupStats
{
    public CpuStats Cpu { get; } = new();
    public CpusetStats Cpuset { get; } = new();
    public MemoryStats Memory { get; } = new();
    public PidsStats Pids { get; } = new();
    public BlkioStats Blkio { get; } = new();
    /// <summary>Page size ("2MB") → numbers.</summary>
    public SortedDictionary<string, HugetlbStats> Hugetlb { get; } = new(StringComparer.Ordinal);
}

public sealed class CpuStats
{
    public ulong Total, Kernel, User;
    public List<ulong> PerCpu { get; set; } = [];
    public List<ulong> PerCpuKernel { get; set; } = [];
    public List<ulong> PerCpuUser { get; set; } = [];
    public ulong Periods, ThrottledPeriods, ThrottledTime;
}

public sealed class CpusetStats
{
    public List<ushort> Cpus { get; set; } = [];
    public List<ushort> Mems { get; set; } = [];
    public ulong CpuExclusive, MemHardwall, MemExclusive, MemoryMigrate, MemorySpreadPage, MemorySpreadSlab,
        MemoryPressure, SchedLoadBalance;
    public long SchedRelaxDomainLevel;
}

public sealed class MemoryEntry
{
    public ulong Limit, Usage, Max, Failcnt;
}

public sealed class MemoryStats
{
    public ulong Cache;
    public MemoryEntry Usage { get; } = new();
    public MemoryEntry Swap { get; } = new();
    public MemoryEntry Kernel { get; } = new();
    public MemoryEntry KernelTcp { get; } = new();
    /// <summary>memory.stat as read (Go sorts map keys; so do we).</summary>
    public SortedDictionary<string, ulong> Raw { get; } = new(StringComparer.Ordinal);
}

public sealed class PidsStats
{
    public ulong Current, Limit;
}

public sealed record BlkioEntry(ulong Major, ulong Minor, string Op, ulong Value);

public sealed class BlkioStats
{
    public List<BlkioEntry> IoServiceBytesRecursive { get; } = [];
    public List<BlkioEntry> IoServicedRecursive { get; } = [];
    public List<BlkioEntry> IoQueuedRecursive { get; } = [];
    public List<BlkioEntry> IoServiceTimeRecursive { get; } = [];
    public List<BlkioEntry> IoWaitTimeRecursive { get; } = [];
    public List<BlkioEntry> IoMergedRecursive { get; } = [];
    public List<BlkioEntry> IoTimeRecursive { get; } = [];
    public List<BlkioEntry> SectorsRecursive { get; } = [];
}

public sealed class HugetlbStats
{
    public ulong Usage, Max, Failcnt;
}
