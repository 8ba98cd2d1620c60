using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Security;

/// <summary>
/// Issue 8 §10, crash safety: SIGKILL the CLI (only its own pid, not its children) in the middle of create, then
/// `delete --force`: no state dir, no cgroup named after the id in any hierarchy, no process mentioning the id or
/// started from the runtime binary for this test, no mount under the bundle. runc 1.1.5 leaks cgroups and the hook
/// process here.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : ScopedTest(output)
{
    void KillOnly(int pid)
    {
        try { System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: false); }
        catch (ArgumentException) { } // already gone
        catch (InvalidOperationException) { }
    }

    List<string> AfterDeleteForce(Runtime rt, Bundle b, string id)
    {
        var del = rt.Run("delete", "--force", id);
        var problems = _s.LeftoversFor(rt, id);
        if (del.ExitCode != 0 && !del.Stderr.Contains("does not exist"))
            problems.Add("delete --force failed: " + del.Describe());
        problems.AddRange(TempDirs.MountsUnder(b.Dir).Select(m => $"mount left: {m}"));
        problems.AddRange(Leftovers.ProcessesMentioning(b.Dir).Select(p => $"process mentions the bundle: {p}"));
        return problems;
    }

    /// <summary>Killed while a createRuntime hook (sleep 30) runs: the hook must not outlive delete --force.</summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void KilledDuringSlowCreateRuntimeHook_DeleteForceLeavesNothing()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("crash");
        b.Edit(c => c["hooks"] = new JsonObject
        {
            ["createRuntime"] = new JsonArray(new JsonObject
            {
                ["path"] = "/bin/sh", ["args"] = Bundle.Strings(["sh", "-c", "sleep 30", "hook-" + id]),
            }),
        });
        var p = rt.Start(["create", "--bundle", b.Dir, id]);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (Leftovers.ProcessesMentioning("hook-" + id).Count == 0 && DateTime.UtcNow < until) Thread.Sleep(20);
        Assert.NotEmpty(Leftovers.ProcessesMentioning("hook-" + id));
        KillOnly(p.Pid);
        p.Wait(TimeSpan.FromSeconds(10));
        Check.NoLeftovers(AfterDeleteForce(rt, b, id), "SIGKILL during a createRuntime hook + delete --force");
    }

    /// <summary>
    /// SIGKILL of the CLI at named steps of create, placed exactly with strace's fault injection (`-P PATH` limits the
    /// injection to the one syscall that touches PATH; only the CLI is traced, not its child): the state dir's mkdir,
    /// the exec fifo's mknod, the first cgroup mkdir, the socketpair just before the clone, the parent closing its fd of the pids
    /// tasks file (v1) or of the cgroup2 directory (v2) right after the clone (the child joins through its copy), the copy of config.json into the state dir (after the child reported
    /// in), and the rename that commits state.json. rc 137 proves the step was reached; then delete --force must leave
    /// no state dir, exec fifo, cgroup in any hierarchy, process or mount.
    /// </summary>
    [PrivilegedTheory(StrongerThanRunc = true)]
    [InlineData("mkdir-state-dir")]
    [InlineData("mknod-exec-fifo")]
    [InlineData("mkdir-first-cgroup")]
    [InlineData("before-clone")]
    [InlineData("after-clone-join-cgroup")]
    [InlineData("copy-config")]
    [InlineData("commit-state-json")]
    public void KilledAtANamedStepOfCreate_DeleteForceLeavesNothing(string step)
    {
        Assert.True(File.Exists("/usr/bin/strace"), "strace is needed (build.sh test installs it)");
        var rt = _s.Runtime();
        var id = _s.NewId("step");
        var b = _s.Bundle("sleep", "1000");
        b.Edit(c => c["linux"]!["cgroupsPath"] = "/" + id);
        var v1 = Directory.Exists("/sys/fs/cgroup/pids");
        var cg = v1 ? $"/sys/fs/cgroup/pids/{id}" : $"/sys/fs/cgroup/{id}";
        var firstCg = v1 ? FirstV1Hierarchy(id) : cg;
        var state = Path.Combine(rt.Root, id);
        var (path, syscall) = step switch
        {
            "mkdir-state-dir" => (state, "mkdir"),
            "mknod-exec-fifo" => (Path.Combine(state, "exec.fifo"), "mknodat"),
            "mkdir-first-cgroup" => (firstCg, "mkdir"),
            "before-clone" => ((string?)null, "socketpair"),
            // The child moves itself into the cgroups (CgroupJoin); the parent closes its copies of the fds right after the clone.
            "after-clone-join-cgroup" => (v1 ? cg + "/tasks" : cg, "close"),
            "copy-config" => (Path.Combine(state, "config.json"), "openat"),
            "commit-state-json" => (Path.Combine(state, "state.json"), "renameat,renameat2,rename"),
            _ => throw new ArgumentException(step),
        };
        string[] strace = ["/usr/bin/strace", "-qq", "-o", "/dev/null", "-e", "signal=none", "-e", $"trace={syscall}",
            .. path is null ? Array.Empty<string>() : ["-P", path], "-e", $"inject={syscall}:signal=KILL"];
        var r = Subprocess.Run(_s.IoDir, [.. strace, .. rt.Argv(["create", "--bundle", b.Dir, id])], timeout: TimeSpan.FromSeconds(60));
        _s.Log(r.Describe());
        Assert.True(r.ExitCode == 137, $"the CLI was not killed at step {step} (rc {r.ExitCode}): the injection point was not reached\n{r.Describe()}");
        Check.NoLeftovers(AfterDeleteForce(rt, b, id), $"SIGKILL at {step} + delete --force");
    }

    /// <summary>On v1 the cpu hierarchy's mkdir, the first of the nine (the others are not made yet when it dies).</summary>
    static string FirstV1Hierarchy(string id) => $"/sys/fs/cgroup/cpu/{id}";

    /// <summary>30 rounds: SIGKILL create after a random 0..300 ms (seeded), then delete --force.</summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void KilledAtRandomPointsOfCreate_DeleteForceLeavesNothing()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var rng = new Random(8);
        var problems = new List<string>();
        for (var round = 0; round < 30; round++)
        {
            var id = _s.NewId("crash");
            var delay = rng.Next(0, 301);
            var p = rt.Start(["create", "--bundle", b.Dir, id]);
            Thread.Sleep(delay);
            KillOnly(p.Pid);
            p.Wait(TimeSpan.FromSeconds(10));
            problems.AddRange(AfterDeleteForce(rt, b, id).Select(x => $"round {round} (kill after {delay} ms): {x}"));
        }
        Check.NoLeftovers(problems, "SIGKILL at random points of create + delete --force");
    }
}
