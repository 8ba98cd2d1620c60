using Runc.Cgroups.Devices;
using Runc.Cgroups.Layout;
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
        var v2 = SystemdProperties.ForResources(r, [], CgroupMode.Unified);
        Assert.Equal((ulong)(1 << 20), Prop(v2, "MemoryMax"));
        Assert.Equal((ulong)(1 << 20), Prop(v2, "MemorySwapMax"));
        Assert.Equal(39UL, Prop(v2, "CPUWeight"));
        Assert.Equal(130000UL, Prop(v2, "CPUQuotaPerSecUSec")); // 123450 rounded up to 1% steps
        Assert.Equal(100000UL, Prop(v2, "CPUQuotaPeriodUSec"));
        Assert.Equal(new byte[] { 0x07, 0x02 }, (byte[])Prop(v2, "AllowedCPUs"));
        Assert.Equal(ulong.MaxValue, Prop(v2, "TasksMax"));
        Assert.Equal(4950UL, Prop(v2, "IOWeight"));

        var v1 = SystemdProperties.ForResources(r, [], CgroupMode.V1);
        Assert.Equal((ulong)(1 << 20), Prop(v1, "MemoryLimit"));
        Assert.Equal(1024UL, Prop(v1, "CPUShares"));
        Assert.Equal(500UL, Prop(v1, "BlockIOWeight"));
    }

    [Fact]
    public void Devices_and_new_unit_basics()
    {
        var rules = DefaultDevices.ForContainer([new DeviceRule('a', -1, -1, "rwm", false)]);
        var props = SystemdProperties.ForNewUnit(SystemdUnitName.Parse("", "c1"), 42, null, rules, CgroupMode.Unified);
        Assert.Equal("strict", Prop(props, "DevicePolicy"));
        var allow = (IReadOnlyList<(string, string)>)Prop(props, "DeviceAllow");
        Assert.Contains(("char-*", "m"), allow);
        Assert.Contains(("/dev/char/1:3", "rwm"), allow);
        Assert.Equal(true, Prop(props, "Delegate"));
        Assert.Equal("system.slice", Prop(props, "Slice"));
        Assert.Equal(new uint[] { 42 }, (uint[])Prop(props, "PIDs"));
    }
}
