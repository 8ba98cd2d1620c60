using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;

namespace Runc.Privileged.Tests;

/// <summary>The rarer config fields, each seen from inside the container (issue 3, item 6).</summary>
public sealed class SpecExtrasTests(Xunit.Abstractions.ITestOutputHelper output) : ScopedTest(output)
{
    ProcResult Run(Bundle b)
    {
        var rt = _s.Runtime();
        return rt.Run("run", "--bundle", b.Dir, _s.NewId("x"));
    }

    [PrivilegedFact]
    public void TimeOffsets_ShiftBoottimeInANewTimeNamespace()
    {
        double hostUptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var b = _s.Bundle().Shell("cut -d. -f1 /proc/uptime").AddNamespace("time")
            .Edit(c => c["linux"]!["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 864000, ["nanosecs"] = 0 } });
        var r = Run(b);
        Assert.Equal(0, r.ExitCode);
        long inside = long.Parse(r.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(inside - (long)hostUptime, 864000 - 60, 864000 + 60);
    }

    [PrivilegedFact]
    public void TimeNamespace_JoinedByPath_SeesTheOwnersOffsets()
    {
        var rt = _s.Runtime();
        string owner = _s.NewId("towner");
        var holder = _s.Bundle().Args("sleep", "600").AddNamespace("time")
            .Edit(c => c["linux"]!["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 864000, ["nanosecs"] = 0 } });
        Assert.Equal(0, rt.Run("create", "--bundle", holder.Dir, owner).ExitCode);
        try
        {
            int pid = rt.State(owner)["pid"]!.GetValue<int>();
            double hostUptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            var joiner = _s.Bundle().Shell("cut -d. -f1 /proc/uptime").AddNamespace("time", $"/proc/{pid}/ns/time");
            var r = Run(joiner);
            Assert.Equal(0, r.ExitCode);
            long inside = long.Parse(r.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(inside - (long)hostUptime, 864000 - 60, 864000 + 60);
        }
        finally { rt.Run("delete", "--force", owner); }
    }

    [PrivilegedFact]
    public void NetDevices_MovesAndRenamesAHostInterface()
    {
        string host = "nrx" + Random.Shared.Next(10000, 99999), peer = host + "p";
        Assert.Equal(0, Subprocess.Run(_s.Dir, ["ip", "link", "add", host, "type", "veth", "peer", "name", peer]).ExitCode);
        try
        {
            var b = _s.Bundle().Shell("ip -o link show | cut -d: -f2 | tr -d ' '")
                .Edit(c => c["linux"]!["netDevices"] = new JsonObject { [host] = new JsonObject { ["name"] = "ctr9" } });
            var r = Run(b);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("ctr9@", r.Stdout);
        }
        finally
        {
            Subprocess.Run(_s.Dir, ["ip", "link", "del", host]);
            Subprocess.Run(_s.Dir, ["ip", "link", "del", peer]);
        }
    }

    [PrivilegedFact]
    public void NetDevices_OfAMissingInterface_FailsAndLeavesNothing()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle().Edit(c => c["linux"]!["netDevices"] = new JsonObject { ["nosuchif0"] = new JsonObject() });
        var r = rt.Run("run", "--bundle", b.Dir, _s.NewId("x"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nosuchif0", r.Stderr);
        Assert.Empty(rt.DirsUnderRoot());
    }

    [PrivilegedFact]
    public void IntelRdt_WithoutResctrl_IsAClearErrorAndLeavesNothing()
    {
        if (Directory.Exists("/sys/fs/resctrl/info")) return; // resctrl mounted: the error path does not apply here
        var rt = _s.Runtime();
        var b = _s.Bundle().Edit(c => c["linux"]!["intelRdt"] = new JsonObject { ["l3CacheSchema"] = "L3:0=f" });
        var r = rt.Run("run", "--bundle", b.Dir, _s.NewId("x"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Intel RDT is not enabled", r.Stderr);
        Assert.Empty(rt.DirsUnderRoot());
    }

    [PrivilegedFact]
    public void Personality_Linux32_ChangesUnameMachine()
    {
        var b = _s.Bundle().Shell("uname -m").Edit(c => c["linux"]!["personality"] = new JsonObject { ["domain"] = "LINUX32" });
        var r = Run(b);
        Assert.Equal(0, r.ExitCode);
        Assert.Matches("^i[3-6]86$", r.Stdout.Trim());
    }

    [PrivilegedFact]
    public void Domainname_IsSetInTheUtsNamespace()
    {
        var b = _s.Bundle().Shell("cat /proc/sys/kernel/domainname").Edit(c => c["domainname"] = "example.test");
        var r = Run(b);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("example.test", r.Stdout.Trim());
    }

    [PrivilegedFact]
    public void OomScoreAdj_IsWrittenThroughProcfs()
    {
        var b = _s.Bundle().Shell("cat /proc/self/oom_score_adj").Edit(c => c["process"]!["oomScoreAdj"] = 123);
        var r = Run(b);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("123", r.Stdout.Trim());
    }
}
