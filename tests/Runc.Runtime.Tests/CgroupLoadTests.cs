using Runc.Cgroups.Systemd;
using Runc.Cgroups.V1;
using Runc.Cgroups.V2;
using Runc.Runtime.Containers;
using Runc.Runtime.State;

namespace Runc.Runtime.Tests;

/// <summary>delete and update get the systemd unit of a container made with --systemd-cgroup back from its saved
/// paths (nothing is asked of systemd until a call needs it).</summary>
public class CgroupLoadTests
{
    [Fact]
    public void Saved_paths_give_back_the_driver_that_made_them()
    {
        var v2Paths = new Dictionary<string, string> { [""] = "/sys/fs/cgroup/system.slice/runc-c1.scope" };
        var v2 = Assert.IsType<SystemdV2Manager>(CgroupLoad.For(new ContainerState { SystemdCgroup = true }, v2Paths));
        Assert.Equal("runc-c1.scope", v2.UnitName);
        // Rootless v2 never had a unit; without --systemd-cgroup it is the fs driver.
        Assert.IsType<V2Manager>(CgroupLoad.For(new ContainerState { SystemdCgroup = true, Rootless = true }, v2Paths));
        Assert.IsType<V2Manager>(CgroupLoad.For(new ContainerState(), v2Paths));

        var hybrid = new Dictionary<string, string>
        {
            ["devices"] = "/sys/fs/cgroup/devices/system.slice/runc-c2.scope", [""] = "/sys/fs/cgroup/unified/system.slice/runc-c2.scope",
        };
        Assert.Equal("runc-c2.scope", Assert.IsType<SystemdV1Manager>(CgroupLoad.For(new ContainerState { SystemdCgroup = true }, hybrid)).UnitName);
        Assert.IsType<V1Manager>(CgroupLoad.For(new ContainerState(), hybrid));
    }
}
