using Runc.Cgroups.Devices;
using Runc.Cgroups.V1;
using Runc.Oci;
using Xunit;

namespace Runc.Cgroups.Tests;

public class V1ResourceTests
{
    private static (FakeCgroupFs fs, V1Manager m) Setup()
    {
        var fs = new FakeCgroupFs();
        var paths = new Dictionary<string, string>();
        var mounts = new Dictionary<string, string>();
        foreach (string c in (string[])["cpu", "cpuset", "memory", "pids", "blkio", "devices", "freezer", "hugetlb", "net_cls", "net_prio", "rdma"])
        {
            mounts[c] = fs.Dir(c);
            paths[c] = Path.Combine(fs.Root, c, "c1");
        }
        fs.File("cpuset/cpuset.cpus", "0-3\n");
        fs.File("cpuset/cpuset.mems", "0\n");
        return (fs, new V1Manager(paths, mounts, rootless: false, hugePageSizes: ["2MB"]));
    }

    private static void Files(FakeCgroupFs fs, string controller, params string[] files)
    {
        foreach (string f in files) fs.File(controller + "/c1/" + f, f.EndsWith("limit_in_bytes") ? "9223372036854771712" : "");
    }

    [Fact]
    public void Create_makes_dirs_and_copies_cpuset_down_from_the_parent()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            fs.File("cpuset/c1/cpuset.cpus", "");
            fs.File("cpuset/c1/cpuset.mems", "");
            m.Create();
            Assert.True(Directory.Exists(m.Paths["pids"]));
            Assert.Equal("0-3", fs.Read("cpuset/c1/cpuset.cpus"));
            Assert.Equal("0", fs.Read("cpuset/c1/cpuset.mems"));
            fs.File("freezer/c1/freezer.state", "FROZEN\n");
            Assert.Throws<RuncException>(m.Create);
        }
    }

    [Fact]
    public void Memory_limits_swap_ordering_and_options()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            Files(fs, "memory", "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
                "memory.swappiness", "memory.oom_control", "memory.kmem.tcp.limit_in_bytes");
            m.Apply(new LinuxResources
            {
                Memory = new LinuxMemory { Limit = 67108864, Reservation = 33554432, Swap = 134217728, Swappiness = 10, DisableOomKiller = true, KernelTcp = 4096 },
            });
            Assert.Equal("67108864", fs.Read("memory/c1/memory.limit_in_bytes"));
            Assert.Equal("134217728", fs.Read("memory/c1/memory.memsw.limit_in_bytes"));
            Assert.Equal("33554432", fs.Read("memory/c1/memory.soft_limit_in_bytes"));
            Assert.Equal("10", fs.Read("memory/c1/memory.swappiness"));
            Assert.Equal("1", fs.Read("memory/c1/memory.oom_control"));
            Assert.Equal("4096", fs.Read("memory/c1/memory.kmem.tcp.limit_in_bytes"));

            // -1 memory with no swap: both unlimited.
            m.Apply(new LinuxResources { Memory = new LinuxMemory { Limit = -1 } });
            Assert.Equal("-1", fs.Read("memory/c1/memory.limit_in_bytes"));
            Assert.Equal("-1", fs.Read("memory/c1/memory.memsw.limit_in_bytes"));
            Assert.Throws<RuncException>(() => m.Apply(new LinuxResources { Memory = new LinuxMemory { Swappiness = 101 } }));
        }
    }

    [Fact]
    public void Cpu_cpuset_pids_blkio_hugetlb_net_rdma()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            Files(fs, "cpu", "cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us", "cpu.idle", "cpu.rt_period_us", "cpu.rt_runtime_us");
            Files(fs, "cpuset", "cpuset.cpus", "cpuset.mems");
            Files(fs, "pids", "pids.max");
            Files(fs, "blkio", "blkio.bfq.weight", "blkio.bfq.weight_device", "blkio.throttle.read_bps_device", "blkio.throttle.write_iops_device");
            Files(fs, "hugetlb", "hugetlb.2MB.limit_in_bytes");
            Files(fs, "net_cls", "net_cls.classid");
            Files(fs, "net_prio", "net_prio.ifpriomap");
            Files(fs, "rdma", "rdma.max");
            m.Apply(new LinuxResources
            {
                Cpu = new LinuxCpu { Shares = 512, Quota = 50000, Period = 100000, Burst = 1000, Idle = 0, RealtimePeriod = 1000000, RealtimeRuntime = 950000, Cpus = "0", Mems = "0" },
                Pids = new LinuxPids { Limit = 64 },
                BlockIo = new LinuxBlockIo
                {
                    Weight = 500,
                    WeightDevice = [new LinuxWeightDevice { Major = 8, Minor = 0, Weight = 300 }],
                    ThrottleReadBpsDevice = [new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 1048576 }],
                    ThrottleWriteIopsDevice = [new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 100 }],
                },
                HugepageLimits = [new LinuxHugepageLimit { Pagesize = "2MB", Limit = 2097152 }],
                Network = new LinuxNetwork { ClassId = 0x100001, Priorities = [new LinuxInterfacePriority { Name = "eth0", Priority = 5 }] },
                Rdma = new() { ["mlx4_0"] = new LinuxRdma { HcaHandles = 2, HcaObjects = 2000 } },
            });
            // cpu.shares is read back to detect clamping; the fake file keeps what we wrote.
            Assert.Equal("512", fs.Read("cpu/c1/cpu.shares"));
            Assert.Equal("50000", fs.Read("cpu/c1/cpu.cfs_quota_us"));
            Assert.Equal("100000", fs.Read("cpu/c1/cpu.cfs_period_us"));
            Assert.Equal("1000", fs.Read("cpu/c1/cpu.cfs_burst_us"));
            Assert.Equal("950000", fs.Read("cpu/c1/cpu.rt_runtime_us"));
            Assert.Equal("0", fs.Read("cpuset/c1/cpuset.cpus"));
            Assert.Equal("64", fs.Read("pids/c1/pids.max"));
            Assert.Equal("500", fs.Read("blkio/c1/blkio.bfq.weight"));
            Assert.Equal("8:0 300", fs.Read("blkio/c1/blkio.bfq.weight_device"));
            Assert.Equal("8:0 1048576", fs.Read("blkio/c1/blkio.throttle.read_bps_device"));
            Assert.Equal("8:0 100", fs.Read("blkio/c1/blkio.throttle.write_iops_device"));
            Assert.Equal("2097152", fs.Read("hugetlb/c1/hugetlb.2MB.limit_in_bytes"));
            Assert.Equal("1048577", fs.Read("net_cls/c1/net_cls.classid"));
            Assert.Equal("eth0 5", fs.Read("net_prio/c1/net_prio.ifpriomap"));
            Assert.Equal("mlx4_0 hca_handle=2 hca_object=2000", fs.Read("rdma/c1/rdma.max"));

            m.Apply(new LinuxResources { Pids = new LinuxPids { Limit = -1 } });
            Assert.Equal("max", fs.Read("pids/c1/pids.max"));
            m.Apply(new LinuxResources { Pids = new LinuxPids { Limit = 0 } }); // 0 = unchanged, as runc
            Assert.Equal("max", fs.Read("pids/c1/pids.max"));
        }
    }

    [Fact]
    public void Missing_hierarchy_and_unified_on_v1_are_refused()
    {
        var m = new V1Manager(new Dictionary<string, string> { ["cpu"] = "/nonexistent-nrunc/c1" }, new Dictionary<string, string>(), false, []);
        var e = Assert.Throws<RuncException>(() => m.Apply(new LinuxResources { Pids = new LinuxPids { Limit = 5 } }));
        Assert.Equal("cannot set pids limit: container could not join or create cgroup", e.Message);
        Assert.Throws<RuncException>(() => m.Apply(new LinuxResources { Unified = new() { ["pids.max"] = "5" } }));
    }

    [Fact]
    public void Devices_start_with_deny_all_then_rules_in_order()
    {
        var (fs, m) = Setup();
        using (fs)
        {
            // A fake file keeps only the last write, so record every write through a FIFO-free trick:
            // check the last allow and the deny file, and the rule text format separately.
            Files(fs, "devices", "devices.allow", "devices.deny");
            var rules = DefaultDevices.ForContainer([DeviceRule.FromOci(new LinuxDeviceCgroup { Allow = false, Access = "rwm" })]);
            m.ApplyDevices(rules);
            Assert.Equal("a", fs.Read("devices/c1/devices.deny"));
            Assert.Equal("c 10:200 rwm", fs.Read("devices/c1/devices.allow"));
            Assert.Equal("c *:* m", DefaultDevices.Rules[0].ToV1String());
            Assert.Equal("c 136:* rwm", DefaultDevices.Rules[8].ToV1String());
        }
    }
}
