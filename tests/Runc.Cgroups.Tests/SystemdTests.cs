using Runc.Cgroups.Devices;
using Runc.Cgroups.Systemd;
using Runc.Oci;
using Xunit;

namespace Runc.Cgroups.Tests;

public class SystemdTests
{
    [Theory]
    [InlineData("system.slice", "/system.slice")]
    [InlineData("a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice")]
    [InlineData("-.slice", "/")]
    public void Slices_expand(string slice, string path) => Assert.Equal(path, SystemdUnitName.ExpandSlice(slice));

    [Theory]
    [InlineData("a--b.slice")]
    [InlineData("-a.slice")]
    [InlineData("a.scope")]
    [InlineData("a/b.slice")]
    public void Bad_slices_are_refused(string slice) => Assert.Throws<RuncException>(() => SystemdUnitName.ExpandSlice(slice));

    [Fact]
    public void Cgroups_path_forms()
    {
        var u = SystemdUnitName.Parse("machine.slice:libpod:abc", "id");
        Assert.Equal("libpod-abc.scope", u.UnitName);
        Assert.Equal("/machine.slice/libpod-abc.scope", u.CgroupPath);
        Assert.Equal("/system.slice/runc-id.scope", SystemdUnitName.Parse("", "id").CgroupPath);
        Assert.Equal("/user.slice/runc-id.scope", SystemdUnitName.Parse(null, "id", rootless: true).CgroupPath);
        Assert.Equal("/a.slice/a-b.slice", SystemdUnitName.Parse("a.slice::a-b.slice", "id").CgroupPath);
        Assert.Throws<RuncException>(() => SystemdUnitName.Parse("/foo", "id"));
    }

    private static object Prop(List<SystemdProperty> props, string name) => Assert.Single(props, p => p.Name == name).Value;

