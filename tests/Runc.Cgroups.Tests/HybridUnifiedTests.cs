using Runc.Cgroups.Layout;
using Runc.Cgroups.Stats;
using Runc.Cgroups.V1;
using Runc.Oci;
using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>
/// Hybrid hosts: v1 controller hierarchies plus a cgroup2 tree (/sys/fs/cgroup/unified) that may host controllers
/// v1 does not mount (hugetlb) and always has the core files. A rootless container on a delegated cgroup2 subtree
/// keeps only that directory (its v1 mkdirs fail), so freezing, hugetlb and unified keys must work from it.
/// </summary>
public class HybridUnifiedTests
{
    /// <summary>memory (v1) + "" = unified/deleg/c1; the cgroup2 root and the delegated dir offer hugetlb.</summary>
    private static (FakeCgroupFs fs, V1Manager m) Setup(bool withFreezer = false)
    {
        var fs = new FakeCgroupFs();
        var paths = new Dictionary<string, string> { ["memory"] = Path.Combine(fs.Dir("memory"), "c1"), [""] = fs.Dir("unified/deleg/c1") };
        if (withFreezer) paths["freezer"] = fs.Dir("freezer/c1");
        fs.File("unified/cgroup.controllers", "hugetlb\n");
        fs.File("unified/cgroup.subtree_control", "");
        fs.File("unified/deleg/cgroup.controllers", "hugetlb\n");
        fs.File("unified/deleg/cgroup.subtree_control", "");
        fs.File("unified/deleg/c1/cgroup.controllers", "");
        fs.File("unified/deleg/c1/cgroup.freeze", "0\n");
        fs.File("unified/deleg/c1/cgroup.events", "populated 1\nfrozen 1\n");
        return (fs, new V1Manager(paths, new Dictionary<string, string>(), rootless: true, hugePageSizes: ["2MB"]));
    }

    [Fact]
    public void Hugetlb_without_a_v1_hierarchy_enables_the_controller_top_down_and_writes_the_v2_file()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            var limits = new LinuxResources { HugepageLimits = [new LinuxHugepageLimit { Pagesize = "2MB", Limit = 4194304 }] };
            // The fake kernel never propagates: the controller stays missing in c1, so runc's sentence, after trying.
            var e = Assert.Throws<RuncException>(() => m.Apply(limits));
            Assert.Equal("cannot set hugetlb limit: container could not join or create cgroup", e.Message);
            Assert.Equal("+hugetlb", fs.Read("unified/cgroup.subtree_control"));
            Assert.Equal("+hugetlb", fs.Read("unified/deleg/cgroup.subtree_control"));

            fs.File("unified/deleg/c1/cgroup.controllers", "hugetlb\n");
            fs.File("unified/deleg/c1/hugetlb.2MB.max", "max\n");
            m.Apply(limits);
            Assert.Equal("4194304", fs.Read("unified/deleg/c1/hugetlb.2MB.max"));
        }
    }

    [Fact]
    public void Unified_keys_of_hosted_controllers_pass_on_hybrid_and_others_get_runcs_refusal()
    {
        CgroupManager.Validate(new LinuxResources { Unified = new() { ["hugetlb.2MB.max"] = "0", ["cgroup.max.descendants"] = "5" } },
            CgroupMode.Hybrid, ["hugetlb"]);
        foreach (var (mode, hosted) in new[] { (CgroupMode.Hybrid, (string[])["hugetlb"]), (CgroupMode.V1, ["hugetlb"]), (CgroupMode.Hybrid, []) })
        {
            var e = Assert.Throws<RuncException>(() => CgroupManager.Validate(
                new LinuxResources { Unified = new() { [mode == CgroupMode.V1 || hosted.Length == 0 ? "hugetlb.2MB.max" : "memory.max"] = "1" } }, mode, hosted));
            Assert.Equal("invalid configuration: cannot use unified on cgroup v1", e.Message);
        }

        var (fs, m) = Setup();
        using (fs)
        {
            fs.File("unified/deleg/c1/cgroup.controllers", "hugetlb\n");
            fs.File("unified/deleg/c1/hugetlb.1GB.max", "max\n");
            fs.File("unified/deleg/c1/cgroup.max.descendants", "max\n");
            m.Apply(new LinuxResources { Unified = new() { ["hugetlb.1GB.max"] = "0", ["cgroup.max.descendants"] = "5" } });
            Assert.Equal("0", fs.Read("unified/deleg/c1/hugetlb.1GB.max"));
            Assert.Equal("5", fs.Read("unified/deleg/c1/cgroup.max.descendants"));
        }
    }

    [Fact]
    public void Unified_keys_after_the_cgroup2_dir_could_not_be_made_are_runcs_cannot_join()
    {
        var fs = new FakeCgroupFs();
        using (fs)
        {
            var m = new V1Manager(new Dictionary<string, string> { ["memory"] = fs.Dir("memory/c1") }, new Dictionary<string, string>(),
                rootless: true, hugePageSizes: []);
            Assert.Equal(CgroupMode.V1, m.Mode);
            Assert.Equal("invalid configuration: cannot use unified on cgroup v1",
                Assert.Throws<RuncException>(() => m.Apply(new LinuxResources { Unified = new() { ["hugetlb.2MB.max"] = "0" } })).Message);
        }
    }

    [Fact]
    public void Without_a_v1_freezer_cgroup_the_cgroup2_core_freezer_is_used()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
            m.Freeze();
            Assert.Equal("1", fs.Read("unified/deleg/c1/cgroup.freeze"));
            Assert.Equal(FreezerState.Frozen, m.GetFreezerState());
            fs.File("unified/deleg/c1/cgroup.events", "populated 1\nfrozen 0\n");
            m.Thaw();
            Assert.Equal("0", fs.Read("unified/deleg/c1/cgroup.freeze"));
            Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
        }

        // A v1 freezer cgroup of our own still wins.
        var (fs2, m2) = Setup(withFreezer: true);
        using (fs2)
        {
            fs2.File("freezer/c1/freezer.state", "THAWED\n");
            Assert.Equal(FreezerState.Thawed, m2.GetFreezerState());
            fs2.File("unified/deleg/c1/cgroup.freeze", "1\n");
            Assert.Equal(FreezerState.Thawed, m2.GetFreezerState());
        }
    }
}
