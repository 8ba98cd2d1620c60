using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// The same bundle under the runtime under test and under the oracle (Debian's runc 1.1.5): what the container sees
/// must be the same. A probe script prints sections; each section is normalised (ids, devices, peer groups, the
/// namespace identities reduced to "same as host"/"new"/"joined") and compared line for line.
/// </summary>
public sealed partial class DifferentialTests(ITestOutputHelper output) : ScopedTest(output)
{
    static readonly string[] NsNames = ["cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children", "user", "uts"];

    // Runs as the container's init (busybox sh). `while read` reads /proc/self/status in the shell itself, so the
    // status lines are those of the container process, not of a helper.
    const string Probe = """
        echo '== status'
        while IFS= read -r l; do case "$l" in Cap*|NoNewPrivs*|Uid*|Gid*|Groups*|Seccomp:*) echo "$l";; esac; done </proc/self/status
        echo '== mountinfo'
        cat /proc/self/mountinfo
        echo '== ns'
        for n in cgroup ipc mnt net pid pid_for_children time time_for_children user uts; do echo "$n $(readlink /proc/$$/ns/$n)"; done
        echo '== hostname'
        hostname
        echo '== limits'
        cat /proc/self/limits
        echo '== umask'
        umask
        echo '== cwd'
        pwd
        echo '== env'
        env | sort
        echo '== id'
        id
        echo '== cgroup'
        cat /proc/self/cgroup
        echo '== idmap'
        cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
        echo '== pid'
        echo $$
        echo '== end'
        """;

    public static TheoryData<string> Variants => new()
    {
        "default",
        "user-1000-with-additional-gids",
        "readonly-root-off",
        "extra-tmpfs-and-bind-mounts",
        "hostname",
        "rlimits",
        "user-namespace-with-mappings",
        "join-netns-by-path",
        "cwd-env-umask",
        "more-capabilities-no-nnp",
        "no-pid-namespace",
        "cgroup-namespace",
    };