    [Fact]
    public void Resources_map_to_unit_properties()
    {
        var r = new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 1 << 20, Swap = 2 << 20 },
            Cpu = new LinuxCpu { Shares = 1024, Quota = 12345, Period = 100000, Cpus = "0-2,9", Mems = "0" },
            Pids = new LinuxPids { Limit = -1 },
            BlockIo = new LinuxBlockIo { Weight = 500 },
        };
        var v2 = SystemdProperties.ForResourcesV2(r, [], () => 252);
        Assert.Equal((ulong)(1 << 20), Prop(v2, "MemoryMax"));
        Assert.Equal((ulong)(1 << 20), Prop(v2, "MemorySwapMax"));
        Assert.Equal(39UL, Prop(v2, "CPUWeight"));
        Assert.Equal(130000UL, Prop(v2, "CPUQuotaPerSecUSec")); // 123450 rounded up to 1% steps
        Assert.Equal(100000UL, Prop(v2, "CPUQuotaPeriodUSec"));
        Assert.Equal(new byte[] { 0x07, 0x02 }, (byte[])Prop(v2, "AllowedCPUs"));
        Assert.Equal(ulong.MaxValue, Prop(v2, "TasksMax"));
        Assert.DoesNotContain(v2, p => p.Name is "IOWeight" or "BlockIOWeight"); // runc 1.1.5's v2 driver leaves io to the files

        var v1 = SystemdProperties.ForResourcesV1(r, [], () => 252);
        Assert.Equal((ulong)(1 << 20), Prop(v1, "MemoryLimit"));
        Assert.Equal(1024UL, Prop(v1, "CPUShares"));
        Assert.Equal(500UL, Prop(v1, "BlockIOWeight"));
    }

    static readonly Func<string, bool> AllNodesExist = _ => true;

    [Fact]
    public void Devices_map_like_runcs_generateDeviceProperties()
    {
        var rules = DefaultDevices.ForContainer([new DeviceRule('a', -1, -1, "rwm", false)]);
        var props = SystemdProperties.ForDevices(rules, AllNodesExist, (t, m) => t == 'c' && m == 136 ? "char-pts" : null);
        Assert.Equal(["DevicePolicy", "DeviceAllow", "DeviceAllow"], props.Select(p => p.Name));
        Assert.Equal("strict", props[0].Value);
        Assert.Empty((IReadOnlyList<(string, string)>)props[1].Value); // empties what the unit had
        var allow = (IReadOnlyList<(string, string)>)props[2].Value;
        // runc's emulator order: (major, minor, type), wildcards first.
        Assert.Equal(("block-*", "m"), allow[0]);
        Assert.Equal(("char-*", "m"), allow[1]);
        Assert.Equal(("/dev/char/1:3", "rwm"), allow[2]);
        Assert.Equal(("char-pts", "rwm"), allow[^1]);
    }

    [Fact]
    public void Device_lists_systemd_cannot_express()
    {
        var warnings = new List<string>();
        // Allow everything: DevicePolicy=auto, no entries.
        var all = SystemdProperties.ForDevices([new DeviceRule('a', -1, -1, "rwm", true)], AllNodesExist, (_, _) => null, warnings.Add);
        Assert.Equal(["DevicePolicy", "DeviceAllow"], all.Select(p => p.Name));
        Assert.Equal("auto", all[0].Value);
        // A deny-list with holes: a temporary deny-all, with a warning (our own cgroup writes follow).
        var deny = SystemdProperties.ForDevices([new DeviceRule('a', -1, -1, "rwm", true), new DeviceRule('b', 8, 0, "rwm", false)],
            AllNodesExist, (_, _) => null, warnings.Add);
        Assert.Equal(["DevicePolicy", "DeviceAllow"], deny.Select(p => p.Name));
        Assert.Equal("strict", deny[0].Value);
        Assert.Contains(warnings, w => w.Contains("blacklist", StringComparison.Ordinal));
        // '*:n', an unknown device group and a missing node are skipped with a warning each.
        warnings.Clear();
        var odd = SystemdProperties.ForDevices([new DeviceRule('c', -1, 3, "r", true), new DeviceRule('c', 240, -1, "r", true),
            new DeviceRule('b', 7, 99, "r", true)], _ => false, (_, _) => null, warnings.Add);
        Assert.Empty((IReadOnlyList<(string, string)>)odd[^1].Value);
        Assert.Equal(3, warnings.Count);
        // Nothing known (a rollback of an update): no device properties at all.
        Assert.Empty(SystemdProperties.ForDevices([]));
    }

    [Fact]
    public void Device_groups_come_from_proc_devices()
    {
        string[] procDevices = ["Character devices:", "  1 mem", "136 pts", "", "Block devices:", "  7 loop", "259 blkext"];
        Assert.Equal("char-pts", SystemdProperties.FindDeviceGroup('c', 136, procDevices));
        Assert.Equal("block-loop", SystemdProperties.FindDeviceGroup('b', 7, procDevices));
        Assert.Null(SystemdProperties.FindDeviceGroup('c', 7, procDevices));
    }

    [Fact]
    public void V1_new_unit_properties_are_runcs()
    {
        var scope = SystemdProperties.ForNewUnitV1(SystemdUnitName.Parse("machine.slice:libpod:abc", "id"), 42);
        Assert.Equal(["Description", "Slice", "Delegate", "PIDs", "MemoryAccounting", "CPUAccounting", "BlockIOAccounting",
            "TasksAccounting", "DefaultDependencies"], scope.Select(p => p.Name));
        Assert.Equal("libcontainer container abc", scope[0].Value);
        Assert.Equal("machine.slice", scope[1].Value);
        Assert.Equal(new uint[] { 42 }, (uint[])scope[3].Value);
        Assert.Equal(false, scope[^1].Value);
        // A slice unit is wanted by its parent and gets no Delegate; pid -1 sends no PIDs.
        var slice = SystemdProperties.ForNewUnitV1(SystemdUnitName.Parse("a.slice::a-b.slice", "id"), -1);
        Assert.Equal(["Description", "Wants", "MemoryAccounting", "CPUAccounting", "BlockIOAccounting", "TasksAccounting",
            "DefaultDependencies"], slice.Select(p => p.Name));
        Assert.Equal("-c1.scope", SystemdUnitName.Parse(":" + ":c1", "id").UnitName); // runc's getUnitName with no prefix
    }

    [Theory]
    [InlineData(241, false, false)]
    [InlineData(243, true, false)]
    [InlineData(252, true, true)]
    public void V1_resources_follow_runcs_order_and_systemd_version(int version, bool period, bool cpuset)
    {
        var r = new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 1 << 20 },
            Cpu = new LinuxCpu { Shares = 512, Quota = 50000, Period = 100000, Cpus = "0-1", Mems = "0" },
            Pids = new LinuxPids { Limit = 100 },
            BlockIo = new LinuxBlockIo { Weight = 300 },
        };
        var props = SystemdProperties.ForResourcesV1(r, [], () => version);
        var expected = new List<string> { "MemoryLimit", "CPUShares" };
        if (period) expected.Add("CPUQuotaPeriodUSec");
        expected.AddRange(["CPUQuotaPerSecUSec", "BlockIOWeight", "TasksMax"]);
        if (cpuset) expected.AddRange(["AllowedCPUs", "AllowedMemoryNodes"]);
        Assert.Equal(expected, props.Select(p => p.Name));
        Assert.Equal(500000UL, Prop(props, "CPUQuotaPerSecUSec"));
    }

    [Fact]
    public void V1_resources_ask_the_version_only_when_needed_and_map_unlimited()
    {
        int asked = 0;
        var r = new LinuxResources { Memory = new LinuxMemory { Limit = -1 }, Pids = new LinuxPids { Limit = -1 }, Cpu = new LinuxCpu { Quota = -1 } };
        var props = SystemdProperties.ForResourcesV1(r, [], () => { asked++; return 252; });
        Assert.Equal(0, asked);
        Assert.Equal(ulong.MaxValue, Prop(props, "MemoryLimit"));
        Assert.Equal(ulong.MaxValue, Prop(props, "TasksMax"));
        Assert.Equal(ulong.MaxValue, Prop(props, "CPUQuotaPerSecUSec"));
        // runc sends TasksMax only for a positive limit or -1.
        Assert.DoesNotContain(SystemdProperties.ForResourcesV1(new LinuxResources { Pids = new LinuxPids { Limit = -2 } }, [], () => 252),
            p => p.Name == "TasksMax");
    }

    [Theory]
    [InlineData("v245.4-1.fc32", 245)]
    [InlineData("systemd 252 (252.19-1~deb12u1)", 252)]
    [InlineData("v-7", 7)]
    [InlineData("252", 252)]
    [InlineData("245-1.fc32", 245)]
    public void Systemd_versions_parse_like_runc(string text, int version) => Assert.Equal(version, SystemdProperties.ParseVersion(text));

    [Fact]
    public void Unparsable_versions_are_refused()
    {
        Assert.Throws<RuncException>(() => SystemdProperties.ParseVersion("unknown"));
        Assert.Throws<RuncException>(() => SystemdProperties.ParseVersion("v99999999999"));
    }

    [Fact]
    public void Properties_round_trip_through_the_dbus_marshaller()
    {
        List<SystemdProperty> props =
        [
            new("Description", "a\ttab\nnewline\\slash"), new("Delegate", true), new("MemoryLimit", ulong.MaxValue),
            new("PIDs", new uint[] { 1, 42 }), new("AllowedCPUs", new byte[] { 0x07, 0x02 }),
            new("DeviceAllow", (IReadOnlyList<(string, string)>)[("char-*", "m"), ("/dev/char/1:3", "rwm")]),
            new("DeviceAllow", (IReadOnlyList<(string, string)>)[]),
        ];
        var w = new Runc.Cgroups.Systemd.DBus.DBusWriter();
        w.Write("a(sv)", SystemdDbusClient.PropertyArray(props));
        var back = (List<object>)new Runc.Cgroups.Systemd.DBus.DBusReader(w.ToArray()).Read("a(sv)");
        Assert.Equal(props.Count, back.Count);
        for (int i = 0; i < props.Count; i++)
        {
            var f = (object[])back[i];
            var v = (Runc.Cgroups.Systemd.DBus.DBusVariant)f[1];
            Assert.Equal(props[i].Name, f[0]);
            Assert.Equal(SystemdPropertyCodec.Signature(props[i].Value), v.Signature);
            object expected = props[i].Value switch
            {
                byte[] b => b.Cast<object>().ToList(),
                uint[] u => u.Cast<object>().ToList(),
                IReadOnlyList<(string, string)> l => l.Select(x => (object)new object[] { x.Item1, x.Item2 }).ToList(),
                var x => x,
            };
            Assert.Equivalent(expected, v.Value, strict: true);
        }
        Assert.Equal(["t", "b", "s", "ay", "au", "a(ss)"],
            new object[] { 1UL, true, "", new byte[1], new uint[1], (IReadOnlyList<(string, string)>)[] }.Select(SystemdPropertyCodec.Signature));
        Assert.Throws<RuncException>(() => SystemdPropertyCodec.Signature(1));
    }

    [Fact]
    public void Unit_object_paths_are_bus_escaped_like_go_systemd() =>
        Assert.Equal("/org/freedesktop/systemd1/unit/nrunctest_2dnpt_2esd_2escope", SystemdDbusClient.UnitObjectPath("nrunctest-npt.sd.scope"));

    [Fact]
    public void Init_cgroups_drop_init_scope_like_runc()
    {
        var map = CgroupManager.InitCgroups(["12:cpu,cpuacct:/init.scope", "1:name=systemd:/init.scope", "0::/init.scope", "4:memory:/lxc/x"]);
        Assert.Equal("/", map["cpu"]);
        Assert.Equal("/", map["cpuacct"]);
        Assert.Equal("/", map["name=systemd"]);
        Assert.Equal("/", map[""]);
        Assert.Equal("/lxc/x", map["memory"]);
    }
}
