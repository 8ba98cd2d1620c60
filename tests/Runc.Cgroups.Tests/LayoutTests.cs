using Runc.Cgroups.Layout;
using Xunit;

namespace Runc.Cgroups.Tests;

public class LayoutTests
{
    // This machine's lines (Debian 12, v1 + hybrid cgroup2 at /sys/fs/cgroup/unified).
    public const string HybridMountinfo = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
        37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
        38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    public const string HybridProcCgroup = """
        9:name=systemd:/
        8:pids:/
        4:memory:/process_api/abc
        3:cpuset:/
        1:cpu:/
        0::/
        """;

    [Fact]
    public void Hybrid_host_is_detected_with_every_controller()
    {
        var l = CgroupLayout.Parse(HybridMountinfo, HybridProcCgroup);
        Assert.Equal(CgroupMode.Hybrid, l.Mode);
        Assert.Equal("/sys/fs/cgroup/unified", l.Unified!.MountPoint);
        Assert.Equal("/sys/fs/cgroup/cpuacct", l.V1Mounts["cpuacct"].MountPoint);
        Assert.True(l.V1Mounts.ContainsKey("name=systemd"));
        Assert.False(l.V1Mounts.ContainsKey("hugetlb"));
        Assert.Equal("/process_api/abc", l.OwnCgroups["memory"]);
        Assert.Equal("/", l.OwnCgroups[""]);
    }

    [Fact]
    public void Pure_v2_and_pure_v1_and_comounted_controllers()
    {
        var v2 = CgroupLayout.Parse("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n", "0::/user.slice/x.scope\n");
        Assert.Equal(CgroupMode.Unified, v2.Mode);
        Assert.Empty(v2.V1Mounts);

        var v1 = CgroupLayout.Parse("32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw shared:5 - cgroup cgroup rw,cpu,cpuacct\n", "");
        Assert.Equal(CgroupMode.V1, v1.Mode);
        Assert.Same(v1.V1Mounts["cpu"], v1.V1Mounts["cpuacct"]);
    }

    [Fact]
    public void Mount_points_with_escapes_and_non_root_mounts()
    {
        var l = CgroupLayout.Parse("32 31 0:29 /docker/abc /sys/fs/cgroup/my\\040cpu rw - cgroup cgroup rw,cpu\n", "1:cpu:/docker/abc/inner\n");
        var m = l.V1Mounts["cpu"];
        Assert.Equal("/sys/fs/cgroup/my cpu", m.MountPoint);
        Assert.Equal("/sys/fs/cgroup/my cpu/inner", CgroupLayout.HostDir(m, l.OwnCgroups["cpu"]));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("foo", "foo")]
    [InlineData("/foo/../bar", "/bar")]
    [InlineData("../../etc", "etc")]
    [InlineData("a/../../..", ".")]
    [InlineData("/../..", "/")]
    [InlineData("a//b/./c/", "a/b/c")]
    public void CleanPath_never_climbs(string input, string expected) =>
        Assert.Equal(expected, CgroupPathRules.CleanPath(input));

    [Fact]
    public void Factory_resolves_paths_as_debian_runc_did()
    {
        var l = CgroupLayout.Parse(HybridMountinfo, HybridProcCgroup);
        // Observed with runc 1.1.5 on this host: empty → "<id>" under our own cgroup (memory differs).
        var empty = CgroupManager.Create(null, null, "c1", false, false, l);
        Assert.Equal("/sys/fs/cgroup/cpu/c1", empty.Paths["cpu"]);
        Assert.Equal("/sys/fs/cgroup/memory/process_api/abc/c1", empty.Paths["memory"]);
        Assert.Equal("/sys/fs/cgroup/unified/c1", empty.Paths[""]);
        Assert.Equal("/sys/fs/cgroup/systemd/c1", empty.Paths["name=systemd"]);
        Assert.Equal(CgroupMode.Hybrid, empty.Mode);

        var abs = CgroupManager.Create(null, "/nrunc-exp/abs", "c1", false, false, l);
        Assert.Equal("/sys/fs/cgroup/memory/nrunc-exp/abs", abs.Paths["memory"]);
        var rel = CgroupManager.Create(null, "nrunc-exp-rel", "c1", false, false, l);
        Assert.Equal("/sys/fs/cgroup/memory/process_api/abc/nrunc-exp-rel", rel.Paths["memory"]);
        var escape = CgroupManager.Create(null, "../../../etc", "c1", false, false, l);
        Assert.Equal("/sys/fs/cgroup/memory/process_api/abc/etc", escape.Paths["memory"]);
        Assert.Throws<RuncException>(() => CgroupManager.Create(null, "/", "c1", false, false, l));
    }

    [Fact]
    public void V2_relative_paths_hang_under_the_parent_of_our_cgroup()
    {
        var l = CgroupLayout.Parse("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/user.slice/session-1.scope\n");
        Assert.Equal("/sys/fs/cgroup/user.slice/c1", CgroupManager.Create(null, "", "c1", false, false, l).Paths[""]);
        Assert.Equal("/sys/fs/cgroup/a/b", CgroupManager.Create(null, "/a/b", "c1", false, false, l).Paths[""]);
    }

    [Fact]
    public void Load_rebuilds_the_same_kind_of_manager()
    {
        var v2 = CgroupManager.Load(new Dictionary<string, string> { [""] = "/sys/fs/cgroup/x" });
        Assert.Equal(CgroupMode.Unified, v2.Mode);
        var hy = CgroupManager.Load(new Dictionary<string, string> { [""] = "/u/x", ["cpu"] = "/c/x" });
        Assert.Equal(CgroupMode.Hybrid, hy.Mode);
        Assert.Equal("/c/x", hy.Paths["cpu"]);
    }
}
