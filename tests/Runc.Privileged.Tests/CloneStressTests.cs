using System.Diagnostics;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// DESIGN §3: the clone point must never hang. Thousands of create/start/wait/delete cycles of /bin/true (count from
/// NRUNC_STRESS_CYCLES; default 2000, or 200 when NRUNC_BIN is runc), each step with a hard timeout; zero hangs and
/// nothing left at the end. Per-step timeouts only turn hangs into failures; nothing here measures speed.
/// </summary>
public sealed class CloneStressTests(ITestOutputHelper output) : ScopedTest(output)
{
    static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(20);

    [PrivilegedFact]
    public void CreateStartWaitDelete_ManyCycles_NeverHang_AndLeaveNothing()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("/bin/true");
        var cycles = Env.StressCycles;
        var tag = _s.NewId("stress"); // ids of this run: tag-0, tag-1, ...
        var pidFile = Path.Combine(_s.Dir, "stress.pid");
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < cycles; i++)
        {
            var id = $"{tag}-{i}";
            var where = $"cycle {i + 1}/{cycles} ({id})";
            Step(rt, where, "create", "--bundle", b.Dir, "--pid-file", pidFile, id);
            var pid = int.Parse(File.ReadAllText(pidFile));
            Step(rt, where, "start", id);
            WaitGone(pid, where);
            Step(rt, where, "delete", id);
            if (Directory.Exists(Path.Combine(rt.Root, id))) throw new XunitException($"{where}: state dir left after delete");
        }
        _s.Log($"{cycles} cycles in {sw.Elapsed.TotalSeconds:0.0} s (information only)");
        Assert.Empty(rt.DirsUnderRoot());
        Check.NoLeftovers(_s.LeftoversFor(rt, tag), $"{cycles} stress cycles");
    }

    [PrivilegedFact]
    public void Exec_ManyTimesIntoOneContainer_NeverHangs_AndLeavesNoProcess()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "100000");
        var id = _s.NewId("xstress");
        Step(rt, "setup", "run", "-d", "--bundle", b.Dir, id);
        var n = Math.Max(10, Env.StressCycles / 4);
        for (var i = 0; i < n; i++)
        {
            var r = rt.TryRun(["exec", id, "/bin/true"], timeout: StepTimeout);
            if (r.TimedOut) throw new HangException(r, StepTimeout);
            if (r.ExitCode != 0) throw new XunitException($"exec {i + 1}/{n} failed\n{r.Describe()}");
        }
        // Only the init is left in the container.
        var ps = rt.Run("ps", "-f", "json", id);
        Check.Ok(ps);
        Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(ps.Stdout)!.AsArray());
        Step(rt, "teardown", "delete", "-f", id);
        Check.NoLeftovers(_s.LeftoversFor(rt, id), $"{n} execs");
    }

    void Step(Runtime rt, string where, params string[] args)
    {
        // Not logged per call (thousands of lines); failures carry the whole invocation.
        var r = Subprocess.Run(_s.IoDir, rt.Argv(args), timeout: StepTimeout);
        if (r.TimedOut) throw new XunitException($"{where}: HANG in `{args[0]}`\n{r.Describe()}");
        if (r.ExitCode != 0) throw new XunitException($"{where}: `{args[0]}` failed\n{r.Describe()}");
        // Keep the io dir from growing by thousands of files.
        foreach (var f in Directory.EnumerateFiles(_s.IoDir)) File.Delete(f);
    }

    static void WaitGone(int pid, string where)
    {
        var until = DateTime.UtcNow + StepTimeout;
        while (Directory.Exists($"/proc/{pid}") && !LifecycleTests.IsZombie(pid))
        {
            if (DateTime.UtcNow > until) throw new XunitException($"{where}: container process {pid} (/bin/true) did not exit");
            Thread.Sleep(2);
        }
    }
}

/// <summary>DESIGN §3: a clone from a process with an allocating thread can deadlock the child; nrunc must refuse, not hang.</summary>
public sealed class ClonePointGuardTests(Xunit.Abstractions.ITestOutputHelper output) : ScopedTest(output)
{
    [PrivilegedFact(StrongerThanRunc = true)]
    public void CreateUnderAllocationPressure_RefusesToClone_AndLeavesNothing()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("guard");
        for (int round = 0; round < 20; round++)
        {
            var r = rt.Run(["create", "--bundle", b.Dir, id], env: new Dictionary<string, string> { ["NRUNC_TEST_ALLOCATION_PRESSURE"] = "1" },
                timeout: TimeSpan.FromSeconds(30));
            Assert.False(r.TimedOut, "create hung under allocation pressure");
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("refusing to clone", r.Stderr);
            Assert.Empty(rt.DirsUnderRoot());
        }
    }
}
