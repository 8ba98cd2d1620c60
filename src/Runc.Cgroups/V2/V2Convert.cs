namespace Runc.Cgroups.V2;

/// <summary>runc's conversions from v1-style OCI values to cgroup2 file values.</summary>
public static class V2Convert
{
    /// <summary>cpu.shares [2..262144] → cpu.weight [1..10000]; 0 stays "unset".</summary>
    public static ulong CpuSharesToWeight(ulong shares) =>
        shares == 0 ? 0 : 1 + (shares - 2) * 9999 / 262142;

    /// <summary>blkio.weight [10..1000] → io.weight [1..10000]; 0 stays "unset".</summary>
    public static ulong BlkioWeightToIoWeight(ulong weight) =>
        weight == 0 ? 0 : 1 + (weight - 10) * 9999 / 990;

    /// <summary>
    /// OCI memory.swap is memory+swap (v1 memsw); memory.swap.max is swap alone. Returns -1 for unlimited,
    /// 0 for unset.
    /// </summary>
    public static long SwapToV2(long memorySwap, long memory)
    {
        if (memory == -1 && memorySwap == 0) return -1; // unlimited memory implies unlimited swap
        if (memorySwap is -1 or 0) return memorySwap;
        if (memory is 0 or -1) throw new RuncException("unable to set swap limit without memory limit");
        if (memory < 0) throw new RuncException("invalid memory value: " + memory);
        if (memorySwap < memory) throw new RuncException("memory+swap limit should be >= memory limit");
        return memorySwap - memory;
    }

    /// <summary>0 → no write (null), -1 → "max", else the number.</summary>
    public static string? NumberOrMax(long value) => value switch { 0 => null, -1 => "max", _ => value.ToString() };

    /// <summary>cpu.max "quota period": a non-positive quota is "max"; without period the kernel keeps its own.</summary>
    public static string CpuMax(long quota, ulong period)
    {
        string s = quota > 0 ? quota.ToString() : "max";
        return period != 0 ? s + " " + period : s;
    }
}
