using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// DESIGN §2.1: a failed create leaves nothing: no state dir, no process whose command line names the id or the
/// runtime binary, no cgroup named after the id in any v1 hierarchy or in /sys/fs/cgroup/unified. The failures here
/// happen late (after the container process exists), where cleanup is hardest.
/// </summary>
public sealed class FailedCreateLeavesNothingTests(ITestOutputHelper output) : ScopedTest(output)
{
    public static TheoryData<string> Failures => new()
    {
        "missing binary /notfound",
        "bad bind mount source",
        "failing createRuntime hook",
        "failing createContainer hook",
        "failing prestart hook",
        "missing pid file directory",
    };

    /// <summary>
    /// runc writes the pid file through ".NAME" with O_EXCL, so a temp file left by a crash blocks every later
    /// create with that pid file until someone removes it. nrunc uses a per-process temp name: the stale file
    /// is left alone and the create succeeds.
    /// </summary>
    [PrivilegedFact(StrongerThanRunc = true)]
    public void StaleTemporaryPidFile_DoesNotBlockCreate()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("stale");
        var pidFile = Path.Combine(_s.Dir, "c.pid");
        File.WriteAllText(Path.Combine(_s.Dir, ".c.pid"), "stale");
        var r = rt.Run("create", "--bundle", b.Dir, "--pid-file", pidFile, id);
        try
        {
            Assert.Equal(0, r.ExitCode);
            Assert.Matches("^[0-9]+$", File.ReadAllText(pidFile));
            Assert.Equal("stale", File.ReadAllText(Path.Combine(_s.Dir, ".c.pid")));
        }
        finally { rt.Run("delete", "-f", id); }
    }

    [PrivilegedTheory]
    [MemberData(nameof(Failures))]
    public void FailedCreate_LeavesNoStateDirNoProcessNoCgroup(string failure) => Verify(failure, "create");

    [PrivilegedTheory]
    [MemberData(nameof(Failures))]
    public void FailedRun_LeavesNoStateDirNoProcessNoCgroup(string failure) => Verify(failure, "run");

    void Verify(string failure, string verb)
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("fail");
        var pidFile = Path.Combine(_s.Dir, "c.pid");
        var expect = "";
        switch (failure)
        {
            case "missing binary /notfound": b.Args("/notfound"); expect = "no such file or directory"; break;
            case "bad bind mount source": b.AddMount("/mnt", "bind", "/nonexistent/source", "rbind"); expect = "/nonexistent/source"; break;
            case "failing createRuntime hook": b.Edit(c => c["hooks"] = Hook("createRuntime")); break;
            case "failing createContainer hook": b.Edit(c => c["hooks"] = Hook("createContainer")); break;
            case "failing prestart hook": b.Edit(c => c["hooks"] = Hook("prestart")); break;
            case "missing pid file directory": pidFile = Path.Combine(_s.Dir, "no-such-dir", "c.pid"); break;
            default: throw new ArgumentOutOfRangeException(nameof(failure));
        }
        var args = verb == "run" ? new[] { "run", "-d" } : ["create"];
        var r = rt.Run([.. args, "--bundle", b.Dir, "--pid-file", pidFile, id]);
        if (r.ExitCode != 1) throw new XunitException($"{failure}: expected {verb} to fail with rc 1\n{r.Describe()}");
        Assert.Contains(expect, r.Stderr);
        Assert.False(File.Exists(pidFile), "a failed create must not leave a pid file");
        Check.NoLeftovers(_s.LeftoversFor(rt, id), $"failed {verb} ({failure})");
        Assert.Empty(rt.DirsUnderRoot());
        Check.Fails(rt.Run("state", id), Sentinels.DoesNotExist);
    }

    /// <summary>
    /// The container's processes move themselves into the v1 cgroups (Runc.Cgroups.CgroupJoin). A move the kernel
    /// refuses for real: a SCHED_RR task may not enter a cpu cgroup without an RT budget (a new cgroup's
    /// cpu.rt_runtime_us is 0), so `chrt -r 1` makes both runtimes fail there. runc's sentence, with the file nrunc
    /// writes (tasks, where runc writes cgroup.procs); create/run leave nothing, a refused exec leaves no process.
    /// </summary>
    [PrivilegedTheory]
    [InlineData("create")]
    [InlineData("run")]
    [InlineData("exec")]
    public void ARefusedCgroupMove_IsRuncsError_AndLeavesNothing(string verb)
    {
        Assert.True(File.Exists("/sys/fs/cgroup/cpu/cpu.rt_runtime_us"), "this test needs a cgroup v1 cpu hierarchy with RT group scheduling");
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "1000");
        var id = _s.NewId("rt");
        string[] Chrt(params string[] args) => ["chrt", "-r", "1", .. rt.Argv(args)];
        var pattern = @"unable to start container process: unable to apply cgroup configuration: write /sys/fs/cgroup/cpu(,cpuacct)?/(\S+/)?" + id + "/tasks: invalid argument";
        if (verb == "exec")
        {
            Check.Ok(rt.Run("run", "-d", "--bundle", b.Dir, id));
            try
            {
                var e = Subprocess.Run(_s.IoDir, Chrt("exec", id, "true"));
                _s.Log(e.Describe());
                Assert.NotEqual(0, e.ExitCode);
                Assert.Matches(pattern, e.Stderr);
                var ps = System.Text.Json.Nodes.JsonNode.Parse(rt.Run("ps", "--format", "json", id).Stdout)!.AsArray();
                Assert.Single(ps); // only the init: the refused process is gone
            }
            finally { rt.Run("delete", "-f", id); }
            return;
        }
        var r = Subprocess.Run(_s.IoDir, Chrt([.. (verb == "run" ? new[] { "run", "-d" } : ["create"]), "--bundle", b.Dir, id]));
        _s.Log(r.Describe());
        Assert.Equal(1, r.ExitCode);
        Assert.Matches(pattern, r.Stderr);
        Check.NoLeftovers(_s.LeftoversFor(rt, id), $"refused cgroup move ({verb})");
        Assert.Empty(rt.DirsUnderRoot());
    }

    /// <summary>A hook on the host that exits 1. The container process already exists when it runs.</summary>
    static JsonObject Hook(string kind) =>
        new() { [kind] = new JsonArray(new JsonObject { ["path"] = "/bin/sh", ["args"] = new JsonArray((JsonNode)"sh", "-c", "exit 1") }) };
}
