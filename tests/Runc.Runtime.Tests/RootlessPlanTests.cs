using Runc.Cgroups.Layout;
using Runc.Linux;
using Runc.Oci;
using Runc.Runtime.Containers;
using Runc.Runtime.Launch;
using Runc.Runtime.Plan;

namespace Runc.Runtime.Tests;

/// <summary>The pure parts of rootless support: when a mapping tool is needed, mount op flags, the cgroup v2 fallback.</summary>
public class RootlessPlanTests
{
    private static LinuxIdMapping M(uint c, uint h, uint s) => new() { ContainerId = c, HostId = h, Size = s };

    [Fact]
    public void OnlyTheCallersOwnSingleGid_NeedsNoMappingTool()
    {
        Assert.False(IdMaps.RequiresMappingTool([M(0, 1000, 1)], 1000));
        Assert.True(IdMaps.RequiresMappingTool([M(0, 1000, 1)], 1001));
        Assert.True(IdMaps.RequiresMappingTool([M(0, 1000, 2)], 1000));
        Assert.True(IdMaps.RequiresMappingTool([M(0, 1000, 1), M(1, 100000, 65536)], 1000));
    }

    private static LaunchOptions Options(Dictionary<int, int>? trees = null) => new()
    {
        Bundle = "/bundle",
        Rootfs = "/bundle/rootfs",
        MountTrees = trees ?? new Dictionary<int, int>(),
    };

    private static Spec WithIdmapMount()
    {
        var spec = DefaultSpec.Create(true, 1000, 1000);
        spec.Process!.Terminal = false;
        spec.Mounts!.Add(new Mount { Destination = "/data", Type = "bind", Source = "/tmp", Options = ["bind", "idmap", "ro"] });
        return spec;
    }

    [Fact]
    public void IdmappedMount_IsMovedFromTheParentsTreeFd()
    {
        var spec = WithIdmapMount();
        int index = spec.Mounts!.Count - 1;
        var plan = InitPlanner.Plan(spec, Options(new() { [index] = 42 }), null).Plan;
        int at = plan.Descriptions.ToList().FindIndex(d => d == "mount \"/tmp\" on \"/data\"");
        Assert.True(at >= 0);
        var op = plan.Ops[at];
        Assert.Equal(OpCode.Mount, op.Code);
        Assert.Equal(42, op.A);
        Assert.True((op.Flags & (int)MountOpFlags.FromFd) != 0);
        Assert.True((op.Flags & (int)MountOpFlags.Remount) != 0); // ro still applied by the child
    }

    [Fact]
    public void MqueueAndSysfs_CarryTheirFallbackFlags()
    {
        var spec = DefaultSpec.Create(false);
        spec.Process!.Terminal = false;
        var plan = InitPlanner.Plan(spec, Options(), null).Plan;
        int mq = plan.Descriptions.ToList().FindIndex(d => d.Contains("/dev/mqueue", StringComparison.Ordinal));
        int sys = plan.Descriptions.ToList().FindIndex(d => d == "mount \"sysfs\" on \"/sys\"");
        Assert.True((plan.Ops[mq].Flags & (int)MountOpFlags.Mqueue) != 0);
        Assert.True((plan.Ops[sys].Flags & (int)MountOpFlags.Sysfs) != 0);
    }

    private static readonly CgroupLayout V2 = CgroupLayout.Parse("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n", "0::/user.slice/x.scope\n");

    [Fact]
    public void CgroupV2_WithoutDelegation_RootlessGoesOnWithoutACgroup_OnlyWithoutLimitsAndPath()
    {
        var denied = new SyscallException("mkdir \"/sys/fs/cgroup/user.slice/c1\"", Errno.EACCES);
        Assert.True(NoCgroup.CanGoWithout(denied, rootless: true, V2, new Runc.Oci.Linux()));
        Assert.False(NoCgroup.CanGoWithout(denied, rootless: false, V2, new Runc.Oci.Linux()));
        var limits = new Runc.Oci.Linux { Resources = new LinuxResources { Memory = new LinuxMemory { Limit = 1 << 20 } } };
        var e = Assert.Throws<RuncException>(() => NoCgroup.CanGoWithout(denied, rootless: true, V2, limits));
        Assert.StartsWith("rootless needs no limits + no cgrouppath when no permission is granted for cgroups: ", e.Message);
        Assert.Throws<RuncException>(() => NoCgroup.CanGoWithout(denied, rootless: true, V2, new Runc.Oci.Linux { CgroupsPath = "/x" }));
        Assert.Empty(new NoCgroup(CgroupMode.Unified).Paths);
    }
}
