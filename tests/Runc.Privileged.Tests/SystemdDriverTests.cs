using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;

namespace Runc.Privileged.Tests;

/// <summary>
/// The systemd cgroup driver (`--systemd-cgroup`) on this v1/hybrid host, against a fake systemd on a private bus
/// (<see cref="FakeSystemdBus"/>, tools/fake-systemd): Debian's runc 1.1.5 and nrunc run the same bundle, and the D-Bus
/// calls the fake recorded must be the same (methods, unit names, property names, signatures and values, with the
/// container id and pids normalised), the init must sit in the scope in every hierarchy, the cgroup files must hold
/// the same values, `update` must go through SetUnitProperties and the files, delete must stop the unit and leave no
/// directory. Failures (bus unreachable, a failed start job) must be clear errors that leave nothing behind.
/// </summary>
[Collection(PrivilegedCollection.Name)]
public sealed partial class SystemdDriverTests(ITestOutputHelper output)
{
    sealed record Observed(List<string> Calls, Dictionary<string, string> Files, Dictionary<string, string> Updated);

    static readonly (string Hierarchy, string File)[] ResourceFiles =
    [
        ("memory", "memory.limit_in_bytes"), ("cpu", "cpu.shares"), ("cpu", "cpu.cfs_quota_us"), ("cpu", "cpu.cfs_period_us"),
        ("pids", "pids.max"), ("cpuset", "cpuset.cpus"), ("devices", "devices.list"), ("freezer", "freezer.state"),
    ];

    static Bundle SystemdBundle(TestScope s, FakeSystemdBus fake, string id) => s.Bundle("sleep", "1000").Edit(c =>
    {
        var linux = c["linux"]!.AsObject();
        linux["cgroupsPath"] = fake.Slice + ":nrunctest:" + id;
        linux["resources"] = JsonNode.Parse("""
            {"memory": {"limit": 67108864}, "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"},
             "pids": {"limit": 100}, "devices": [{"allow": false, "access": "rwm"}]}
            """);
    });

    static string ScopeDir(string hierarchy, FakeSystemdBus fake, string id) =>
        Path.Combine(Leftovers.CgroupRoot, hierarchy, fake.Slice, "nrunctest-" + id + ".scope");

    static Dictionary<string, string> ReadFiles(FakeSystemdBus fake, string id) =>
        ResourceFiles.ToDictionary(f => f.Hierarchy + "/" + f.File, f =>
        {
            string p = Path.Combine(ScopeDir(f.Hierarchy, fake, id), f.File);
            if (!File.Exists(p)) return "(missing)";
            // devices.list keeps the order the rules were written in; the policy is the set.
            var lines = File.ReadAllLines(p);
            return string.Join("\n", f.File == "devices.list" ? lines.Order(StringComparer.Ordinal).ToArray() : lines).Trim();
        });