    [PrivilegedTheory]
    [MemberData(nameof(Variants))]
    public void Container_SeesTheSameWorld_AsUnderTheOracle(string variant)
    {
        var b = _s.Bundle().Shell(Probe);
        string? joinedNet = null;
        var hostDir = _s.NewDir("hostdir");
        File.WriteAllText(Path.Combine(hostDir, "marker"), "host-file\n");
        switch (variant)
        {
            case "default": break;
            case "user-1000-with-additional-gids":
                b.Edit(c => c["process"]!["user"] = new JsonObject
                {
                    ["uid"] = 1000, ["gid"] = 1000, ["additionalGids"] = new JsonArray(10, 20, 1000),
                });
                break;
            case "readonly-root-off":
                b.Edit(c => c["root"]!["readonly"] = false);
                break;
            case "extra-tmpfs-and-bind-mounts":
                b.AddMount("/scratch", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777", "size=1m")
                 .AddMount("/data-ro", "bind", hostDir, "rbind", "ro")
                 .AddMount("/data-rw", "bind", hostDir, "bind", "rw", "nosuid")
                 .AddMount("/etc/marker", "bind", Path.Combine(hostDir, "marker"), "bind", "ro");
                break;
            case "hostname":
                b.Edit(c => c["hostname"] = "probe-host");
                break;
            case "rlimits":
                b.Edit(c => c["process"]!["rlimits"] = new JsonArray(
                    Rlimit("RLIMIT_NOFILE", 512, 768), Rlimit("RLIMIT_NPROC", 300, 400),
                    Rlimit("RLIMIT_CORE", 0, 0), Rlimit("RLIMIT_MSGQUEUE", 4096, 8192)));
                break;
            case "user-namespace-with-mappings":
                b.AddNamespace("user").Edit(c =>
                {
                    c["linux"]!["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
                    c["linux"]!["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
                });
                break;
            case "join-netns-by-path":
                joinedNet = NetnsHolder();
                b.RemoveNamespace("network").AddNamespace("network", joinedNet);
                break;
            case "cwd-env-umask":
                b.Edit(c =>
                {
                    c["process"]!["cwd"] = "/tmp";
                    c["process"]!["env"]!.AsArray().Add((JsonNode)"PROBE_A=1");
                    c["process"]!["env"]!.AsArray().Add((JsonNode)"PROBE_B=with spaces=and equals");
                    c["process"]!["user"]!["umask"] = 23; // 027 octal
                });
                break;
            case "more-capabilities-no-nnp":
                b.Edit(c =>
                {
                    c["process"]!["noNewPrivileges"] = false;
                    foreach (var set in new[] { "bounding", "effective", "permitted" })
                    {
                        c["process"]!["capabilities"]![set]!.AsArray().Add((JsonNode)"CAP_SYS_ADMIN");
                        c["process"]!["capabilities"]![set]!.AsArray().Add((JsonNode)"CAP_NET_ADMIN");
                    }
                });
                break;
            case "no-pid-namespace":
                b.RemoveNamespace("pid");
                break;
            case "cgroup-namespace":
                b.AddNamespace("cgroup");
                break;
            default: throw new ArgumentOutOfRangeException(nameof(variant));
        }

        var id = _s.NewId("d");
        var oracle = _s.Oracle().Run("run", "--bundle", b.Dir, id);
        Check.Ok(oracle, "the oracle must run the probe (else the test is wrong)");
        var nrunc = _s.Runtime().Run("run", "--bundle", b.Dir, id);
        Check.Ok(nrunc, "the runtime under test must run the probe");

        var host = HostNamespaces();
        var o = Sections(oracle.Stdout, host, joinedNet);
        var t = Sections(nrunc.Stdout, host, joinedNet);
        Assert.Equal(o.Keys.Order(), t.Keys.Order());

        // Sanity on the oracle: the variant did what it says (so a broken test cannot pass by comparing two nothings).
        SanityOnOracle(variant, o, joinedNet);

        var diffs = new List<string>();
        foreach (var (name, lines) in o)
            if (!lines.SequenceEqual(t[name]))
                diffs.Add($"section {name}:\n  oracle: {string.Join("\n          ", lines)}\n  nrunc:  {string.Join("\n          ", t[name])}");
        if (diffs.Count > 0) throw new XunitException($"variant {variant}: the container sees a different world\n" + string.Join("\n", diffs));
    }

    static void SanityOnOracle(string variant, Dictionary<string, List<string>> o, string? joinedNet)
    {
        switch (variant)
        {
            case "default":
                Assert.Contains("pid new", o["ns"]);
                Assert.Contains("NoNewPrivs:\t1", o["status"]);
                Assert.Contains("uts new", o["ns"]);
                Assert.Equal(["runc"], o["hostname"]);
                Assert.Equal(["1"], o["pid"]);
                break;
            case "user-1000-with-additional-gids":
                Assert.Contains("Uid:\t1000\t1000\t1000\t1000", o["status"]);
                Assert.Contains(o["status"], l => l.StartsWith("Groups:\t10 20 1000", StringComparison.Ordinal));
                break;
            case "hostname": Assert.Equal(["probe-host"], o["hostname"]); break;
            case "rlimits": Assert.Contains(o["limits"], l => Regex.IsMatch(l, @"^Max open files\s+512\s+768\s")); break;
            case "user-namespace-with-mappings":
                Assert.Contains("user new", o["ns"]);
                Assert.Contains(o["idmap"], l => Regex.IsMatch(l, @"^\s*0\s+100000\s+65536$"));
                break;
            case "join-netns-by-path": Assert.Contains("net joined", o["ns"]); Assert.NotNull(joinedNet); break;
            case "cwd-env-umask":
                Assert.Equal(["/tmp"], o["cwd"]); Assert.Equal(["0027"], o["umask"]);
                Assert.Contains("PROBE_B=with spaces=and equals", o["env"]);
                break;
            case "more-capabilities-no-nnp": Assert.Contains("NoNewPrivs:\t0", o["status"]); break;
            case "no-pid-namespace": Assert.Contains("pid host", o["ns"]); break;
            case "cgroup-namespace": Assert.Contains("cgroup new", o["ns"]); break;
            case "extra-tmpfs-and-bind-mounts": Assert.Contains(o["mountinfo"], l => l.StartsWith("/data-ro ", StringComparison.Ordinal)); break;
        }
    }

    /// <summary>How `run` ends, for one process spec: the status and whether create itself failed. Signal deaths
    /// run without a pid namespace: a pid-namespace init cannot be killed by its own default-action signals.</summary>
    public static TheoryData<string, string[], bool, int> ExitCases => new()
    {
        { "exit 0", ["sh", "-c", "exit 0"], false, 0 },
        { "exit 3", ["sh", "-c", "exit 3"], false, 3 },
        { "exit 255", ["sh", "-c", "exit 255"], false, 255 },
        { "missing command inside sh", ["sh", "-c", "nosuchcommand"], false, 127 },
        { "init kills itself with SIGKILL", ["sh", "-c", "kill -9 $$; exit 1"], true, 137 },
        { "init kills itself with SIGTERM", ["sh", "-c", "kill -15 $$; exit 1"], true, 143 },
        { "init's SIGTERM to itself in a pid namespace is ignored", ["sh", "-c", "kill -15 $$; exit 4"], false, 4 },
        { "missing binary (create fails)", ["/notfound"], false, 1 },
        { "missing binary on PATH (create fails)", ["notfound"], false, 1 },
        { "a directory as binary (create fails)", ["/tmp"], false, 1 },
    };

    [PrivilegedTheory]
    [MemberData(nameof(ExitCases))]
    public void Run_ExitStatus_IsTheOracles(string what, string[] args, bool hostPidNamespace, int expected)
    {
        var b = _s.Bundle(args);
        if (hostPidNamespace) b.RemoveNamespace("pid");
        var id = _s.NewId("x");
        var o = _s.Oracle().Run("run", "--bundle", b.Dir, id);
        Check.Rc(expected, o, $"{what}: the oracle's status is not the expected one (test bug?)");
        var rt = _s.Runtime();
        var t = rt.Run("run", "--bundle", b.Dir, id);
        Check.Rc(o.ExitCode, t, $"{what}: status differs from the oracle's ({o.ExitCode})");
        if (expected == 1)
        {
            // create failed: same reason, wording from the contract (§3.1, §8.5).
            var reason = args[0] == "notfound" ? "executable file not found in $PATH" : args[0] == "/tmp" ? "permission denied" : "no such file or directory";
            Assert.Contains(reason, o.Stderr);
            Assert.Contains(reason, t.Stderr);
        }
        Check.NoLeftovers(_s.LeftoversFor(rt, id), what);
    }

    [PrivilegedFact]
    public void Run_InitKilledFromTheHost_ExitStatus128PlusN_IsTheOracles()
    {
        var b = _s.Bundle("sleep", "1000");
        var statuses = new List<int>();
        foreach (var rt in new[] { _s.Oracle(), _s.Runtime() })
        {
            var id = _s.NewId("k");
            var run = rt.Start(["run", "--bundle", b.Dir, id]);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (rt.Run("state", id) is var st && !(st.ExitCode == 0 && st.Stdout.Contains("\"running\"", StringComparison.Ordinal)))
            {
                if (DateTime.UtcNow > until || run.HasExited) throw new XunitException($"{rt.Name}: {id} never ran");
                Thread.Sleep(50);
            }
            Check.Ok(rt.Run("kill", id, "KILL"));
            var r = run.Wait(TimeSpan.FromSeconds(30));
            Assert.False(r.TimedOut, r.Describe());
            statuses.Add(r.ExitCode);
        }
        Assert.Equal([137, 137], statuses);
    }

    [PrivilegedFact]
    public void StateAndList_ReportTheSameFieldsAndStatuses_AsTheOracle()
    {
        var b = _s.Bundle("sleep", "1000").Edit(c => c["annotations"] = new JsonObject { ["org.example.a"] = "1", ["org.example.b"] = "two" });
        var seen = new List<List<string>>();
        foreach (var rt in new[] { _s.Oracle(), _s.Runtime() })
        {
            var id = _s.NewId("s");
            var log = new List<string>();
            Check.Ok(rt.Run("create", "--bundle", b.Dir, id));
            log.Add("created: " + Shape(rt.State(id), id, b));
            log.Add("list: " + Shape(JsonNode.Parse(rt.Run("list", "-f", "json").Stdout)!.AsArray().Single()!.AsObject(), id, b));
            Check.Ok(rt.Run("start", id));
            log.Add("started: " + Shape(rt.State(id), id, b));
            Check.Ok(rt.Run("kill", id, "KILL"));
            log.Add("killed: " + Shape(rt.WaitForStatus(id, "stopped"), id, b));
            Check.Ok(rt.Run("delete", id));
            log.Add("deleted: rc " + rt.Run("state", id).ExitCode);
            seen.Add(log);
        }
        Assert.Equal(seen[0], seen[1]);
    }

    /// <summary>Keys in order with each value's kind, and the values that must be equal across runtimes.</summary>
    static string Shape(JsonObject st, string id, Bundle b) => string.Join(", ", st.Select(kv =>
    {
        var v = kv.Value;
        var val = kv.Key switch
        {
            "id" => v!.GetValue<string>() == id ? "<id>" : "WRONG " + v,
            "pid" => v!.GetValue<long>() > 0 ? ">0" : v!.ToJsonString(),
            "bundle" => v!.GetValue<string>() == b.Dir ? "<bundle>" : "WRONG " + v,
            "rootfs" => v!.GetValue<string>() == b.RootfsDir ? "<rootfs>" : "WRONG " + v,
            "created" => v!.GetValue<string>().EndsWith('Z') ? "<rfc3339 utc>" : "WRONG " + v,
            "ociVersion" => v!.GetValue<string>().Length > 0 ? "<set>" : "EMPTY",
            _ => v?.ToJsonString() ?? "null",
        };
        return $"{kv.Key}={val}";
    }));

    /// <summary>A process holding a fresh network namespace; returns /proc/PID/ns/net.</summary>
    string NetnsHolder()
    {
        var h = _s.Helper("/usr/bin/unshare", "--net", "/bin/sleep", "600");
        var path = $"/proc/{h.Id}/ns/net";
        var host = HostNamespaces()["net"];
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < until)
        {
            try { if (new FileInfo(path).LinkTarget is { } t && t != host) return path; } catch (IOException) { }
            Thread.Sleep(20);
        }
        throw new XunitException("unshare --net holder did not get its own netns");
    }

    static JsonObject Rlimit(string type, ulong soft, ulong hard) => new() { ["type"] = type, ["soft"] = soft, ["hard"] = hard };

    static Dictionary<string, string> HostNamespaces()
    {
        var d = new Dictionary<string, string>();
        foreach (var n in NsNames)
        {
            try { d[n] = new FileInfo($"/proc/self/ns/{n}").LinkTarget ?? ""; } catch (IOException) { d[n] = ""; }
        }
        return d;
    }

    internal static Dictionary<string, List<string>> Sections(string stdout, Dictionary<string, string> hostNs, string? joinedNet)
    {
        var res = new Dictionary<string, List<string>>();
        List<string>? cur = null;
        var ended = false;
        foreach (var line in stdout.Split('\n'))
        {
            if (line.StartsWith("== ", StringComparison.Ordinal))
            {
                var name = line[3..];
                if (name == "end") { ended = true; break; }
                res[name] = cur = [];
            }
            else if (cur is not null && line.Length > 0) cur.Add(line);
        }
        if (!ended) throw new XunitException("probe output is truncated:\n" + stdout);

        var joined = joinedNet is null ? null : new FileInfo(joinedNet).LinkTarget;
        res["ns"] = res["ns"].Select(l =>
        {
            var parts = l.Split(' ', 2);
            var id = parts.Length > 1 ? parts[1] : "";
            var what = id == "" ? "absent" : id == hostNs.GetValueOrDefault(parts[0]) ? "host" : id == joined ? "joined" : "new";
            return $"{parts[0]} {what}";
        }).ToList();
        // The init's pid: 1 in a new pid namespace, else some host pid (differs from run to run).
        res["pid"] = res["pid"].Select(p => p == "1" ? "1" : "host pid").ToList();
        res["mountinfo"] = res["mountinfo"].Select(NormaliseMountinfo).Order(StringComparer.Ordinal).ToList();
        return res;
    }

    /// <summary>"36 35 98:0 /root /mnt rw,noatime shared:1 - ext4 /dev/vda rw" → "/mnt root=/root rw,noatime [shared] - ext4 /dev/vda rw".</summary>
    static string NormaliseMountinfo(string line)
    {
        var f = line.Split(' ');
        var dash = Array.IndexOf(f, "-");
        if (dash < 6 || f.Length < dash + 3) return line;
        var optional = string.Join(",", f[6..dash].Select(o => PeerNumber().Replace(o, "")));
        return $"{f[4]} root={f[3]} {f[5]} [{optional}] - {f[dash + 1]} {f[dash + 2]} {string.Join(" ", f[(dash + 3)..])}";
    }

    [GeneratedRegex(@":\d+$")]
    private static partial Regex PeerNumber();
}
