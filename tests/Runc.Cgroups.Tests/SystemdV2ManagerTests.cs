using Runc.Cgroups.Layout;
using Runc.Cgroups.Systemd;
using Runc.Cgroups.V2;
using Runc.Oci;
using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>
/// <see cref="SystemdV2Manager"/> (runc 1.1.5's unifiedManager) against a recording bus that plays systemd on a fake
/// cgroup2 tree in a temp dir: it makes the scope's directory with the pid when the unit starts and drops it when the
/// unit stops. Checked: the call order, every property's name, D-Bus signature and value, the files, update, delete
/// and what a failure leaves behind. The pids are above any pid_max, so nothing real is ever signalled. This host is hybrid, so the v2 driver cannot run against a real systemd here.
/// </summary>
public sealed class SystemdV2ManagerTests : IDisposable
{
    const string Controllers = "cpuset cpu io memory pids";
    static readonly string[] ScopeFiles = ["cpu.weight", "cpu.max", "cpuset.cpus", "cpuset.mems", "memory.max", "memory.low", "memory.high",
        "memory.swap.max", "memory.oom.group", "pids.max", "io.weight"];

    readonly FakeCgroupFs _fs = new();

    public SystemdV2ManagerTests()
    {
        _fs.File("cgroup.controllers", Controllers + "\n");
        _fs.File("cgroup.subtree_control");
        _fs.File("test.slice/cgroup.subtree_control");
    }

    public void Dispose() => _fs.Dispose();

    /// <summary>Records calls as text ("name:signature=value" for properties) and plays systemd's part in the tree.</summary>
    sealed class FakeSystemd(string root) : ISystemdBus
    {
        public readonly List<string> Calls = [];
        public Exception? StartFails, SetFails;
        public int SystemdVersion = 252;

        public static string Show(SystemdProperty p) => p.Name + ":" + SystemdPropertyCodec.Signature(p.Value) + "=" + p.Value switch
        {
            byte[] b => string.Join(" ", b.Select(x => x.ToString("x2"))),
            uint[] u => string.Join(" ", u),
            IReadOnlyList<(string, string)> l => string.Join(" ", l),
            bool x => x ? "true" : "false",
            var x => x.ToString(),
        };

        string Dir(string unit) => Path.Combine(root, "test.slice", unit);

