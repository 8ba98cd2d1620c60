using System.Globalization;
using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;

namespace Runc.Privileged.Tests;

/// <summary>Issue "Container lifecycle": create → running → stopped as seen through state/list/pid file, and the
/// refusals clients rely on.</summary>
public sealed class LifecycleTests(ITestOutputHelper output) : ScopedTest(output)
{
    static readonly string[] StateKeys = ["ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner"];

    (Runtime rt, Bundle b, string id) Created(params string[] args)
    {
        var rt = _s.Runtime();
        var b = _s.Bundle(args.Length == 0 ? ["sleep", "1000"] : args);
        var id = _s.NewId();
        Check.Ok(rt.Run("create", "--bundle", b.Dir, id));
        return (rt, b, id);
    }

    [PrivilegedFact]
    public void Lifecycle_CreatedThenRunningThenStopped_StateTracksEachStep_AndDeleteRemovesEverything()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId();
        var pidFile = Path.Combine(_s.Dir, "init.pid");

        Check.Ok(rt.Run("create", "--bundle", b.Dir, "--pid-file", pidFile, id));
        var st = rt.State(id);
        Assert.Equal("created", st["status"]!.GetValue<string>());
        var pid = st["pid"]!.GetValue<int>();
        Assert.True(pid > 0, $"created container has pid {pid}");
        Assert.True(Directory.Exists($"/proc/{pid}"), "init of a created container must exist");

        // pid file: decimal digits only, no newline, the same pid as state.
        var bytes = File.ReadAllBytes(pidFile);
        Assert.NotEmpty(bytes);
        Assert.All(bytes, c => Assert.InRange(c, (byte)'0', (byte)'9'));
        Assert.Equal(pid, int.Parse(System.Text.Encoding.ASCII.GetString(bytes), CultureInfo.InvariantCulture));

        Check.Ok(rt.Run("start", id));
        st = rt.State(id);
        Assert.Equal("running", st["status"]!.GetValue<string>());
        Assert.Equal(pid, st["pid"]!.GetValue<int>());

        Check.Ok(rt.Run("kill", id, "KILL"));
        st = rt.WaitForStatus(id, "stopped");
        Assert.Equal("stopped", st["status"]!.GetValue<string>());
        Assert.Equal(0, st["pid"]!.GetValue<int>());
        Check.Keys(st, StateKeys);

