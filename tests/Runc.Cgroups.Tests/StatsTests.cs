using Runc.Cgroups.Stats;
using Runc.Cgroups.V1;
using Xunit;

namespace Runc.Cgroups.Tests;

public class StatsTests
{
    [Fact]
    public void Empty_stats_have_runcs_shape()
    {
        string json = StatsJson.ToJson(new CgroupStats());
        Assert.Equal("""{"cpu":{"usage":{"kernel":0,"user":0},"throttling":{}},"cpuset":{"cpu_exclusive":0,"mem_hardwall":0,"mem_exclusive":0,"memory_migrate":0,"memory_spread_page":0,"memory_spread_slab":0,"memory_pressure":0,"sched_load_balance":0,"sched_relax_domain_level":0},"memory":{"usage":{"limit":0,"failcnt":0},"swap":{"limit":0,"failcnt":0},"kernel":{"limit":0,"failcnt":0},"kernelTCP":{"limit":0,"failcnt":0}},"pids":{},"blkio":{},"hugetlb":{},"intel_rdt":{},"network_interfaces":null}""", json);
    }

    [Fact]
    public void V1_files_are_read_like_runc()
    {
        using var fs = new FakeCgroupFs();
        fs.File("cpuacct/c1/cpuacct.usage", "13210973\n");
        fs.File("cpuacct/c1/cpuacct.usage_percpu", "13210973 0 \n");
        fs.File("cpuacct/c1/cpuacct.usage_all", "cpu user system\n0 3594857 11133381\n1 0 0\n");
        fs.File("cpuacct/c1/cpuacct.stat", "user 2\nsystem 1\n");
        fs.File("cpu/c1/cpu.stat", "nr_periods 2\nnr_throttled 0\nthrottled_time 0\n");
        fs.File("cpuset/c1/cpuset.cpus", "0-1,3\n");
        fs.File("cpuset/c1/cpuset.sched_relax_domain_level", "-1\n");
        fs.File("memory/c1/memory.stat", "cache 0\nrss 49152\n");
        fs.File("memory/c1/memory.usage_in_bytes", "569344\n");
        fs.File("memory/c1/memory.limit_in_bytes", "67108864\n");
        fs.File("memory/c1/memory.kmem.tcp.limit_in_bytes", "9223372036854771712\n");
        fs.File("pids/c1/pids.current", "1\n");
        fs.File("pids/c1/pids.max", "max\n");
        fs.File("blkio/c1/blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");
        var paths = new Dictionary<string, string>();
        foreach (string c in (string[])["cpu", "cpuacct", "cpuset", "memory", "pids", "blkio"]) paths[c] = Path.Combine(fs.Root, c, "c1");
        var s = V1StatsReader.Read(paths, []);
        Assert.Equal(13210973UL, s.Cpu.Total);
        Assert.Equal([11133381UL, 0UL], s.Cpu.PerCpuKernel);
        Assert.Equal(20_000_000UL, s.Cpu.User);
        Assert.Equal([0, 1, 3], s.Cpuset.Cpus.Select(x => (int)x));
        Assert.Equal(-1, s.Cpuset.SchedRelaxDomainLevel);
        Assert.Equal(0UL, s.Pids.Limit);
        string json = StatsJson.ToJson(s);
        Assert.Contains("\"throttling\":{\"periods\":2}", json);
        Assert.Contains("\"usage\":{\"limit\":67108864,\"usage\":569344,\"failcnt\":0}", json);
        Assert.Contains("\"kernelTCP\":{\"limit\":9223372036854771712,\"failcnt\":0}", json);
        Assert.Contains("\"raw\":{\"cache\":0,\"rss\":49152}", json);
        Assert.Contains("\"pids\":{\"current\":1}", json);
        Assert.Contains("\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":4096},{\"major\":8,\"op\":\"Write\"}]", json);
    }

    [Fact]
    public void V2_files_are_read_with_v1_compatible_swap()
    {
        using var fs = new FakeCgroupFs();
        fs.File("c1/cpu.stat", "usage_usec 10\nuser_usec 6\nsystem_usec 4\nnr_periods 0\n");
        fs.File("c1/memory.current", "100\n");
        fs.File("c1/memory.max", "max\n");
        fs.File("c1/memory.swap.current", "5\n");
        fs.File("c1/memory.swap.max", "max\n");
        fs.File("c1/memory.stat", "anon 10\nfile 20\n");
        fs.File("c1/pids.current", "3\n");
        fs.File("c1/pids.max", "20\n");
        fs.File("c1/io.stat", "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n");
        fs.File("c1/hugetlb.2MB.current", "0\n");
        fs.File("c1/hugetlb.2MB.events", "max 7\n");
        var s = V2StatsReader.Read(Path.Combine(fs.Root, "c1"), ["2MB"]);
        Assert.Equal(10_000UL, s.Cpu.Total);
        Assert.Equal(20UL, s.Memory.Cache);
        Assert.Equal(105UL, s.Memory.Swap.Usage);
        Assert.Equal(ulong.MaxValue, s.Memory.Swap.Limit);
        Assert.Equal(20UL, s.Pids.Limit);
        Assert.Equal(2, s.Blkio.IoServicedRecursive.Count);
        Assert.Equal(7UL, s.Hugetlb["2MB"].Failcnt);
    }

    [Theory]
    [InlineData(2097152UL, "2MB")]
    [InlineData(1073741824UL, "1GB")]
    [InlineData(65536UL, "64KB")]
    public void Huge_page_size_names(ulong bytes, string name) => Assert.Equal(name, StatsParsing.PageSizeName(bytes));
}
