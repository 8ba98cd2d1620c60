using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;

namespace Runc.Privileged.Tests;

/// <summary>
/// `features` as clients read it (contract §8.13): CRI-O reads stdout and stderr as one document and rejects an empty
/// version range; containerd 2.x dereferences `linux`; only implemented features may be advertised.
/// </summary>
public sealed class FeaturesTests(Xunit.Abstractions.ITestOutputHelper output) : ScopedTest(output)
{
    [PrivilegedFact]
    public void Features_IsOneJsonDocument_WithTheFieldsClientsNeed()
    {
        var r = _s.Runtime().Run("features");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.EndsWith("\n", r.Stdout);
        var f = JsonNode.Parse(r.Stdout)!;
        Assert.False(string.IsNullOrEmpty(f["ociVersionMin"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(f["ociVersionMax"]?.GetValue<string>()));
        var linux = f["linux"]!;
        Assert.Contains("pid", linux["namespaces"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("CAP_SYS_ADMIN", linux["capabilities"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(linux["seccomp"]!["enabled"]!.GetValue<bool>());
        Assert.Contains("SCMP_ACT_ERRNO", linux["seccomp"]!["actions"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("createContainer", f["hooks"]!.AsArray().Select(n => n!.GetValue<string>()));
        // Not implemented, so not advertised: AppArmor and SELinux labels, systemd's user instance (rootless).
        Assert.False(linux["apparmor"]!["enabled"]!.GetValue<bool>());
        Assert.False(linux["selinux"]!["enabled"]!.GetValue<bool>());
        Assert.True(linux["cgroup"]!["systemd"]!.GetValue<bool>());
        Assert.False(linux["cgroup"]!["systemdUser"]!.GetValue<bool>());
    }

    /// <summary>Seccomp actions are what this kernel can return: the kernel's own list (actions_avail) is the witness.</summary>
    [PrivilegedFact]
    public void Features_SeccompActions_AreTheKernels()
    {
        var r = _s.Runtime().Run("features");
        Check.Ok(r);
        var seccomp = JsonNode.Parse(r.Stdout)!["linux"]!["seccomp"]!;
        var kernel = File.ReadAllText("/proc/sys/kernel/seccomp/actions_avail").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var expected = new[]
        {
            ("SCMP_ACT_ALLOW", "allow"), ("SCMP_ACT_ERRNO", "errno"), ("SCMP_ACT_KILL", "kill_thread"), ("SCMP_ACT_KILL_PROCESS", "kill_process"),
            ("SCMP_ACT_KILL_THREAD", "kill_thread"), ("SCMP_ACT_LOG", "log"), ("SCMP_ACT_NOTIFY", "user_notif"), ("SCMP_ACT_TRACE", "trace"),
            ("SCMP_ACT_TRAP", "trap"),
        }.Where(a => kernel.Contains(a.Item2)).Select(a => a.Item1);
        Assert.Equal(expected, seccomp["actions"]!.AsArray().Select(n => n!.GetValue<string>()));
        var known = seccomp["knownFlags"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var supported = seccomp["supportedFlags"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(known.Where(supported.Contains), supported);
    }

    [PrivilegedFact]
    public void Version_HasRuncsShape_AndNoOtherLineSaysVersion()
    {
        var r = _s.Runtime().Run("--version");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.StartsWith("nrunc version ", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("commit: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("spec: ", StringComparison.Ordinal));
        // docker's parser takes any line containing "version" as the runtime's version.
        Assert.Single(lines, l => l.Contains("version", StringComparison.Ordinal));
    }
}
