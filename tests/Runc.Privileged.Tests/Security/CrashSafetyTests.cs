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
[Collection(PrivilegedCollection.Name)]
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    readonly TestScope _s = new(output);
    public void Dispose() => _s.Dispose();

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