    /// <summary>The calls recorded from line <paramref name="from"/> on, with the id and pids made comparable.</summary>
    static List<string> Normalise(string[] calls, int from, string id)
    {
        // Unit object paths carry the name bus-escaped: every byte but [A-Za-z0-9] as _xx.
        string escaped = string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) ? c.ToString() : "_" + ((int)c).ToString("x2")));
        return calls.Skip(from).Select(l => Regex.Replace(l.Replace(id, "<ID>").Replace(escaped, "<ID>"),
            @"^(prop\tPIDs\tau\t)\[\d+\]$", "$1[<PID>]")).ToList();
    }

    Observed Exercise(TestScope s, FakeSystemdBus fake, Runtime rt)
    {
        string id = s.NewId("sd");
        var b = SystemdBundle(s, fake, id);
        int from = fake.Calls().Length;
        Check.Ok(rt.Run("--systemd-cgroup", "run", "-d", "--bundle", b.Dir, id));
        int pid = rt.State(id)["pid"]!.GetValue<int>();

        // The init is in the scope in every hierarchy (v1 ones and the hybrid unified tree).
        string expected = "/" + fake.Slice + "/nrunctest-" + id + ".scope";
        foreach (string line in File.ReadAllLines($"/proc/{pid}/cgroup"))
            Assert.True(line.EndsWith(":" + expected, StringComparison.Ordinal), $"{rt.Name}: init {pid} not in the scope: {line}");
        var files = ReadFiles(fake, id);

        Check.Ok(rt.Run("--systemd-cgroup", "update", "--memory", "33554432", "--pids-limit", "50", "--cpu-quota", "30000", id));
        var updated = ReadFiles(fake, id);

        Check.Ok(rt.Run("--systemd-cgroup", "delete", "-f", id));
        Assert.Empty(Leftovers.Eventually(() => Leftovers.Cgroups(id)));
        Assert.DoesNotContain(id, rt.DirsUnderRoot());
        return new Observed(Normalise(fake.Calls(), from, id), files, updated);
    }

    [PrivilegedFact]
    public void Runc_and_nrunc_send_the_same_dbus_calls_and_write_the_same_files() => RunsLikeRunc(viaPrivateSocket: false);

    /// <summary>runc and nrunc run, update and delete the same container; with <paramref name="viaPrivateSocket"/> there
    /// is no system bus and both reach the fake through /run/systemd/private.</summary>
    void RunsLikeRunc(bool viaPrivateSocket)
    {
        var s = new TestScope(output);
        var fake = new FakeSystemdBus(s, privateSocket: viaPrivateSocket);
        try
        {
            string? address = viaPrivateSocket ? "unix:path=" + Path.Combine(s.NewDir("nobus"), "bus.sock") : null;
            var oracle = Exercise(s, fake, s.Custom(fake.Wrapper(Env.OracleBin, "runc", address, viaPrivateSocket), "oracle"));
            var nrunc = Exercise(s, fake, s.Custom(fake.Wrapper(Env.RuntimeBin!, "nrunc", address, viaPrivateSocket), "nrunc"));
            output.WriteLine("runc's calls:\n" + string.Join("\n", oracle.Calls));
            foreach (var (name, o) in new[] { ("runc", oracle), ("nrunc", nrunc) })
                output.WriteLine(name + " files: " + string.Join("; ", o.Files.Select(kv => kv.Key + "=" + kv.Value.Replace('\n', ',')))
                    + "\n" + name + " updated: " + string.Join("; ", o.Updated.Select(kv => kv.Key + "=" + kv.Value.Replace('\n', ','))));

            // The conversation runc has: start the scope, get the version (for CPUQuotaPeriodUSec/AllowedCPUs),
            // SetUnitProperties at create, at update (after asking the unit for its DevicePolicy: no freeze when it allows
            // every device) SetUnitProperties without device properties, StopUnit at delete.
            Assert.Equal(["StartTransientUnit", "Get", "SetUnitProperties", "Get", "Get", "SetUnitProperties", "StopUnit"],
                oracle.Calls.Where(l => l.StartsWith("call\t", StringComparison.Ordinal)).Select(l => l.Split('\t')[1]).ToList());
            Assert.Contains("prop\tDelegate\tb\ttrue", oracle.Calls);
            Assert.Contains("prop\tMemoryLimit\tt\t33554432", oracle.Calls);
            Assert.Equal(oracle.Calls, nrunc.Calls);

            Assert.Equal("67108864", oracle.Files["memory/memory.limit_in_bytes"]);
            Assert.Equal("33554432", oracle.Updated["memory/memory.limit_in_bytes"]);
            Assert.Equal("50", oracle.Updated["pids/pids.max"]);
            Assert.Equal(oracle.Files, nrunc.Files);
            Assert.Equal(oracle.Updated, nrunc.Updated);
        }
        finally
        {
            try { s.Dispose(); } finally { fake.Dispose(); }
        }
        Assert.Empty(fake.SliceLeftovers());
    }

    [PrivilegedFact]
    public void A_foreground_run_stops_its_unit_when_the_container_exits()
    {
        var s = new TestScope(output);
        var fake = new FakeSystemdBus(s);
        try
        {
            var seen = new List<List<string>>();
            foreach (var (bin, name) in new[] { (Env.OracleBin, "oracle"), (Env.RuntimeBin!, "nrunc") })
            {
                var rt = s.Custom(fake.Wrapper(bin, name), name);
                string id = s.NewId("sdfg");
                var b = SystemdBundle(s, fake, id).Args("sh", "-c", "exit 3");
                int from = fake.Calls().Length;
                var r = rt.Run("--systemd-cgroup", "run", "--bundle", b.Dir, id);
                Assert.Equal(3, r.ExitCode);
                Assert.Empty(rt.DirsUnderRoot());
                Assert.Empty(Leftovers.Eventually(() => Leftovers.Cgroups(id)));
                seen.Add(Normalise(fake.Calls(), from, id));
            }
            output.WriteLine("runc's calls:\n" + string.Join("\n", seen[0]));
            Assert.Equal("StopUnit", seen[0].Last(l => l.StartsWith("call\t", StringComparison.Ordinal)).Split('\t')[1]);
            Assert.Equal(seen[0], seen[1]);
        }
        finally
        {
            try { s.Dispose(); } finally { fake.Dispose(); }
        }
        Assert.Empty(fake.SliceLeftovers());
    }

    [PrivilegedTheory]
    [InlineData("--fail-start", "error creating systemd unit `nrunctest-<ID>.scope`: got `failed`", "StartTransientUnit,ResetFailedUnit,StopUnit")]
    [InlineData("--fail-set", "fake systemd refuses SetUnitProperties", "StartTransientUnit,Get,SetUnitProperties,StopUnit")]
    public void A_failing_systemd_fails_create_like_runc_and_leaves_nothing(string fail, string error, string conversation)
    {
        var s = new TestScope(output);
        var fake = new FakeSystemdBus(s, fail);
        try
        {
            var seen = new List<List<string>>();
            foreach (var (bin, name) in new[] { (Env.OracleBin, "oracle"), (Env.RuntimeBin!, "nrunc") })
            {
                var rt = s.Custom(fake.Wrapper(bin, name), name);
                string id = s.NewId("sdfail");
                var b = SystemdBundle(s, fake, id);
                int from = fake.Calls().Length;
                var r = rt.Run("--systemd-cgroup", "run", "-d", "--bundle", b.Dir, id);
                Assert.NotEqual(0, r.ExitCode);
                Assert.Contains(error.Replace("<ID>", id), r.Stderr);
                Assert.Empty(rt.DirsUnderRoot());
                Assert.Empty(Leftovers.Eventually(() => Leftovers.Cgroups(id)));
                Assert.Empty(Leftovers.Eventually(() => Leftovers.ProcessesMentioning(id).Select(p => p.ToString()).ToList()));
                // runc destroys the failed container twice (the start's cleanup and the container's), so it stops the
                // unit twice in a row; compare the conversation with repeats collapsed.
                var calls = Normalise(fake.Calls(), from, id).Where(l => l.StartsWith("call\t", StringComparison.Ordinal)).ToList();
                seen.Add(calls.Where((l, i) => i == 0 || l != calls[i - 1]).ToList());
            }
            output.WriteLine("runc's calls:\n" + string.Join("\n", seen[0]));
            Assert.Equal(conversation, string.Join(",", seen[0].Select(l => l.Split('\t')[1])));
            Assert.Equal(seen[0], seen[1]);
        }
        finally
        {
            try { s.Dispose(); } finally { fake.Dispose(); }
        }
        Assert.Empty(fake.SliceLeftovers());
    }
}
