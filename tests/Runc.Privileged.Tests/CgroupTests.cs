using System.Globalization;
using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// Issue "P1 · cgroups v1, v2 and hybrid", the cgroup-facing commands: limits land in the right files and bite
/// (memory → OOM kill + `events` oom line, pids → fork refused), `update` changes a running container, `pause`/
/// `resume` freeze and thaw, `events --stats` reports the files' numbers, `kill` on paused/stopped containers, and
/// the same config under the oracle writes the same values. The values are read from the cgroup v1 files (this
/// suite's hosts are v1 or hybrid; a pure v2 host fails with a clear message). After each test every cgroup named
/// after one of its ids must be gone, in every hierarchy (checked before the scope's last-resort reaping, and again
/// for the whole class in <see cref="CgroupLeakWatch"/>).
/// </summary>
[Collection(PrivilegedCollection.Name)]
public sealed class CgroupTests(ITestOutputHelper output, CgroupLeakWatch watch) : IClassFixture<CgroupLeakWatch>, IDisposable
{
    readonly TestScope _s = new(output);
    readonly List<(Runtime rt, string id)> _made = [];

    public void Dispose()
    {
        // Delete through the runtimes first, then look for cgroups: the scope's reaping would hide a leak.
        foreach (var (rt, id) in _made)
        {
            try { rt.Run("delete", "-f", id); } catch (HangException e) { watch.Record($"delete -f {id} hung: {e.Message}"); }
        }
        foreach (var (rt, id) in _made)
            foreach (var left in Leftovers.Eventually(() => Leftovers.Cgroups(id)))
                watch.Record($"{rt.Name} {id}: cgroup left after delete -f: {left}");
        watch.Ids(_made.Select(m => m.id));
        _s.Dispose();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    string Id(Runtime rt, string tag = "cg")
    {
        var id = _s.NewId(tag);
        _made.Add((rt, id));
        return id;
    }

    /// <summary>`run -d` of <paramref name="b"/>; returns the init pid.</summary>
    int RunDetached(Runtime rt, Bundle b, string id)
    {
        Check.Ok(rt.Run("run", "-d", "--bundle", b.Dir, id));
        return rt.State(id)["pid"]!.GetValue<int>();
    }

    static Bundle WithResources(Bundle b, JsonObject resources) => b.Edit(c =>
    {
        var linux = c["linux"]!.AsObject();
        var res = linux["resources"]?.AsObject() ?? new JsonObject();
        foreach (var (k, v) in resources) res[k] = v?.DeepClone();
        linux["resources"] = res;
    });

    /// <summary>controller → v1 mount point (co-mounted controllers each point at their shared mount).</summary>
    static Dictionary<string, string> V1Mounts()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0) continue;
            var after = line[(sep + 3)..].Split(' ');
            if (after.Length < 3 || after[0] != "cgroup") continue;
            var mountPoint = line[..sep].Split(' ')[4];
            foreach (var opt in after[2].Split(','))
                map.TryAdd(opt.StartsWith("name=", StringComparison.Ordinal) ? opt : opt, mountPoint);
        }
        return map;
    }

    /// <summary>The v1 directory of <paramref name="pid"/>'s cgroup for <paramref name="controller"/>.</summary>
    static string Dir(int pid, string controller)
    {
        var mounts = V1Mounts();
        if (!mounts.TryGetValue(controller, out var mount))
            throw new XunitException($"no cgroup v1 hierarchy for {controller} on this host (these tests read v1 files)");
        foreach (var line in File.ReadLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains(controller))
                return mount + parts[2].TrimEnd('/');
        }
        throw new XunitException($"pid {pid} has no {controller} cgroup:\n{File.ReadAllText($"/proc/{pid}/cgroup")}");
    }

    static string Read(string dir, string file) => File.ReadAllText(Path.Combine(dir, file)).Trim();

    static string Read(int pid, string controller, string file) => Read(Dir(pid, controller), file);

    static long ReadLong(int pid, string controller, string file) =>
        long.Parse(Read(pid, controller, file), CultureInfo.InvariantCulture);

    /// <summary>Waits for <paramref name="cond"/> (absorbs asynchrony; not a timing assertion).</summary>
    static bool Eventually(Func<bool> cond, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!cond())
        {
            if (DateTime.UtcNow > until) return false;
            Thread.Sleep(50);
        }
        return true;
    }

    static char ProcState(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    static List<int> Procs(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();

    static JsonObject StatsData(ProcResult r, string id)
    {
        Check.Ok(r);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.EndsWith("\n", r.Stdout);
        var ev = JsonNode.Parse(lines[0])!.AsObject();
        Check.Keys(ev, "type", "id", "data");
        Assert.Equal("stats", ev["type"]!.GetValue<string>());
        Assert.Equal(id, ev["id"]!.GetValue<string>());
        return ev["data"]!.AsObject();
    }

    // ---- limits that bite -----------------------------------------------------------------------------------------

    [PrivilegedFact]
    public void MemoryLimit_KillsAHog_AndEventsStreamReportsOom_ThenEndsWhenTheContainerStops()
    {
        var rt = _s.Runtime();
        // The hog waits for /go so that `events` is listening first; dd's 64 MiB buffer cannot fit in 32 MiB.
        var b = _s.Bundle().Shell("while [ ! -e /go ]; do sleep 0.1; done; dd if=/dev/zero of=/dev/null bs=64M count=1; echo $? > /hog-rc; sleep 1");
        WithResources(b, new JsonObject { ["memory"] = new JsonObject { ["limit"] = 32L << 20, ["swap"] = 32L << 20 } });
        b.Edit(c => c["root"]!["readonly"] = false);
        var id = Id(rt);
        var pid = RunDetached(rt, b, id);
        Assert.Equal((32L << 20).ToString(CultureInfo.InvariantCulture), Read(pid, "memory", "memory.limit_in_bytes"));

        var events = rt.Start(["events", "--interval", "1s", id]);
        Thread.Sleep(1500); // events opens its eventfd within milliseconds; this is slack, not a race being timed
        File.WriteAllText(Path.Combine(b.RootfsDir, "go"), "");
        rt.WaitForStatus(id, "stopped", TimeSpan.FromSeconds(30));
        if (Env.RuntimeIsOracle)
        {
            // runc 1.1 on cgroup v1 streams until the cgroup is removed, not until the container stops.
            Thread.Sleep(1000);
            Check.Ok(rt.Run("delete", id));
        }
        var r = events.Wait(TimeSpan.FromSeconds(15));
        Assert.False(r.TimedOut, $"events did not end after the container stopped\n{r.Describe()}");
        Check.Ok(r);

        Assert.Equal("137", File.ReadAllText(Path.Combine(b.RootfsDir, "hog-rc")).Trim()); // dd died of SIGKILL
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"{{\"type\":\"oom\",\"id\":\"{id}\"}}", lines);
        Assert.Contains(lines, l => l.StartsWith($"{{\"type\":\"stats\",\"id\":\"{id}\",\"data\":{{", StringComparison.Ordinal));
        foreach (var l in lines) Assert.IsType<JsonObject>(JsonNode.Parse(l)); // every line is one JSON object
    }

    [PrivilegedFact]
    public void PidsLimit_StopsABoundedForkBomb()
    {
        var rt = _s.Runtime();
        // At most 60 sleepers; the limit is 20. The inner shell may die when fork fails; the outer one stays.
        var b = _s.Bundle().Shell("sh -c 'i=0; while [ $i -lt 60 ]; do sleep 1000 & i=$((i+1)); done' 2>/dev/null; sleep 1000");
        WithResources(b, new JsonObject { ["pids"] = new JsonObject { ["limit"] = 20 } });
        var id = Id(rt);
        var pid = RunDetached(rt, b, id);
        var dir = Dir(pid, "pids");
        Assert.Equal("20", Read(dir, "pids.max"));
        Assert.True(Eventually(() => Read(dir, "pids.events").Split(' ') is [_, var n] && long.Parse(n, CultureInfo.InvariantCulture) > 0, TimeSpan.FromSeconds(20)),
            $"the kernel never refused a fork: pids.events = {Read(dir, "pids.events")}, pids.current = {Read(dir, "pids.current")}");
        Thread.Sleep(300);
        Assert.InRange(long.Parse(Read(dir, "pids.current"), CultureInfo.InvariantCulture), 1, 20);
        Assert.InRange(Procs(dir).Count, 1, 20);
    }

    [PrivilegedFact]
    public void CpuQuotaSharesAndCpuset_LandInTheRightFiles()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        WithResources(b, new JsonObject
        {
            ["cpu"] = new JsonObject { ["shares"] = 512, ["quota"] = 25000, ["period"] = 50000, ["cpus"] = "0", ["mems"] = "0" },
        });
        var id = Id(rt);
        var pid = RunDetached(rt, b, id);
        Assert.Equal("512", Read(pid, "cpu", "cpu.shares"));
        Assert.Equal("25000", Read(pid, "cpu", "cpu.cfs_quota_us"));
        Assert.Equal("50000", Read(pid, "cpu", "cpu.cfs_period_us"));
        Assert.Equal("0", Read(pid, "cpuset", "cpuset.cpus"));
        Assert.Equal("0", Read(pid, "cpuset", "cpuset.mems"));
        Assert.EndsWith("/" + id, Dir(pid, "cpu"));
    }

    // ---- update ----------------------------------------------------------------------------------------------------

    [PrivilegedFact]
    public void Update_ChangesTheLimitsOfARunningContainer_FromFlagsFileAndStdin()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        WithResources(b, new JsonObject { ["cpu"] = new JsonObject { ["period"] = 100000 } });
        var id = Id(rt);
        var pid = RunDetached(rt, b, id);

        Check.Ok(rt.Run("update", "--memory", "64M", "--memory-swap", "128m", "--memory-reservation", "32MiB",
            "--pids-limit", "50", "--cpu-share", "256", "--cpu-quota", "30000", "--cpuset-cpus", "0", "--cpuset-mems", "0", id));
        Assert.Equal((64L << 20).ToString(CultureInfo.InvariantCulture), Read(pid, "memory", "memory.limit_in_bytes"));
        Assert.Equal((128L << 20).ToString(CultureInfo.InvariantCulture), Read(pid, "memory", "memory.memsw.limit_in_bytes"));
        Assert.Equal((32L << 20).ToString(CultureInfo.InvariantCulture), Read(pid, "memory", "memory.soft_limit_in_bytes"));
        Assert.Equal("50", Read(pid, "pids", "pids.max"));
        Assert.Equal("256", Read(pid, "cpu", "cpu.shares"));
        Assert.Equal("30000", Read(pid, "cpu", "cpu.cfs_quota_us"));
        Assert.Equal("100000", Read(pid, "cpu", "cpu.cfs_period_us")); // quota alone keeps the period
        Assert.Equal("0", Read(pid, "cpuset", "cpuset.cpus"));

        var file = Path.Combine(_s.Dir, "res.json");
        File.WriteAllText(file, """{"memory":{"limit":33554432},"pids":{"limit":40},"unknownKey":1}""");
        Check.Ok(rt.Run("update", "-r", file, "--pids-limit", "7", id)); // with a file, the flags are ignored
        Assert.Equal("33554432", Read(pid, "memory", "memory.limit_in_bytes"));
        Assert.Equal("40", Read(pid, "pids", "pids.max"));
        Assert.Equal("256", Read(pid, "cpu", "cpu.shares")); // omitted = unchanged

        Check.Ok(rt.Run(["update", "--resources", "-", id], stdin: """{"pids":{"limit":30}}""" + "\n"));
        Assert.Equal("30", Read(pid, "pids", "pids.max"));
        Check.Ok(rt.Run(["update", "--resources=-", id], stdin: """{"pids":{"limit":-1}}"""));
        Assert.Equal("max", Read(pid, "pids", "pids.max"));

        // A failed write changes nothing that was there (memory far below the usage of the running shell).
        var bad = rt.Run("update", "--memory", "1k", id);
        Check.Rc(1, bad);
        Assert.Contains("unable to set memory limit to 1024", bad.Stderr);
        Assert.Equal("33554432", Read(pid, "memory", "memory.limit_in_bytes"));

        // The saved config sees the new limits: a later update of the period keeps the updated quota.
        Check.Ok(rt.Run("update", "--cpu-period", "60000", id));
        Assert.Equal("60000", Read(pid, "cpu", "cpu.cfs_period_us"));
        Assert.Equal("30000", Read(pid, "cpu", "cpu.cfs_quota_us"));
    }

    [PrivilegedFact]
    public void Update_RefusesBadValuesAndStoppedContainers_WithRuncsWording()
    {
        var rt = _s.Runtime();
        var id = Id(rt);
        Check.Fails(rt.Run("update", "--memory", "64M", id), Sentinels.DoesNotExist);
        var pid = RunDetached(rt, _s.Bundle("sleep", "1000"), id);

        Check.Fails(rt.Run("update", "--memory", "abc", id), "invalid value for memory: invalid size: 'abc'");
        Check.Fails(rt.Run("update", "--memory", "1.5.3", id), "invalid value for memory: strconv.ParseFloat: parsing ");
        Check.Fails(rt.Run("update", "--cpu-share", "x", id), "invalid value for cpu-share: strconv.ParseUint: parsing ");
        Check.Fails(rt.Run("update", "--cpu-quota", "x", id), "invalid value for cpu-quota: strconv.ParseInt: parsing ");
        Check.Fails(rt.Run(["update", "-r", "-", id], stdin: """{"memory":{"limit":"x"}}"""),
            "json: cannot unmarshal string into Go struct field LinuxMemory.memory.limit of type int64");
        Check.Fails(rt.Run("update", "-r", Path.Combine(_s.Dir, "nope.json"), id), "no such file or directory");
        if (!Directory.Exists("/sys/fs/resctrl/info"))
            Check.Fails(rt.Run("update", "--l3-cache-schema", "L3:0=f", id), "Intel RDT/CAT: l3 cache schema is not enabled");

        var warned = rt.Run("update", "--kernel-memory", "10M", id);
        Check.Ok(warned);
        Assert.Contains("Kernel memory settings are ignored and will be removed", warned.Stderr);

        Check.Ok(rt.Run("update", "--memory", "1.5g", "--memory-swap", "-1", id));
        Assert.Equal("1610612736", Read(pid, "memory", "memory.limit_in_bytes"));

        Check.Ok(rt.Run("kill", id, "KILL"));
        rt.WaitForStatus(id, "stopped");
        Check.Fails(rt.Run("update", "--memory", "64M", id), Sentinels.NotRunning);
    }

    [PrivilegedFact(StrongerThanRunc = true)]
    public void Update_CheckBeforeUpdate_RefusesALimitBelowTheCurrentUsage()
    {
        var rt = _s.Runtime();
        var id = Id(rt);
        var pid = RunDetached(rt, _s.Bundle("sleep", "1000"), id);
        var before = Read(pid, "memory", "memory.limit_in_bytes");
        var r = rt.Run(["update", "-r", "-", id], stdin: """{"memory":{"limit":8192,"checkBeforeUpdate":true}}""");
        Check.Fails(r, "rejecting memory limit 8192 below current usage");
        Assert.Equal(before, Read(pid, "memory", "memory.limit_in_bytes"));
    }

    // ---- pause / resume / kill -------------------------------------------------------------------------------------

    [PrivilegedFact]
    public void Pause_FreezesEveryProcess_AndResumeThawsThem()
    {
        var rt = _s.Runtime();
        var id = Id(rt);
        var pid = RunDetached(rt, _s.Bundle().Shell("sleep 1000 & sleep 1000"), id);
        var freezer = Dir(pid, "freezer");
        Assert.True(Eventually(() => Procs(freezer).Count >= 2, TimeSpan.FromSeconds(10)), "expected the shell's sleeps");

        Check.Ok(rt.Run("pause", id));
        Assert.Equal("paused", rt.Status(id));
        Assert.Equal("FROZEN", Read(freezer, "freezer.state"));
        foreach (var p in Procs(freezer)) Assert.Contains(ProcState(p), "DT");
        Check.Fails(rt.Run("pause", id), Sentinels.NotRunning);

        Check.Ok(rt.Run("resume", id));
        Assert.Equal("running", rt.Status(id));
        Assert.Equal("THAWED", Read(freezer, "freezer.state"));
        foreach (var p in Procs(freezer)) Assert.Contains(ProcState(p), "SR");
        Check.Fails(rt.Run("resume", id), "container not paused");

        Check.Ok(rt.Run("kill", id, "KILL"));
        rt.WaitForStatus(id, "stopped");
        Check.Fails(rt.Run("pause", id), Sentinels.NotRunning);
        Check.Fails(rt.Run("resume", id), "container not paused");
        var missing = _s.NewId("missing");
        Check.Fails(rt.Run("pause", missing), Sentinels.DoesNotExist);
        Check.Fails(rt.Run("resume", missing), Sentinels.DoesNotExist);
    }

    [PrivilegedFact]
    public void Pause_OfACreatedContainer_IsPaused_ThenCreatedAgain()
    {
        var rt = _s.Runtime();
        var id = Id(rt);
        Check.Ok(rt.Run("create", "--bundle", _s.Bundle("sleep", "1000").Dir, id));
        Check.Ok(rt.Run("pause", id));
        Assert.Equal("paused", rt.Status(id));
        Check.Fails(rt.Run("start", id), "cannot start a container in the paused state");
        Check.Ok(rt.Run("resume", id));
        Assert.Equal("created", rt.Status(id));
        Check.Ok(rt.Run("start", id));
        Assert.Equal("running", rt.Status(id));
    }

    [PrivilegedFact]
    public void Kill_OfAPausedContainer_WithSigkill_StopsIt_AndKillAllOfAStoppedOneIsRc0()
    {
        var rt = _s.Runtime();
        foreach (var all in new[] { false, true })
        {
            var id = Id(rt);
            RunDetached(rt, _s.Bundle().Shell("sleep 1000 & sleep 1000"), id);
            Check.Ok(rt.Run("pause", id));
            Check.Ok(rt.Run(all ? ["kill", "--all", id, "KILL"] : ["kill", id, "KILL"]));
            Assert.Equal("stopped", rt.WaitForStatus(id, "stopped")["status"]!.GetValue<string>());
            Check.Ok(rt.Run("kill", "--all", id, "KILL"));
            Check.Ok(rt.Run("kill", "-a", id));
            Check.Fails(rt.Run("kill", id, "KILL"), Sentinels.NotRunning);
            Check.Ok(rt.Run("delete", id));
            Check.Fails(rt.Run("kill", "--all", id, "KILL"), Sentinels.DoesNotExist);
            Check.NoLeftovers(_s.LeftoversFor(rt, id), "kill of a paused container + delete");
        }
    }

    // ---- events ----------------------------------------------------------------------------------------------------

    [PrivilegedFact]
    public void EventsStats_ReportsTheNumbersOfTheCgroupFiles()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        WithResources(b, new JsonObject
        {
            ["memory"] = new JsonObject { ["limit"] = 64L << 20, ["swap"] = 96L << 20 },
            ["pids"] = new JsonObject { ["limit"] = 33 },
            ["cpu"] = new JsonObject { ["cpus"] = "0", ["mems"] = "0", ["quota"] = 20000, ["period"] = 100000 },
        });
        var id = Id(rt);
        var pid = RunDetached(rt, b, id);
        var data = StatsData(rt.Run("events", "--stats", id), id);
        Check.Keys(data, "cpu", "cpuset", "memory", "pids", "blkio", "hugetlb", "intel_rdt", "network_interfaces");

        var mem = data["memory"]!.AsObject();
        Assert.Equal(ReadLong(pid, "memory", "memory.limit_in_bytes"), mem["usage"]!["limit"]!.GetValue<long>());
        Assert.Equal(ReadLong(pid, "memory", "memory.memsw.limit_in_bytes"), mem["swap"]!["limit"]!.GetValue<long>());
        Assert.Equal(ReadLong(pid, "memory", "memory.failcnt"), mem["usage"]!["failcnt"]!.GetValue<long>());
        Assert.Equal(ReadLong(pid, "memory", "memory.max_usage_in_bytes"), mem["usage"]!["max"]!.GetValue<long>());
        Assert.Equal(64L << 20, mem["raw"]!["hierarchical_memory_limit"]!.GetValue<long>());
        var usage = mem["usage"]!["usage"]!.GetValue<long>();
        Assert.InRange(usage, 1, mem["usage"]!["max"]!.GetValue<long>());

        Assert.Equal(ReadLong(pid, "pids", "pids.current"), data["pids"]!["current"]!.GetValue<long>());
        Assert.Equal(33, data["pids"]!["limit"]!.GetValue<long>());
        Assert.Equal([0], data["cpuset"]!["cpus"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray());
        Assert.Equal([0], data["cpuset"]!["mems"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray());
        var cpuTotal = data["cpu"]!["usage"]!["total"]!.GetValue<long>();
        Assert.InRange(cpuTotal, 1, ReadLong(pid, "cpuacct", "cpuacct.usage"));
        Assert.Equal(Read(pid, "cpuacct", "cpuacct.usage_percpu").Split(' ', StringSplitOptions.RemoveEmptyEntries).Length,
            data["cpu"]!["usage"]!["percpu"]!.AsArray().Count);

        Check.Fails(rt.Run("events", "--interval", "0s", id), "duration interval must be greater than 0");
        Check.Fails(rt.Run("events", "--stats", _s.NewId("missing")), Sentinels.DoesNotExist);
        Check.Ok(rt.Run("kill", id, "KILL"));
        rt.WaitForStatus(id, "stopped");
        Check.Fails(rt.Run("events", "--stats", id), $"container with id {id} is not running");
        Check.Fails(rt.Run("events", id), $"container with id {id} is not running");
    }

    [PrivilegedFact]
    public void EventsStats_HasTheOraclesShape()
    {
        var rt = _s.Runtime();
        var oracle = _s.Oracle();
        var b = _s.Bundle("sleep", "1000");
        WithResources(b, new JsonObject { ["memory"] = new JsonObject { ["limit"] = 64L << 20 } });
        var ids = new[] { Id(rt), Id(oracle) };
        RunDetached(rt, b, ids[0]);
        RunDetached(oracle, b, ids[1]);
        var mine = StatsData(rt.Run("events", "--stats", ids[0]), ids[0]);
        var theirs = StatsData(oracle.Run("events", "--stats", ids[1]), ids[1]);
        Assert.Equal(Shape(theirs), Shape(mine));
    }

    /// <summary>Key paths and value kinds, arrays collapsed (lengths and numbers differ between two containers);
    /// keys whose presence depends on a value being non-zero (Go's omitempty) are left out.</summary>
    static List<string> Shape(JsonNode? n, string path = "")
    {
        var res = new List<string>();
        switch (n)
        {
            case JsonObject o:
                res.Add(path + "{" + string.Join(",", o.Select(kv => kv.Key).Where(k => !OmitEmpty(path, k))) + "}");
                foreach (var (k, v) in o) if (!OmitEmpty(path, k)) res.AddRange(Shape(v, path + "/" + k));
                break;
            case JsonArray: res.Add(path + "[]"); break;
            case null: res.Add(path + "=null"); break;
            default: res.Add(path + ":" + n.GetValueKind()); break;
        }
        return res;
    }

    static bool OmitEmpty(string path, string key) =>
        path.EndsWith("/throttling", StringComparison.Ordinal) || path.StartsWith("/blkio", StringComparison.Ordinal) ||
        key is "usage" or "max" && path.StartsWith("/memory/", StringComparison.Ordinal) || key is "percpu_kernel" or "percpu_user" or "cache";

    // ---- differential ----------------------------------------------------------------------------------------------

    static readonly (string controller, string file)[] TouchedFiles =
    [
        ("memory", "memory.limit_in_bytes"), ("memory", "memory.memsw.limit_in_bytes"), ("memory", "memory.soft_limit_in_bytes"),
        ("memory", "memory.swappiness"), ("memory", "memory.oom_control"),
        ("cpu", "cpu.shares"), ("cpu", "cpu.cfs_quota_us"), ("cpu", "cpu.cfs_period_us"),
        ("cpuset", "cpuset.cpus"), ("cpuset", "cpuset.mems"),
        ("pids", "pids.max"), ("blkio", "blkio.bfq.weight"), ("freezer", "freezer.state"),
    ];

    static Dictionary<string, string> Snapshot(int pid) =>
        TouchedFiles.ToDictionary(t => t.file, t =>
        {
            var dir = Dir(pid, t.controller);
            var path = Path.Combine(dir, t.file);
            if (!File.Exists(path)) return "(absent)";
            var text = File.ReadAllText(path).Trim();
            // oom_control carries live counters; only the setting is config.
            return t.file == "memory.oom_control" ? text.Split('\n')[0] : text;
        });

    [PrivilegedFact]
    public void Differential_SameConfig_SameValuesInEveryTouchedCgroupFile_AlsoAfterTheSameUpdate()
    {
        var rt = _s.Runtime();
        var oracle = _s.Oracle();
        var b = _s.Bundle("sleep", "1000");
        WithResources(b, new JsonObject
        {
            ["memory"] = new JsonObject { ["limit"] = 96L << 20, ["reservation"] = 48L << 20, ["swap"] = 192L << 20, ["swappiness"] = 10, ["disableOOMKiller"] = false },
            ["cpu"] = new JsonObject { ["shares"] = 700, ["quota"] = 33000, ["period"] = 110000, ["cpus"] = "0", ["mems"] = "0" },
            ["pids"] = new JsonObject { ["limit"] = 77 },
            ["blockIO"] = new JsonObject { ["weight"] = 321 },
        });
        var mineId = Id(rt);
        var theirsId = Id(oracle);
        var minePid = RunDetached(rt, b, mineId);
        var theirsPid = RunDetached(oracle, b, theirsId);
        Assert.Equal(Snapshot(theirsPid), Snapshot(minePid));

        string[] update = ["--memory", "80M", "--memory-swap", "160m", "--cpu-share", "300", "--cpu-quota", "44000", "--pids-limit", "66", "--blkio-weight", "222"];
        Check.Ok(rt.Run(["update", .. update, mineId]));
        Check.Ok(oracle.Run(["update", .. update, theirsId]));
        Assert.Equal(Snapshot(theirsPid), Snapshot(minePid));

        Check.Ok(rt.Run("pause", mineId));
        Check.Ok(oracle.Run("pause", theirsId));
        Assert.Equal(Snapshot(theirsPid), Snapshot(minePid));
        Assert.Equal(oracle.Status(theirsId), rt.Status(mineId));
        Check.Ok(rt.Run("resume", mineId));
        Check.Ok(oracle.Run("resume", theirsId));
        Assert.Equal(Snapshot(theirsPid), Snapshot(minePid));

        // The cgroups sit at the same place relative to the hierarchy (relative cgroupsPath → under the caller's).
        foreach (var c in new[] { "memory", "cpu", "pids", "freezer" })
            Assert.Equal(Dir(theirsPid, c).Replace(theirsId, "ID"), Dir(minePid, c).Replace(mineId, "ID"));
    }
}

/// <summary>Collects, for the whole class, cgroups left behind after `delete -f`, and fails the class if any remain.</summary>
public sealed class CgroupLeakWatch : IDisposable
{
    readonly List<string> _problems = [];
    readonly List<string> _ids = [];

    public void Record(string problem) { lock (_problems) _problems.Add(problem); }

    public void Ids(IEnumerable<string> ids) { lock (_ids) _ids.AddRange(ids); }

    public void Dispose()
    {
        List<string> left;
        lock (_ids) left = _ids.SelectMany(id => Leftovers.Cgroups(id)).ToList();
        lock (_problems) left.AddRange(_problems);
        if (left.Count > 0)
            throw new XunitException("cgroups of CgroupTests' containers remain:\n  " + string.Join("\n  ", left));
    }
}
