using Runc.Cgroups.Devices;
using Runc.Cgroups.Layout;
using Runc.Cgroups.V2;
using Runc.Oci;

namespace Runc.Cgroups.Systemd;

/// <summary>One unit property for StartTransientUnit / SetUnitProperties.
/// Value is ulong (D-Bus "t"), bool ("b"), string ("s"), byte[] ("ay"), uint[] ("au"),
/// or IReadOnlyList&lt;(string, string)&gt; ("a(ss)", DeviceAllow).</summary>
public sealed record SystemdProperty(string Name, object Value);

/// <summary>
/// LinuxResources → systemd unit properties as runc's systemd drivers send them (v1: MemoryLimit, CPUShares,
/// BlockIOWeight; v2: MemoryMax, CPUWeight, IOWeight ...). Pure: the D-Bus client comes later.
/// </summary>
public static class SystemdProperties
{
    public const ulong Infinity = ulong.MaxValue;

    /// <summary>Properties of a new unit: description, slice, delegation, accounting, pid, then resources.</summary>
    public static List<SystemdProperty> ForNewUnit(SystemdUnitName unit, int pid, LinuxResources? r, IReadOnlyList<DeviceRule> devices, CgroupMode mode)
    {
        var props = new List<SystemdProperty>
        {
            new("Description", "libcontainer container " + unit.Name),
        };
        if (!unit.UnitName.EndsWith(".slice", StringComparison.Ordinal)) props.Add(new("Slice", unit.Slice));
        else props.Add(new("Wants", unit.Slice));
        // Delegate: we write the cgroup files ourselves after systemd made the unit.
        props.Add(new("Delegate", true));
        if (pid > 0) props.Add(new("PIDs", new[] { (uint)pid }));
        props.Add(new("MemoryAccounting", true));
        props.Add(new("CPUAccounting", true));
        props.Add(new(mode == CgroupMode.Unified ? "IOAccounting" : "BlockIOAccounting", true));
        props.Add(new("TasksAccounting", true));
        props.Add(new("DefaultDependencies", false));
        props.AddRange(ForResources(r, devices, mode));
        return props;
    }

    public static List<SystemdProperty> ForResources(LinuxResources? r, IReadOnlyList<DeviceRule> devices, CgroupMode mode)
    {
        var props = new List<SystemdProperty>();
        props.AddRange(ForDevices(devices));
        if (r == null) return props;
        bool v2 = mode == CgroupMode.Unified;
        if (r.Memory is { } m)
        {
            long limit = m.Limit ?? 0;
            if (v2)
            {
                if (limit != 0) props.Add(new("MemoryMax", ToUInt(limit)));
                if ((m.Reservation ?? 0) != 0) props.Add(new("MemoryLow", ToUInt(m.Reservation!.Value)));
                long swap = V2Convert.SwapToV2(m.Swap ?? 0, limit);
                if (swap != 0 || (m.Swap ?? 0) > 0) props.Add(new("MemorySwapMax", ToUInt(swap)));
            }
            else if (limit != 0) props.Add(new("MemoryLimit", ToUInt(limit)));
        }
        if (r.Cpu is { } c)
        {
            if ((c.Shares ?? 0) != 0)
                props.Add(v2 ? new("CPUWeight", V2Convert.CpuSharesToWeight(c.Shares!.Value)) : new("CPUShares", c.Shares!.Value));
            AddCpuQuota(props, c.Quota ?? 0, c.Period ?? 0);
            if (!string.IsNullOrEmpty(c.Cpus)) props.Add(new("AllowedCPUs", RangeToBits(c.Cpus)));
            if (!string.IsNullOrEmpty(c.Mems)) props.Add(new("AllowedMemoryNodes", RangeToBits(c.Mems)));
        }
        if (r.BlockIo?.Weight is ushort w && w != 0)
            props.Add(v2 ? new("IOWeight", V2Convert.BlkioWeightToIoWeight(w)) : new("BlockIOWeight", (ulong)w));
        if (r.Pids is { } p && p.Limit != 0)
            props.Add(new("TasksMax", p.Limit > 0 ? (ulong)p.Limit : Infinity));
        return props;
    }

    /// <summary>
    /// systemd keeps CPU quota as a whole percentage, so runc rounds the per-second value up to 10 ms
    /// (1%) steps, letting the container still set its exact cfs quota below it. Quota -1 = unlimited.
    /// </summary>
    public static void AddCpuQuota(List<SystemdProperty> props, long quota, ulong period)
    {
        if (period != 0) props.Add(new("CPUQuotaPeriodUSec", period));
        if (quota == 0 && period == 0) return;
        ulong perSec = Infinity;
        if (quota > 0)
        {
            ulong p = period == 0 ? 100_000 : period; // the kernel's default period
            perSec = (ulong)quota * 1_000_000 / p;
            if (perSec % 10_000 != 0) perSec = (perSec / 10_000 + 1) * 10_000;
        }
        props.Add(new("CPUQuotaPerSecUSec", perSec));
    }

    /// <summary>A cpuset list ("0-2,7") as systemd's little-endian bitmask bytes.</summary>
    public static byte[] RangeToBits(string list)
    {
        var cpus = Stats.StatsParsing.ParseCpuList(list);
        if (cpus.Count == 0) throw new RuncException("invalid cpuset list \"" + list + "\"");
        var bytes = new byte[cpus.Max() / 8 + 1];
        foreach (ushort cpu in cpus) bytes[cpu / 8] |= (byte)(1 << (cpu % 8));
        return bytes;
    }

    /// <summary>
    /// DevicePolicy=strict + DeviceAllow entries for an allow-list; DevicePolicy=auto when everything is allowed.
    /// Wildcard majors map to "char-*"/"block-*"; exact devices to /dev/{char,block}/MAJ:MIN.
    /// (Wildcard minors need /proc/devices names; they are skipped here and enforced by our own cgroup writes.)
    /// </summary>
    public static List<SystemdProperty> ForDevices(IReadOnlyList<DeviceRule> rules)
    {
        var props = new List<SystemdProperty>();
        if (rules.Count == 0) return props;
        var set = DeviceRuleSet.FromRules(rules);
        if (set.DefaultAllow)
        {
            // systemd can't express a deny-list; leave it to our own cgroup writes, as runc does.
            props.Add(new("DevicePolicy", "auto"));
            props.Add(new("DeviceAllow", (IReadOnlyList<(string, string)>)[]));
            return props;
        }
        var allow = new List<(string, string)>();
        foreach (var e in set.Exceptions)
        {
            string kind = e.Type == 'b' ? "block" : "char";
            if (e.Major == DeviceRule.Wildcard) allow.Add((kind + "-*", e.Access));
            else if (e.Minor != DeviceRule.Wildcard) allow.Add(("/dev/" + kind + "/" + e.Major + ":" + e.Minor, e.Access));
        }
        props.Add(new("DevicePolicy", "strict"));
        props.Add(new("DeviceAllow", (IReadOnlyList<(string, string)>)allow));
        return props;
    }

    private static ulong ToUInt(long v) => v < 0 ? Infinity : (ulong)v;
}
