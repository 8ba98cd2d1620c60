using Runc.Cgroups.Devices;
using Runc.Cgroups.Devices.Ebpf;
using Runc.Oci;
using Xunit;
using static Runc.Cgroups.Devices.Ebpf.DeviceFilterProgram;

namespace Runc.Cgroups.Tests;

public class DeviceFilterTests
{
    private static readonly DeviceRule DenyAll = new('a', -1, -1, "rwm", false);

    private static List<BpfInsn> ContainerProgram() =>
        DeviceFilterProgram.Build(DefaultDevices.ForContainer([DenyAll, new DeviceRule('b', 8, 0, "r", true)]));

    [Theory]
    [InlineData(DevChar, AccRead | AccWrite, 1u, 3u, 1)]   // /dev/null
    [InlineData(DevChar, AccRead | AccWrite, 1u, 5u, 1)]   // /dev/zero
    [InlineData(DevChar, AccRead, 136u, 7u, 1)]             // /dev/pts/7
    [InlineData(DevChar, AccMknod, 4u, 1u, 1)]              // mknod of any char device
    [InlineData(DevBlock, AccMknod, 8u, 16u, 1)]            // mknod of any block device
    [InlineData(DevChar, AccRead, 4u, 1u, 0)]               // /dev/tty1: denied
    [InlineData(DevBlock, AccRead, 8u, 0u, 1)]              // /dev/sda read allowed by the spec rule
    [InlineData(DevBlock, AccWrite, 8u, 0u, 0)]             // ... but not write
    [InlineData(DevBlock, AccRead | AccWrite, 8u, 0u, 0)]   // access must be a subset
    [InlineData(DevChar, AccRead, 10u, 200u, 1)]            // /dev/net/tun
    [InlineData(DevChar, AccRead, 10u, 229u, 0)]            // /dev/fuse
    public void Container_policy(int type, int access, uint major, uint minor, int verdict) =>
        Assert.Equal(verdict, BpfInterpreter.Run(ContainerProgram(), type, access, major, minor));

    [Fact]
    public void Allow_all_then_deny_one_is_a_deny_list()
    {
        var prog = DeviceFilterProgram.Build([new DeviceRule('a', -1, -1, "rwm", true), new DeviceRule('c', 1, 3, "w", false)]);
        Assert.Equal(1, BpfInterpreter.Run(prog, DevChar, AccRead, 1, 3));
        Assert.Equal(0, BpfInterpreter.Run(prog, DevChar, AccWrite, 1, 3));
        Assert.Equal(1, BpfInterpreter.Run(prog, DevBlock, AccWrite, 8, 0));
    }

    [Fact]
    public void No_rules_means_deny_everything_and_later_rules_win()
    {
        var none = DeviceFilterProgram.Build([]);
        Assert.Equal(0, BpfInterpreter.Run(none, DevChar, AccRead, 1, 3));
        // allow then deny of the same device: v1 semantics remove the exception.
        var prog = DeviceFilterProgram.Build([DenyAll, new DeviceRule('c', 1, 3, "rwm", true), new DeviceRule('c', 1, 3, "w", false)]);
        Assert.Equal(1, BpfInterpreter.Run(prog, DevChar, AccRead, 1, 3));
        Assert.Equal(0, BpfInterpreter.Run(prog, DevChar, AccWrite, 1, 3));
    }

    [Fact]
    public void Punching_a_hole_in_a_wildcard_is_refused()
    {
        var e = Assert.Throws<RuncException>(() => DeviceRuleSet.FromRules(
            [DenyAll, new DeviceRule('c', 1, -1, "rwm", true), new DeviceRule('c', 1, 3, "r", false)]));
        Assert.Contains("cannot punch a hole", e.Message);
    }

    [Fact]
    public void Oci_defaults_and_validation()
    {
        Assert.Equal(new DeviceRule('a', -1, -1, "rwm", false), DeviceRule.FromOci(new LinuxDeviceCgroup { Allow = false }));
        Assert.Throws<SpecException>(() => DeviceRule.FromOci(new LinuxDeviceCgroup { Type = "x" }));
        Assert.Throws<SpecException>(() => DeviceRule.FromOci(new LinuxDeviceCgroup { Access = "rx" }));
        Assert.Equal(8 * ContainerProgram().Count, BpfInsn.ToBytes(ContainerProgram()).Length);
    }
}
