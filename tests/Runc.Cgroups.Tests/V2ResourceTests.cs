using Runc.Cgroups.V2;
using Runc.Oci;
using Xunit;

namespace Runc.Cgroups.Tests;

public class V2ResourceTests
{
    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(2UL, 1UL)]
    [InlineData(512UL, 20UL)] // runc 1.1.5 stored cpu_weight 20 for shares 512 on this host
    [InlineData(1024UL, 39UL)]
    [InlineData(262144UL, 10000UL)]
    public void Cpu_shares_to_weight(ulong shares, ulong weight) => Assert.Equal(weight, V2Convert.CpuSharesToWeight(shares));

    [Theory]
    [InlineData(10, 1UL)]
    [InlineData(500, 4950UL)]
    [InlineData(1000, 10000UL)]
    public void Blkio_weight_to_io_weight(int w, ulong io) => Assert.Equal(io, V2Convert.BlkioWeightToIoWeight((ulong)w));

    [Fact]
    public void Swap_conversion_rules()
    {
        Assert.Equal(-1, V2Convert.SwapToV2(0, -1));
        Assert.Equal(-1, V2Convert.SwapToV2(-1, 100));
        Assert.Equal(0, V2Convert.SwapToV2(0, 100));
        Assert.Equal(100, V2Convert.SwapToV2(200, 100));
        Assert.Throws<RuncException>(() => V2Convert.SwapToV2(50, 100));
        Assert.Throws<RuncException>(() => V2Convert.SwapToV2(50, 0));
        Assert.Equal("max", V2Convert.CpuMax(-1, 0));
        Assert.Equal("50000 100000", V2Convert.CpuMax(50000, 100000));
        Assert.Equal("max 100000", V2Convert.CpuMax(0, 100000));
    }

    private static (FakeCgroupFs, V2Manager) Setup()
    {
        var fs = new FakeCgroupFs();
        fs.File("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
        fs.File("cgroup.subtree_control");
        fs.File("a/cgroup.subtree_control");
        fs.File("a/c1/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
        foreach (string f in (string[])["cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle", "cpuset.cpus", "cpuset.mems", "memory.max", "memory.low",
                     "memory.swap.max", "pids.max", "io.weight", "io.max", "hugetlb.2MB.max", "rdma.max", "memory.high", "cgroup.procs"])
            fs.File("a/c1/" + f);
        return (fs, new V2Manager(Path.Combine(fs.Root, "a/c1"), fs.Root, false, ["2MB"]));
    }

    [Fact]
    public void Create_enables_controllers_in_every_ancestor()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            m.Create();
            Assert.Equal("+cpuset +cpu +io +memory +hugetlb +pids +rdma", fs.Read("cgroup.subtree_control"));
            Assert.Equal("+cpuset +cpu +io +memory +hugetlb +pids +rdma", fs.Read("a/cgroup.subtree_control"));
        }
    }

    [Fact]
    public void Every_resource_lands_in_its_v2_file()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            m.Apply(new LinuxResources
            {
                Memory = new LinuxMemory { Limit = 100, Swap = 300, Reservation = 50 },
                Cpu = new LinuxCpu { Shares = 1024, Quota = 50000, Period = 100000, Burst = 10, Idle = 1, Cpus = "0-1", Mems = "0" },
                Pids = new LinuxPids { Limit = 10 },
                BlockIo = new LinuxBlockIo { Weight = 1000, ThrottleWriteBpsDevice = [new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 42 }] },
                HugepageLimits = [new LinuxHugepageLimit { Pagesize = "2MB", Limit = 4194304 }],
                Unified = new() { ["memory.high"] = "90" },
            });
            Assert.Equal("100", fs.Read("a/c1/memory.max"));
            Assert.Equal("200", fs.Read("a/c1/memory.swap.max"));
            Assert.Equal("50", fs.Read("a/c1/memory.low"));
            Assert.Equal("39", fs.Read("a/c1/cpu.weight"));
            Assert.Equal("50000 100000", fs.Read("a/c1/cpu.max"));
            Assert.Equal("10", fs.Read("a/c1/cpu.max.burst"));
            Assert.Equal("1", fs.Read("a/c1/cpu.idle"));
            Assert.Equal("0-1", fs.Read("a/c1/cpuset.cpus"));
            Assert.Equal("10", fs.Read("a/c1/pids.max"));
            Assert.Equal("10000", fs.Read("a/c1/io.weight"));
            Assert.Equal("8:0 wbps=42", fs.Read("a/c1/io.max"));
            Assert.Equal("4194304", fs.Read("a/c1/hugetlb.2MB.max"));
            Assert.Equal("90", fs.Read("a/c1/memory.high"));

            m.Apply(new LinuxResources { Memory = new LinuxMemory { Limit = 100, Swap = 100 } });
            Assert.Equal("0", fs.Read("a/c1/memory.swap.max")); // memory == memory+swap: no swap
            m.Apply(new LinuxResources { Memory = new LinuxMemory { Limit = -1 } });
            Assert.Equal("max", fs.Read("a/c1/memory.max"));
            Assert.Equal("max", fs.Read("a/c1/memory.swap.max"));
        }
    }

    [Fact]
    public void Unified_keys_are_validated()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            Assert.Contains("no slashes", Assert.Throws<RuncException>(() => m.Apply(new LinuxResources { Unified = new() { ["../x"] = "1" } })).Message);
            Assert.Contains("CONTROLLER.PARAMETER", Assert.Throws<RuncException>(() => m.Apply(new LinuxResources { Unified = new() { ["foo"] = "1" } })).Message);
            var e = Assert.Throws<RuncException>(() => m.Apply(new LinuxResources { Unified = new() { ["misc.max"] = "1" } }));
            Assert.Equal("unified resource \"misc.max\" can't be set: controller \"misc\" not available", e.Message);
            Assert.Throws<RuncException>(() => m.Apply(new LinuxResources { Network = new LinuxNetwork { ClassId = 1 } }));
        }
    }

    [Fact]
    public void Freezer_and_state_via_core_files()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            fs.File("a/c1/cgroup.freeze", "0\n");
            fs.File("a/c1/cgroup.events", "populated 1\nfrozen 1\n");
            m.Freeze(); // the fake kernel already reports frozen 1
            Assert.Equal("1", fs.Read("a/c1/cgroup.freeze"));
            Assert.Equal(FreezerState.Frozen, m.GetFreezerState());
            Assert.Throws<RuncException>(m.Create); // a frozen cgroup is refused
            fs.File("a/c1/cgroup.events", "populated 1\nfrozen 0\n");
            m.Thaw();
            Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
        }
    }
}
