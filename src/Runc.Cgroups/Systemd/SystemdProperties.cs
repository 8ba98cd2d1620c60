using Runc.Cgroups.Devices;
using Runc.Cgroups.V2;
using Runc.Oci;

namespace Runc.Cgroups.Systemd;

/// <summary>One unit property for StartTransientUnit / SetUnitProperties.
/// Value is ulong (D-Bus "t"), bool ("b"), string ("s"), byte[] ("ay"), uint[] ("au"),
/// or IReadOnlyList&lt;(string, string)&gt; ("a(ss)", DeviceAllow).</summary>
public sealed record SystemdProperty(string Name, object Value);

/// <summary>
/// LinuxResources → systemd unit properties as runc's systemd drivers send them (v1: MemoryLimit, CPUShares,
/// BlockIOWeight; v2: MemoryMax, CPUWeight, TasksMax, the unified keys ...). Pure: the managers send them over D-Bus.
/// </summary>
public static class SystemdProperties
{
    public const ulong Infinity = ulong.MaxValue;

    /// <summary>
    /// systemd keeps CPU quota as a whole percentage, so runc rounds the per-second value up to 10 ms
    /// (1%) steps, letting the container still set its exact cfs quota below it. Quota -1 = unlimited.
    /// CPUQuotaPeriodUSec needs systemd 242 (the version is asked only when a period is set).
    /// </summary>
    private static void AddCpuQuota(List<SystemdProperty> props, long quota, ulong period, Func<int> systemdVersion)
    {
        if (period != 0 && systemdVersion() >= 242) props.Add(new("CPUQuotaPeriodUSec", period));
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

    /// <summary>runc's addCpuset: AllowedCPUs/AllowedMemoryNodes need systemd 244 (the files are written anyway).</summary>
    private static void AddCpuset(List<SystemdProperty> props, string cpus, string mems, Func<int> systemdVersion)
    {
        if ((cpus.Length == 0 && mems.Length == 0) || systemdVersion() < 244) return;
        if (cpus.Length > 0) props.Add(new("AllowedCPUs", RangeToBits(cpus)));
        if (mems.Length > 0) props.Add(new("AllowedMemoryNodes", RangeToBits(mems)));
    }

    /// <summary>A cpuset list ("0-2,7") as systemd's little-endian bitmask bytes.</summary>
    public static byte[] RangeToBits(string list)
    {
        var cpus = Stats.StatsParsing.ParseCpuList(list);
        if (cpus.Count == 0) throw new RuncException("invalid cpuset list \"" + list + "\"");
        int max = 0;
        foreach (ushort cpu in cpus) max = Math.Max(max, cpu);
        var bytes = new byte[max / 8 + 1];
        foreach (ushort cpu in cpus) bytes[cpu / 8] |= (byte)(1 << (cpu % 8));
        return bytes;
    }

    /// <summary>
    /// runc's generateDeviceProperties: DevicePolicy=strict, an empty DeviceAllow (resets what the unit had), then the
    /// allow-list in runc's emulator order (major, minor, type). A deny-list that allows everything becomes
    /// DevicePolicy=auto with no DeviceAllow; any other deny-list a temporary deny-all (systemd cannot express it; our
    /// own devices cgroup writes follow). Wildcard majors map to "char-*"/"block-*", wildcard minors to the
    /// /proc/devices group name, exact devices to /dev/{char,block}/MAJ:MIN when that node (or /sys/dev/...) exists.
    /// </summary>
    /// <summary>Major, then minor, then type; equal rules keep their order (stable).</summary>
    private static List<DeviceRule> InEmulatorOrder(IReadOnlyList<DeviceRule> rules)
    {
        var indexed = new List<(DeviceRule Rule, int Index)>(rules.Count);
        for (int i = 0; i < rules.Count; i++) indexed.Add((rules[i], i));
        indexed.Sort((a, b) =>
        {
            int c = a.Rule.Major.CompareTo(b.Rule.Major);
            if (c == 0) c = a.Rule.Minor.CompareTo(b.Rule.Minor);
            if (c == 0) c = a.Rule.Type.CompareTo(b.Rule.Type);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        var sorted = new List<DeviceRule>(indexed.Count);
        foreach (var (rule, _) in indexed) sorted.Add(rule);
        return sorted;
    }

    public static List<SystemdProperty> ForDevices(IReadOnlyList<DeviceRule> rules, Func<string, bool>? exists = null,
        Func<char, long, string?>? deviceGroup = null, Action<string>? warn = null)
    {
        exists ??= p => File.Exists(p) || Directory.Exists(p) || File.Exists("/sys" + p) || Directory.Exists("/sys" + p);
        deviceGroup ??= FindDeviceGroup;
        var props = new List<SystemdProperty>();
        if (rules.Count == 0) return props; // nothing known about devices (a rollback): leave the unit's as they are
        var set = DeviceRuleSet.FromRules(rules);
        if (set.DefaultAllow)
        {
            if (set.Exceptions.Count == 0)
            {
                props.Add(new("DevicePolicy", "auto"));
                props.Add(new("DeviceAllow", (IReadOnlyList<(string, string)>)[]));
                return props;
            }
            warn?.Invoke("systemd doesn't support blacklist device rules -- applying temporary deny-all rule");
            props.Add(new("DevicePolicy", "strict"));
            props.Add(new("DeviceAllow", (IReadOnlyList<(string, string)>)[]));
            return props;
        }
        props.Add(new("DevicePolicy", "strict"));
        props.Add(new("DeviceAllow", (IReadOnlyList<(string, string)>)[]));
        var allow = new List<(string, string)>();
        foreach (var e in InEmulatorOrder(set.Exceptions))
        {
            string kind = e.Type == 'b' ? "block" : "char";
            if (e.Major == DeviceRule.Wildcard)
            {
                if (e.Minor != DeviceRule.Wildcard)
                {
                    warn?.Invoke("systemd doesn't support '*:n' device rules -- temporarily ignoring rule: " + e.ToV1String());
                    continue;
                }
                allow.Add((kind + "-*", e.Access));
            }
            else if (e.Minor == DeviceRule.Wildcard)
            {
                string? group = deviceGroup(e.Type, e.Major);
                if (group == null)
                {
                    warn?.Invoke("could not find device group for '" + e.Type + "/" + e.Major + "' in /proc/devices -- temporarily ignoring rule: " + e.ToV1String());
                    continue;
                }
                allow.Add((group, e.Access));
            }
            else
            {
                string path = "/dev/" + kind + "/" + e.Major + ":" + e.Minor;
                if (!exists(path))
                {
                    warn?.Invoke("skipping device " + path + " for systemd: no such file or directory");
                    continue;
                }
                allow.Add((path, e.Access));
            }
        }
        props.Add(new("DeviceAllow", (IReadOnlyList<(string, string)>)allow));
        return props;
    }

    /// <summary>"char-NAME"/"block-NAME" for a major number, from /proc/devices (runc's findDeviceGroup); null if absent.</summary>
    public static string? FindDeviceGroup(char type, long major) => FindDeviceGroup(type, major, File.ReadAllLines("/proc/devices"));

    public static string? FindDeviceGroup(char type, long major, IEnumerable<string> procDevices)
    {
        char current = ' ';
        foreach (string raw in procDevices)
        {
            string line = raw.Trim();
            if (line == "Block devices:") { current = 'b'; continue; }
            if (line == "Character devices:") { current = 'c'; continue; }
            if (line.Length == 0 || current != type) continue;
            string[] f = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (f.Length == 2 && long.TryParse(f[0], out long m) && m == major)
                return (type == 'b' ? "block-" : "char-") + f[1].Split(' ')[0];
        }
        return null;
    }

    /// <summary>StartTransientUnit properties of runc's Apply (v1: BlockIOAccounting, v2: IOAccounting): no resources
    /// (they follow with SetUnitProperties).</summary>
    public static List<SystemdProperty> ForNewUnitV1(SystemdUnitName unit, int pid) => ForNewUnit(unit, pid, "BlockIOAccounting");

    public static List<SystemdProperty> ForNewUnitV2(SystemdUnitName unit, int pid) => ForNewUnit(unit, pid, "IOAccounting");

    private static List<SystemdProperty> ForNewUnit(SystemdUnitName unit, int pid, string ioAccounting)
    {
        var props = new List<SystemdProperty> { new("Description", "libcontainer container " + unit.Name) };
        if (unit.UnitName.EndsWith(".slice", StringComparison.Ordinal)) props.Add(new("Wants", unit.Slice));
        else
        {
            props.Add(new("Slice", unit.Slice));
            props.Add(new("Delegate", true));
        }
        if (pid != -1) props.Add(new("PIDs", new[] { (uint)pid }));
        props.Add(new("MemoryAccounting", true));
        props.Add(new("CPUAccounting", true));
        props.Add(new(ioAccounting, true));
        props.Add(new("TasksAccounting", true));
        props.Add(new("DefaultDependencies", false));
        return props;
    }

    /// <summary>runc's genV1ResourcesProperties, in its order. <paramref name="systemdVersion"/> is asked only when a
    /// cpu period or cpuset is set (CPUQuotaPeriodUSec needs systemd 242, AllowedCPUs/AllowedMemoryNodes 244).</summary>
    public static List<SystemdProperty> ForResourcesV1(LinuxResources r, IReadOnlyList<DeviceRule> devices, Func<int> systemdVersion,
        Action<string>? warn = null, Func<string, bool>? exists = null, Func<char, long, string?>? deviceGroup = null)
    {
        var props = ForDevices(devices, exists, deviceGroup, warn);
        if (r.Memory?.Limit is long mem && mem != 0) props.Add(new("MemoryLimit", unchecked((ulong)mem)));
        if (r.Cpu?.Shares is ulong shares && shares != 0) props.Add(new("CPUShares", shares));
        AddCpuQuota(props, r.Cpu?.Quota ?? 0, r.Cpu?.Period ?? 0, systemdVersion);
        if (r.BlockIo?.Weight is ushort w && w != 0) props.Add(new("BlockIOWeight", (ulong)w));
        AddTasksMax(props, r.Pids);
        AddCpuset(props, r.Cpu?.Cpus ?? "", r.Cpu?.Mems ?? "", systemdVersion);
        return props;
    }

    /// <summary>runc sends TasksMax only for a positive limit or -1 (infinity).</summary>
    private static void AddTasksMax(List<SystemdProperty> props, LinuxPids? p)
    {
        if (p != null && (p.Limit > 0 || p.Limit == -1)) props.Add(new("TasksMax", unchecked((ulong)p.Limit)));
    }

    // ---- cgroup v2 (runc's unifiedManager) ------------------------------------------------------------------------

    /// <summary>runc's genV2ResourcesProperties, in its order: devices, MemoryMax, MemoryLow, MemorySwapMax (swap alone),
    /// CPUWeight (from shares), the cpu quota, TasksMax, the cpuset, then the unified keys systemd knows. No IOWeight:
    /// runc 1.1.5 leaves io to the files.</summary>
    public static List<SystemdProperty> ForResourcesV2(LinuxResources r, IReadOnlyList<DeviceRule> devices, Func<int> systemdVersion,
        Action<string>? warn = null, Func<string, bool>? exists = null, Func<char, long, string?>? deviceGroup = null)
    {
        var props = ForDevices(devices, exists, deviceGroup, warn);
        long limit = r.Memory?.Limit ?? 0;
        if (limit != 0) props.Add(new("MemoryMax", unchecked((ulong)limit)));
        if (r.Memory?.Reservation is long low && low != 0) props.Add(new("MemoryLow", unchecked((ulong)low)));
        long swap = V2Convert.SwapToV2(r.Memory?.Swap ?? 0, limit);
        if (swap != 0) props.Add(new("MemorySwapMax", unchecked((ulong)swap)));
        ulong weight = V2Convert.CpuSharesToWeight(r.Cpu?.Shares ?? 0);
        if (weight != 0) props.Add(new("CPUWeight", weight));
        AddCpuQuota(props, r.Cpu?.Quota ?? 0, r.Cpu?.Period ?? 0, systemdVersion);
        AddTasksMax(props, r.Pids);
        AddCpuset(props, r.Cpu?.Cpus ?? "", r.Cpu?.Mems ?? "", systemdVersion);
        if (r.Unified != null) AddUnified(props, r.Unified, systemdVersion);
        return props;
    }

    /// <summary>runc's unifiedResToSystemdProps: the cgroup2 keys systemd has a property for; every other key is left
    /// to the files (they are all written anyway).</summary>
    public static void AddUnified(List<SystemdProperty> props, IReadOnlyDictionary<string, string> unified, Func<int> systemdVersion)
    {
        foreach (var (key, raw) in unified)
        {
            if (key.Contains('/')) throw new RuncException("unified resource \"" + key + "\" must be a file name (no slashes)");
            if (!key.Contains('.')) throw new RuncException("unified resource \"" + key + "\" must be in the form CONTROLLER.PARAMETER");
            string v = raw.Trim();
            switch (key)
            {
                case "cpu.max":
                    string[] f = v.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length is < 1 or > 2) throw new RuncException("unified resource \"" + key + "\" value invalid: \"" + v + "\"");
                    long quota = 0; // "max": unlimited
                    if (f[0] != "max" && !long.TryParse(f[0], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out quota))
                        throw ConversionError(key, f[0]);
                    ulong period = 100_000;
                    if (f.Length == 2) period = ParseUnsigned(key, f[1]);
                    AddCpuQuota(props, quota, period, systemdVersion);
                    break;
                case "cpu.weight":
                    props.Add(new("CPUWeight", ParseUnsigned(key, v)));
                    break;
                case "cpuset.cpus" or "cpuset.mems":
                    byte[] bits;
                    try { bits = RangeToBits(v); }
                    catch (RuncException e) { throw new RuncException("unified resource \"" + key + "\"=\"" + v + "\" conversion error: " + e.Message); }
                    if (systemdVersion() >= 244) props.Add(new(key == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes", bits));
                    break;
                case "memory.high" or "memory.low" or "memory.min" or "memory.max" or "memory.swap.max" or "pids.max":
                    string name = key switch
                    {
                        "memory.high" => "MemoryHigh", "memory.low" => "MemoryLow", "memory.min" => "MemoryMin",
                        "memory.max" => "MemoryMax", "memory.swap.max" => "MemorySwapMax", _ => "TasksMax",
                    };
                    props.Add(new(name, v == "max" ? Infinity : ParseUnsigned(key, v)));
                    break;
            }
        }
    }

    private static ulong ParseUnsigned(string key, string v) =>
        ulong.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong n) ? n : throw ConversionError(key, v);

    private static RuncException ConversionError(string key, string v) =>
        new("unified resource \"" + key + "\" value conversion error: invalid number \"" + v + "\"");

    /// <summary>runc's systemdVersionAtoi (its unanchored `v?([0-9]+)`): the first run of ASCII digits of
    /// "v245.4-1.fc32", "245", ... (a loop rather than Regex, which would add about 250 KB to the binary).</summary>
    public static int ParseVersion(string text)
    {
        int start = 0;
        while (start < text.Length && !char.IsAsciiDigit(text[start])) start++;
        int end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
        if (end == start || !int.TryParse(text.AsSpan(start, end - start), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int v))
            throw new RuncException("can't parse version " + text);
        return v;
    }
}