        Check.Ok(rt.Run("delete", id));
        Check.Fails(rt.Run("state", id), Sentinels.DoesNotExist);
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "create/start/kill/delete");
    }

    [PrivilegedFact]
    public void State_HasExactlyRuncsKeysInRuncsOrder_WithBundleRootfsAndEmptyOwner()
    {
        var (rt, b, id) = Created();
        var r = rt.Run("state", id);
        Check.Ok(r);
        var st = JsonNode.Parse(r.Stdout)!.AsObject();
        Check.Keys(st, StateKeys);
        Assert.False(string.IsNullOrEmpty(st["ociVersion"]!.GetValue<string>()));
        Assert.Equal(id, st["id"]!.GetValue<string>());
        Assert.Equal(b.Dir, st["bundle"]!.GetValue<string>());
        Assert.Equal(b.RootfsDir, st["rootfs"]!.GetValue<string>());
        Assert.Equal("", st["owner"]!.GetValue<string>());
        var created = st["created"]!.GetValue<string>();
        Assert.EndsWith("Z", created);
        Assert.True(DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.None, out _), created);
        // runc prints 2-space indented JSON without a trailing newline.
        Assert.StartsWith("{\n  \"ociVersion\": ", r.Stdout);
        Assert.False(r.Stdout.EndsWith('\n'), "state output must not end with a newline");
    }

    [PrivilegedFact]
    public void State_ShowsAnnotationsBetweenCreatedAndOwner_WhenTheConfigHasThem()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000").Edit(c => c["annotations"] = new JsonObject { ["org.example.key"] = "value" });
        var id = _s.NewId();
        Check.Ok(rt.Run("create", "--bundle", b.Dir, id));
        var st = rt.State(id);
        Check.Keys(st, ["ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "annotations", "owner"]);
        Assert.Equal("value", st["annotations"]!["org.example.key"]!.GetValue<string>());
    }

    [PrivilegedFact]
    public void List_ShowsTheContainer_AsTable_AsJson_AndAsQuietIds()
    {
        var (rt, b, id) = Created();
        var pid = rt.State(id)["pid"]!.GetValue<int>();

        var table = rt.Run("list");
        Check.Ok(table);
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var row = Assert.Single(lines.Skip(1));
        var cols = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([id, pid.ToString(CultureInfo.InvariantCulture), "created", b.Dir], cols[..4]);
        Assert.Equal("root", cols[5]);

        var json = rt.Run("list", "-f", "json");
        Check.Ok(json);
        var arr = JsonNode.Parse(json.Stdout)!.AsArray();
        var o = Assert.Single(arr)!.AsObject();
        Check.Keys(o, StateKeys);
        Assert.Equal(id, o["id"]!.GetValue<string>());
        Assert.Equal("root", o["owner"]!.GetValue<string>());
        Assert.Equal(pid, o["pid"]!.GetValue<int>());

        var quiet = rt.Run("list", "-q");
        Check.Ok(quiet);
        Assert.Equal(id + "\n", quiet.Stdout);
    }

    [PrivilegedFact]
    public void ListJson_OfAnEmptyRoot_PrintsNull()
    {
        var rt = _s.Runtime();
        var r = rt.Run("list", "--format", "json");
        Check.Ok(r);
        Assert.Equal("null", r.Stdout.Trim());
        var q = rt.Run("list", "-q");
        Check.Ok(q);
        Assert.Equal("", q.Stdout);
    }

    [PrivilegedFact]
    public void Start_Twice_SecondIsRefusedAsAlreadyRunning()
    {
        var (rt, _, id) = Created();
        Check.Ok(rt.Run("start", id));
        Check.Fails(rt.Run("start", id), Sentinels.AlreadyRunning);
        Assert.Equal("running", rt.Status(id));
    }

    [PrivilegedFact]
    public void Start_OfAStoppedContainer_IsRefused()
    {
        var (rt, _, id) = Created("true");
        Check.Ok(rt.Run("start", id));
        rt.WaitForStatus(id, "stopped");
        Check.Fails(rt.Run("start", id), Sentinels.StartStopped);
    }

    [PrivilegedFact]
    public void Delete_OfARunningContainer_IsRefused_ButDeleteForce_KillsAndRemovesIt()
    {
        var (rt, _, id) = Created();
        Check.Ok(rt.Run("start", id));
        var pid = rt.State(id)["pid"]!.GetValue<int>();
        var refused = rt.Run("delete", id);
        Check.Fails(refused, Sentinels.NotStopped);
        Assert.Contains("running", refused.Stderr);
        Assert.Equal("running", rt.Status(id));

        Check.Ok(rt.Run("delete", "-f", id));
        Check.Fails(rt.Run("state", id), Sentinels.DoesNotExist);
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "delete -f of a running container");
        Assert.Empty(Leftovers.Eventually(() => Directory.Exists($"/proc/{pid}") && !IsZombie(pid) ? [$"pid {pid} alive"] : []));
    }

    [PrivilegedFact]
    public void Delete_OfACreatedContainer_WithoutForce_KillsAndRemovesIt()
    {
        var (rt, _, id) = Created();
        Check.Ok(rt.Run("delete", id));
        Check.Fails(rt.Run("state", id), Sentinels.DoesNotExist);
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "delete of a created container");
    }

    [PrivilegedFact]
    public void DeleteForce_OfAMissingId_Succeeds_ButPlainDelete_SaysDoesNotExist()
    {
        var rt = _s.Runtime();
        var id = _s.NewId();
        Check.Ok(rt.Run("delete", "-f", id));
        Check.Ok(rt.Run("delete", "--force", id));
        Check.Fails(rt.Run("delete", id), Sentinels.DoesNotExist);
    }

    [PrivilegedTheory]
    [InlineData("state")]
    [InlineData("start")]
    [InlineData("kill")]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("ps")]
    [InlineData("events", "--stats")]
    [InlineData("update", "--pids-limit", "10")]
    public void Commands_OnAMissingId_SayDoesNotExist(string command, params string[] flags)
    {
        var rt = _s.Runtime();
        Check.Fails(rt.Run([command, .. flags, _s.NewId()]), Sentinels.DoesNotExist);
    }

    [PrivilegedFact]
    public void Exec_OnAMissingId_SaysDoesNotExist_WithExitStatus255()
    {
        var rt = _s.Runtime();
        Check.Fails(rt.Run("exec", _s.NewId(), "true"), Sentinels.DoesNotExist, rc: 255);
    }

    [PrivilegedFact]
    public void Create_WithAnIdThatExists_FailsWithAlreadyExists_AndLeavesTheFirstAlone()
    {
        var (rt, b, id) = Created();
        var pid = rt.State(id)["pid"]!.GetValue<int>();
        Check.Fails(rt.Run("create", "--bundle", b.Dir, id), Sentinels.AlreadyExists);
        var st = rt.State(id);
        Assert.Equal("created", st["status"]!.GetValue<string>());
        Assert.Equal(pid, st["pid"]!.GetValue<int>());
    }

    [PrivilegedFact]
    public void Kill_AcceptsSignalNamesWithAndWithoutSig_AnyCase_AndNumbers()
    {
        var rt = _s.Runtime();
        var outDir = _s.NewDir("out");
        var b = _s.Bundle()
            .AddMount("/out", "bind", outDir, "rbind", "rw")
            .Shell("trap 'echo USR1 >>/out/log' USR1; trap 'echo HUP >>/out/log' HUP; trap 'echo USR2 >>/out/log' USR2; " +
                   "echo ready >/out/log; while :; do sleep 0.05; done");
        var id = _s.NewId();
        Check.Ok(rt.Run("create", "--bundle", b.Dir, id));
        Check.Ok(rt.Run("start", id));
        var log = Path.Combine(outDir, "log");
        WaitForLines(log, 1);

        string[][] sends = [["USR1"], ["SIGHUP"], ["sigusr2"], ["10"], ["Hup"]];
        string[] expect = ["USR1", "HUP", "USR2", "USR1", "HUP"];
        for (var i = 0; i < sends.Length; i++)
        {
            Check.Ok(rt.Run(["kill", id, .. sends[i]]), $"kill {sends[i][0]}");
            var lines = WaitForLines(log, i + 2);
            Assert.Equal(expect[i], lines[i + 1]);
        }

        Check.Fails(rt.Run("kill", id, "FOO"), Sentinels.UnknownSignal);
        Check.Ok(rt.Run("kill", id, "9"));
        rt.WaitForStatus(id, "stopped");
        Check.Fails(rt.Run("kill", id, "KILL"), Sentinels.NotRunning);
        Check.Ok(rt.Run("kill", "--all", id, "KILL"));
    }

    /// <summary>
    /// A foreground run forwards the signals clients send (job control, real-time ones such as systemd's SIGRTMIN+3)
    /// and survives every one of them: the runtime's own threads are born with them blocked (src/Runc/Native/sigmask.c),
    /// so none can hit a thread whose default action would end nrunc. The oracle gets the same signals.
    /// </summary>
    [PrivilegedFact]
    public void Run_Foreground_ForwardsEverySignal_IncludingRealtimeOnes()
    {
        // Not SIGURG (23): Go's runtime sends it to itself for preemption and runc 1.1.5 forwards those too, so the
        // oracle's container sees extra ones; the oracle's log is read without them.
        int[] signals = [1, 2, 3, 10, 12, 14, 15, 20, 21, 22, 35, 37, 50, 64];
        // A caller started in the background (SIGINT/SIGQUIT ignored, as shells do) passes that on; runc (Go) then never
        // receives them, nrunc does (blocked signals are queued, not ignored). The oracle is only sent what it can get.
        ulong ignored = Convert.ToUInt64(File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))[7..].Trim(), 16);
        foreach (var rt in new[] { _s.Runtime(), _s.Oracle() })
        {
            if (rt.Name != "nrunc") signals = Array.FindAll(signals, n => (ignored & (1UL << (n - 1))) == 0);
            var outDir = _s.NewDir("out");
            var traps = string.Concat(signals.Select(n => $"trap 'echo {n} >>/out/log' {n}; ")) + "trap 'echo 23 >>/out/urg' 23; ";
            var b = _s.Bundle()
                .AddMount("/out", "bind", outDir, "rbind", "rw")
                .Shell(traps + "echo ready >/out/log; i=0; while [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done");
            var id = _s.NewId();
            var p = rt.Start(["run", "--bundle", b.Dir, id]);
            var log = Path.Combine(outDir, "log");
            WaitForLines(log, 1);
            for (var i = 0; i < signals.Length; i++)
            {
                Assert.Equal(0, Kill(p.Pid, signals[i]));
                Assert.Equal($"{signals[i]}", WaitForLines(log, i + 2)[i + 1]);
            }
            Check.Ok(rt.Run("kill", id, "KILL"));
            Check.Rc(137, p.Wait(TimeSpan.FromSeconds(20)));
            if (rt.Name == "nrunc") Assert.False(File.Exists(Path.Combine(outDir, "urg")), "nrunc forwarded a SIGURG nobody sent");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    static extern int Kill(int pid, int sig);

    [PrivilegedTheory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(255)]
    public void Run_Foreground_ExitsWithTheContainersStatus_AndPassesStdio(int code)
    {
        var rt = _s.Runtime();
        var b = _s.Bundle().Shell($"read line; echo \"out:$line\"; echo err >&2; exit {code}");
        var id = _s.NewId();
        var r = rt.Run(["run", "--bundle", b.Dir, id], stdin: "hello\n");
        Check.Rc(code, r);
        Assert.Equal("out:hello\n", r.Stdout);
        Assert.Contains("err", r.Stderr);
        Check.Fails(rt.Run("state", id), Sentinels.DoesNotExist);
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "run");
    }

    [PrivilegedFact]
    public void Run_Foreground_InitKilledBySigkill_Exits137()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId();
        var run = rt.Start(["run", "--bundle", b.Dir, id]);
        WaitUntilRunning(rt, id, run);
        Check.Ok(rt.Run("kill", id, "KILL"));
        var r = run.Wait(TimeSpan.FromSeconds(30));
        Assert.False(r.TimedOut, r.Describe());
        Check.Rc(137, r);
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "run killed by SIGKILL");
    }

    [PrivilegedFact]
    public void Run_Foreground_InitKilledBySigterm_Exits143_WhenInitIsNotPid1()
    {
        // In its own pid namespace a trap-less init is pid 1 and the kernel ignores SIGTERM (runc behaves so too);
        // without a pid namespace the default action applies.
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000").RemoveNamespace("pid");
        var id = _s.NewId();
        var run = rt.Start(["run", "--bundle", b.Dir, id]);
        WaitUntilRunning(rt, id, run);
        Check.Ok(rt.Run("kill", id, "TERM"));
        var r = run.Wait(TimeSpan.FromSeconds(30));
        Assert.False(r.TimedOut, r.Describe());
        Check.Rc(143, r);
    }

    [PrivilegedFact]
    public void Run_Keep_LeavesAStoppedStateWithPid0()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle().Shell("exit 7");
        var id = _s.NewId();
        Check.Rc(7, rt.Run("run", "--keep", "--bundle", b.Dir, id));
        var st = rt.State(id);
        Assert.Equal("stopped", st["status"]!.GetValue<string>());
        Assert.Equal(0, st["pid"]!.GetValue<int>());
        Check.Ok(rt.Run("delete", id));
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "run --keep + delete");
    }

    [PrivilegedFact]
    public void RunDetached_ExitsZero_WithTheContainerRunning_AndThePidFileWritten()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId();
        var pidFile = Path.Combine(_s.Dir, "rd.pid");
        Check.Ok(rt.Run("run", "-d", "--pid-file", pidFile, "--bundle", b.Dir, id));
        var st = rt.State(id);
        Assert.Equal("running", st["status"]!.GetValue<string>());
        Assert.Equal(File.ReadAllText(pidFile), st["pid"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture));
        Check.Ok(rt.Run("delete", "-f", id));
        Check.NoLeftovers(_s.LeftoversFor(rt, id), "run -d + delete -f");
    }

    [PrivilegedTheory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 3", 3)]
    [InlineData("kill -9 $$", 137)]
    [InlineData("kill -15 $$", 143)]
    [InlineData("nosuchcommand", 127)]
    public void Exec_Foreground_ExitsWithTheProcessStatus(string script, int code)
    {
        var (rt, _, id) = Created();
        Check.Ok(rt.Run("start", id));
        Check.Rc(code, rt.Run("exec", id, "sh", "-c", script));
    }

    [PrivilegedFact]
    public void Exec_OfAMissingBinary_FailsWith255()
    {
        var (rt, _, id) = Created();
        Check.Ok(rt.Run("start", id));
        var r = rt.Run("exec", id, "/nonexistent");
        Check.Fails(r, "no such file or directory", rc: 255);
        Assert.Equal("running", rt.Status(id));
    }

    static void WaitUntilRunning(Runtime rt, string id, RunningProc run)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (run.HasExited) throw new Xunit.Sdk.XunitException("run exited early\n" + run.Wait(TimeSpan.FromSeconds(1)).Describe());
            var r = rt.Run("state", id);
            if (r.ExitCode == 0 && JsonNode.Parse(r.Stdout)!["status"]!.GetValue<string>() == "running") return;
            Thread.Sleep(50);
        }
        throw new Xunit.Sdk.XunitException($"{id} never reached running");
    }

    static string[] WaitForLines(string path, int n)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
            if (lines.Length >= n) return lines;
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"{path} has {lines.Length} lines, expected {n}: {string.Join("|", lines)}");
            Thread.Sleep(20);
        }
    }

    internal static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is 'Z' or 'X';
        }
        catch (IOException) { return true; }
    }
}
