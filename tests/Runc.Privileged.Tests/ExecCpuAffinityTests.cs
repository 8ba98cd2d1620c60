using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;

namespace Runc.Privileged.Tests;

/// <summary>
/// process.execCPUAffinity (runtime-spec 1.2, runc 1.2; Debian's runc 1.1.5 ignores it, so no oracle): for exec'd
/// processes only, "initial" before the move into the cgroup, "final" right after it; with neither the exec'd
/// process gets every CPU back instead of inheriting the runtime's own affinity. Needs 2 CPUs.
/// </summary>
public sealed class ExecCpuAffinityTests(ITestOutputHelper output) : ScopedTest(output)
{
    string AllowedListAfterExec(JsonObject? affinity, bool runtimePinnedToCpu0 = false)
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "100000");
        if (affinity != null) b.Edit(c => c["process"]!["execCPUAffinity"] = affinity);
        string id = _s.NewId("aff");
        Check.Ok(rt.Run("run", "-d", "--bundle", b.Dir, id));
        try
        {
            IReadOnlyList<string> exec = rt.Argv(["exec", id, "sh", "-c", "grep Cpus_allowed_list /proc/self/status | cut -f2"]);
            var r = Subprocess.Run(_s.IoDir, runtimePinnedToCpu0 ? ["taskset", "-c", "0", .. exec] : exec);
            Check.Ok(r);
            return r.Stdout.Trim();
        }
        finally { rt.Run("delete", "--force", id); }
    }

    [PrivilegedFact]
    public void Final_IsTheAffinityTheProcessRunsWith()
    {
        if (Environment.ProcessorCount < 2) return; // one CPU: nothing to tell apart
        Assert.Equal("1", AllowedListAfterExec(new JsonObject { ["initial"] = "0", ["final"] = "1" }));
        Assert.Equal("1", AllowedListAfterExec(new JsonObject { ["final"] = "1" }));
    }

    [PrivilegedFact]
    public void WithoutAffinity_TheRuntimesOwnPinningIsNotInherited()
    {
        if (Environment.ProcessorCount < 2) return;
        Assert.Equal($"0-{Environment.ProcessorCount - 1}", AllowedListAfterExec(null, runtimePinnedToCpu0: true));
    }

    [PrivilegedFact]
    public void ABadList_IsAClearError()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "100000").Edit(c => c["process"]!["execCPUAffinity"] = new JsonObject { ["final"] = "1-x" });
        string id = _s.NewId("aff");
        Check.Ok(rt.Run("run", "-d", "--bundle", b.Dir, id));
        var r = rt.Run("exec", id, "true");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("process.execCPUAffinity.final: invalid list", r.Stderr);
        Check.Ok(rt.Run("delete", "--force", id));
    }
}