        public void StartUnit(string unit, IReadOnlyList<SystemdProperty> props)
        {
            Calls.Add("start " + unit + " " + string.Join(",", props.Select(Show)));
            if (StartFails != null) throw StartFails;
            // systemd makes the scope's cgroup with the pid in it (the kernel makes the files).
            string dir = Dir(unit);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "cgroup.controllers"), Controllers + "\n");
            File.WriteAllText(Path.Combine(dir, "cgroup.freeze"), "0\n");
            uint pid = props.Where(p => p.Name == "PIDs").SelectMany(p => (uint[])p.Value).Single();
            File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid + "\n");
            foreach (string f in ScopeFiles) File.WriteAllText(Path.Combine(dir, f), "");
        }

        public void SetUnitProperties(string unit, IReadOnlyList<SystemdProperty> props)
        {
            string freeze = File.ReadAllText(Path.Combine(Dir(unit), "cgroup.freeze")).Trim();
            Calls.Add("set " + unit + " " + string.Join(",", props.Select(Show)) + " freeze=" + freeze);
            if (SetFails != null) throw SetFails;
        }

        /// <summary>systemd removes the scope's processes and files; a sub-cgroup the container made stays (systemd 239).</summary>
        public void StopUnit(string unit)
        {
            Calls.Add("stop " + unit);
            string dir = Dir(unit);
            if (!Directory.Exists(dir)) return;
            foreach (string f in Directory.GetFiles(dir, "*", SearchOption.AllDirectories)) File.Delete(f);
        }

        public void ResetFailedUnit(string unit) => Calls.Add("reset " + unit);
        public string GetUnitTypeProperty(string unit, string unitType, string name) { Calls.Add("get " + unitType + "." + name); return ""; }
        public int Version() { Calls.Add("version"); return SystemdVersion; }
    }

    string Scope(string unit) => Path.Combine(_fs.Root, "test.slice", unit);

    (SystemdV2Manager, FakeSystemd) NewContainer(string name)
    {
        var unit = SystemdUnitName.Parse("test.slice:pfx:" + name, "id");
        var bus = new FakeSystemd(_fs.Root);
        return (new SystemdV2Manager(new V2Manager(_fs.Root + unit.CgroupPath, _fs.Root, false, []), unit, bus, _ => { }), bus);
    }

    static LinuxResources Realistic() => new()
    {
        Memory = new LinuxMemory { Limit = 1L << 30, Reservation = 1L << 29, Swap = 2L << 30 },
        Cpu = new LinuxCpu { Shares = 1024, Quota = 12345, Period = 100000, Cpus = "0-1", Mems = "0" },
        Pids = new LinuxPids { Limit = 100 },
        BlockIo = new LinuxBlockIo { Weight = 500 },
        Unified = new() { ["memory.high"] = "805306368", ["memory.oom.group"] = "1" },
    };

    [Fact]
    public void Create_starts_the_scope_with_the_pid_then_sets_properties_then_writes_the_files()
    {
        var (m, bus) = NewContainer("c1");
        m.Create();
        m.Apply(Realistic());
        Assert.Empty(bus.Calls); // nothing exists before the init's pid is known
        Assert.False(Directory.Exists(Scope("pfx-c1.scope")));
        Assert.Null(m.OpenJoin()); // no CLONE_INTO_CGROUP: systemd places the init
        m.AddProcess(999999942);

        Assert.Equal([
            "start pfx-c1.scope Description:s=libcontainer container c1,Slice:s=test.slice,Delegate:b=true,PIDs:au=999999942," +
            "MemoryAccounting:b=true,CPUAccounting:b=true,IOAccounting:b=true,TasksAccounting:b=true,DefaultDependencies:b=false",
            "version",
            // runc's genV2ResourcesProperties order; 123450 µs/s rounded up to 1% steps; swap alone; no IOWeight (runc
            // 1.1.5 leaves io to the files); memory.oom.group has no property. No freeze on v2.
            "set pfx-c1.scope MemoryMax:t=1073741824,MemoryLow:t=536870912,MemorySwapMax:t=1073741824,CPUWeight:t=39," +
            "CPUQuotaPeriodUSec:t=100000,CPUQuotaPerSecUSec:t=130000,TasksMax:t=100,AllowedCPUs:ay=03,AllowedMemoryNodes:ay=01," +
            "MemoryHigh:t=805306368 freeze=0",
        ], bus.Calls);
        string dir = Scope("pfx-c1.scope");
        Assert.Equal("1073741824", File.ReadAllText(Path.Combine(dir, "memory.max")));
        Assert.Equal("1073741824", File.ReadAllText(Path.Combine(dir, "memory.swap.max")));
        Assert.Equal("39", File.ReadAllText(Path.Combine(dir, "cpu.weight")));
        Assert.Equal("12345 100000", File.ReadAllText(Path.Combine(dir, "cpu.max")));
        Assert.Equal("100", File.ReadAllText(Path.Combine(dir, "pids.max")));
        Assert.Equal("4950", File.ReadAllText(Path.Combine(dir, "io.weight")));
        Assert.Equal("0-1", File.ReadAllText(Path.Combine(dir, "cpuset.cpus")));
        Assert.Equal("805306368", File.ReadAllText(Path.Combine(dir, "memory.high")));
        Assert.Equal("1", File.ReadAllText(Path.Combine(dir, "memory.oom.group")));
        // fs2.CreateCgroupPath: every ancestor delegates the controllers; the scope's own subtree is left alone.
        Assert.Equal("+cpuset +cpu +io +memory +pids", _fs.Read("cgroup.subtree_control"));
        Assert.Equal("+cpuset +cpu +io +memory +pids", _fs.Read("test.slice/cgroup.subtree_control"));
        Assert.False(File.Exists(Path.Combine(dir, "cgroup.subtree_control")));
        Assert.Equal(dir, Assert.Single(m.Paths).Value);
        Assert.Equal(CgroupMode.Unified, m.Mode);

        m.Destroy();
        Assert.Equal("stop pfx-c1.scope", bus.Calls[^1]);
        Assert.False(Directory.Exists(dir));
        Assert.True(Directory.Exists(Path.Combine(_fs.Root, "test.slice"))); // the slice is systemd's
    }

    [Fact]
    public void Annotation_properties_follow_runcs_own_in_the_start()
    {
        var (m, bus) = NewContainer("c3");
        m.ExtraUnitProperties = SystemdAnnotations.Properties(new Dictionary<string, string>
        {
            ["org.systemd.property.TimeoutStopSec"] = "5", ["org.systemd.property.CollectMode"] = "'inactive-or-failed'",
        });
        m.Create();
        m.AddProcess(999999943);
        Assert.Equal(
            "start pfx-c3.scope Description:s=libcontainer container c3,Slice:s=test.slice,Delegate:b=true,PIDs:au=999999943," +
            "MemoryAccounting:b=true,CPUAccounting:b=true,IOAccounting:b=true,TasksAccounting:b=true,DefaultDependencies:b=false," +
            "TimeoutStopUSec:t=DBusVariant { Signature = t, Value = 5000000 },CollectMode:s=DBusVariant { Signature = s, Value = inactive-or-failed }",
            bus.Calls[0]);
        m.Destroy();
    }

    [Fact]
    public void A_slice_unit_is_wanted_by_its_parent_and_a_failed_start_is_stopped_with_nothing_left()
    {
        var unit = SystemdUnitName.Parse("test.slice::test-sub.slice", "id");
        var bus = new FakeSystemd(_fs.Root) { StartFails = new RuncException("error creating systemd unit `test-sub.slice`: got `failed`") };
        var m = new SystemdV2Manager(new V2Manager(_fs.Root + unit.CgroupPath, _fs.Root, false, []), unit, bus, _ => { });
        var e = Assert.Throws<RuncException>(() => m.AddProcess(999999907));
        Assert.Equal("unable to apply cgroup configuration: error creating systemd unit `test-sub.slice`: got `failed`", e.Message);
        Assert.Equal("start test-sub.slice Description:s=libcontainer container test-sub.slice,Wants:s=test.slice,PIDs:au=999999907," +
            "MemoryAccounting:b=true,CPUAccounting:b=true,IOAccounting:b=true,TasksAccounting:b=true,DefaultDependencies:b=false", bus.Calls[0]);
        m.Destroy();
        Assert.Equal("stop test-sub.slice", bus.Calls[^1]);
        Assert.Equal(["cgroup.subtree_control"], Directory.GetFileSystemEntries(Path.Combine(_fs.Root, "test.slice")).Select(Path.GetFileName));
    }

    [Fact]
    public void A_refused_property_fails_create_and_destroy_leaves_nothing()
    {
        var (m, bus) = NewContainer("c2");
        bus.SetFails = new RuncException("Unit pfx-c2.scope: invalid property MemoryMax");
        m.Apply(new LinuxResources { Memory = new LinuxMemory { Limit = 1 << 20 } });
        var e = Assert.Throws<RuncException>(() => m.AddProcess(999999943));
        Assert.Equal("error setting cgroup config for procHooks process: unable to set unit properties: Unit pfx-c2.scope: invalid property MemoryMax", e.Message);
        Directory.CreateDirectory(Path.Combine(Scope("pfx-c2.scope"), "sub")); // a sub-cgroup systemd 239 would leave
        m.Destroy();
        Assert.Equal("stop pfx-c2.scope", bus.Calls[^1]);
        Assert.False(Directory.Exists(Scope("pfx-c2.scope")));

        // An unreachable bus: nothing was asked of systemd, so nothing is stopped.
        var (m3, bus3) = NewContainer("c3");
        bus3.StartFails = new SystemdUnreachableException("failed to connect to dbus");
        Assert.StartsWith("unable to apply cgroup configuration: failed to connect to dbus", Assert.Throws<RuncException>(() => m3.AddProcess(999999901)).Message);
        m3.Destroy();
        Assert.DoesNotContain(bus3.Calls, c => c.StartsWith("stop", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Scope("pfx-c3.scope")));
    }

    [Fact]
    public void Update_sets_properties_without_devices_or_freeze_then_the_files()
    {
        var (created, bus) = NewContainer("c4");
        created.AddProcess(999999944);
        bus.Calls.Clear();
        string dir = Scope("pfx-c4.scope");
        var m = new SystemdV2Manager(new V2Manager(dir, _fs.Root, false, []), SystemdManager.UnitNameFromPaths(created.Paths), bus, _ => { });
        Assert.Equal("pfx-c4.scope", m.UnitName);
        m.Update(new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 1L << 28, Swap = -1 },
            Cpu = new LinuxCpu { Shares = 512, Quota = 20000, Period = 100000 },
            Pids = new LinuxPids { Limit = 7 },
            Unified = new() { ["cpu.max"] = "max 50000" },
        });
        Assert.Equal([
            "version",
            "set pfx-c4.scope MemoryMax:t=268435456,MemorySwapMax:t=18446744073709551615,CPUWeight:t=20,CPUQuotaPeriodUSec:t=100000," +
            "CPUQuotaPerSecUSec:t=200000,TasksMax:t=7,CPUQuotaPeriodUSec:t=50000,CPUQuotaPerSecUSec:t=18446744073709551615 freeze=0",
        ], bus.Calls);
        Assert.Equal("7", File.ReadAllText(Path.Combine(dir, "pids.max")));
        Assert.Equal("268435456", File.ReadAllText(Path.Combine(dir, "memory.max")));
        Assert.Equal("max 50000", File.ReadAllText(Path.Combine(dir, "cpu.max"))); // the unified key is written last
        Assert.Equal("20", File.ReadAllText(Path.Combine(dir, "cpu.weight")));
        m.Destroy();
        Assert.False(Directory.Exists(dir));
    }

    [Theory]
    [InlineData(2UL, 1UL)]
    [InlineData(1024UL, 39UL)]
    [InlineData(262144UL, 10000UL)]
    public void Shares_become_runcs_cpu_weight(ulong shares, ulong weight) =>
        Assert.Equal(["CPUWeight:t=" + weight], SystemdProperties.ForResourcesV2(new LinuxResources { Cpu = new LinuxCpu { Shares = shares } }, [],
            () => throw new InvalidOperationException("version asked")).Select(FakeSystemd.Show));

    [Theory]
    [InlineData(50000L, 100000UL, 252, "CPUQuotaPeriodUSec:t=100000,CPUQuotaPerSecUSec:t=500000")]
    [InlineData(12345L, 100000UL, 252, "CPUQuotaPeriodUSec:t=100000,CPUQuotaPerSecUSec:t=130000")]
    [InlineData(1000L, 0UL, 252, "CPUQuotaPerSecUSec:t=10000")] // the kernel's default period
    [InlineData(-1L, 0UL, 252, "CPUQuotaPerSecUSec:t=18446744073709551615")]
    [InlineData(0L, 50000UL, 252, "CPUQuotaPeriodUSec:t=50000,CPUQuotaPerSecUSec:t=18446744073709551615")]
    [InlineData(25000L, 50000UL, 241, "CPUQuotaPerSecUSec:t=500000")] // CPUQuotaPeriodUSec needs systemd 242
    public void Cpu_quota_converts_like_runc(long quota, ulong period, int version, string expected) =>
        Assert.Equal(expected, string.Join(",", SystemdProperties.ForResourcesV2(
            new LinuxResources { Cpu = new LinuxCpu { Quota = quota, Period = period } }, [], () => version).Select(FakeSystemd.Show)));

    [Theory]
    [InlineData("cpu.max", "20000", "CPUQuotaPeriodUSec:t=100000,CPUQuotaPerSecUSec:t=200000")]
    [InlineData("cpu.max", " max 50000\n", "CPUQuotaPeriodUSec:t=50000,CPUQuotaPerSecUSec:t=18446744073709551615")]
    [InlineData("cpu.weight", "100", "CPUWeight:t=100")]
    [InlineData("cpuset.cpus", "0-2,9", "AllowedCPUs:ay=07 02")]
    [InlineData("cpuset.mems", "1", "AllowedMemoryNodes:ay=02")]
    [InlineData("memory.max", "max", "MemoryMax:t=18446744073709551615")]
    [InlineData("memory.high", "4096", "MemoryHigh:t=4096")]
    [InlineData("memory.low", "1024", "MemoryLow:t=1024")]
    [InlineData("memory.min", "512", "MemoryMin:t=512")]
    [InlineData("memory.swap.max", "0", "MemorySwapMax:t=0")]
    [InlineData("pids.max", "42", "TasksMax:t=42")]
    [InlineData("memory.oom.group", "1", "")]
    [InlineData("io.max", "8:0 rbps=1", "")]
    public void Unified_keys_map_to_systemd_properties_where_runc_maps_them(string key, string value, string expected) =>
        Assert.Equal(expected, string.Join(",", SystemdProperties.ForResourcesV2(
            new LinuxResources { Unified = new() { [key] = value } }, [], () => 252).Select(FakeSystemd.Show)));

    [Fact]
    public void Unified_cpusets_need_systemd_244_and_bad_values_are_refused()
    {
        Assert.Empty(SystemdProperties.ForResourcesV2(new LinuxResources { Unified = new() { ["cpuset.cpus"] = "0-1" } }, [], () => 243));
        Assert.Empty(SystemdProperties.ForResourcesV2(new LinuxResources { Cpu = new LinuxCpu { Cpus = "0-1", Mems = "0" } }, [], () => 243));
        RuncException Bad(string key, string value) => Assert.Throws<RuncException>(() =>
            SystemdProperties.ForResourcesV2(new LinuxResources { Unified = new() { [key] = value } }, [], () => 252));
        Assert.Equal("unified resource \"memory.max\" value conversion error: invalid number \"12k\"", Bad("memory.max", "12k").Message);
        Assert.Equal("unified resource \"cpu.max\" value invalid: \"1 2 3\"", Bad("cpu.max", "1 2 3").Message);
        Assert.Equal("unified resource \"cpu.max\" value conversion error: invalid number \"x\"", Bad("cpu.max", "x 100000").Message);
        Assert.StartsWith("unified resource \"cpuset.cpus\"=\"a\" conversion error: ", Bad("cpuset.cpus", "a").Message);
        Assert.Contains("CONTROLLER.PARAMETER", Bad("memory", "1").Message);
        Assert.Contains("no slashes", Bad("a/b.max", "1").Message);
    }

    [Fact]
    public void Unified_hosts_route_the_systemd_driver_here_except_rootless()
    {
        var l = CgroupLayout.Parse("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/user.slice/session-1.scope\n");
        var bus = new FakeSystemd(_fs.Root);
        var sd = Assert.IsType<SystemdV2Manager>(CgroupManager.Create(null, "", "c1", true, false, l, bus));
        Assert.Equal("/sys/fs/cgroup/system.slice/runc-c1.scope", sd.Paths[""]);
        Assert.Equal("runc-c1.scope", sd.UnitName);
        var custom = Assert.IsType<SystemdV2Manager>(CgroupManager.Create(null, "a-b.slice:pfx:x", "c1", true, false, l, bus));
        Assert.Equal("/sys/fs/cgroup/a.slice/a-b.slice/pfx-x.scope", custom.Paths[""]);
        Assert.IsType<V2Manager>(CgroupManager.Create(null, "", "c1", true, true, l, bus));
        Assert.Empty(bus.Calls); // routing asks nothing of systemd
    }
}
