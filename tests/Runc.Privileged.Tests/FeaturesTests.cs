using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;

namespace Runc.Privileged.Tests;

/// <summary>
/// `features` as clients read it (contract §8.13): CRI-O reads stdout and stderr as one document and rejects an empty
/// version range; containerd 2.x dereferences `linux`; only implemented features may be advertised.
/// </summary>
[Collection(PrivilegedCollection.Name)]
public sealed class FeaturesTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    readonly TestScope _s = new(output);

    public void Dispose() => _s.Dispose();

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
        // Not implemented, so not advertised: AppArmor and SELinux labels, the systemd cgroup driver.
        Assert.False(linux["apparmor"]!["enabled"]!.GetValue<bool>());
        Assert.False(linux["selinux"]!["enabled"]!.GetValue<bool>());
        Assert.False(linux["cgroup"]!["systemd"]!.GetValue<bool>());
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
