using Runc.Cli;

namespace Runc.Cli.Tests;

/// <summary>runc's XDG rule (contract §2), with nrunc's directory names.</summary>
public class RootDirectoryTests
{
    [Theory]
    [InlineData(null, 0u, false, null, "/run/nrunc", false)]
    [InlineData("", 1000u, false, null, "/run/nrunc", false)]              // podman passes XDG_RUNTIME_DIR= for root
    [InlineData("/run/user/0", 0u, false, "root", "/run/nrunc", false)]     // real root ignores XDG
    [InlineData("/run/user/0", 0u, false, null, "/run/nrunc", false)]
    [InlineData("/run/user/1000", 1000u, false, "alice", "/run/user/1000/nrunc", true)]
    [InlineData("/run/user/1000", 0u, true, null, "/run/user/1000/nrunc", true)]    // rootless podman: uid 0 in a userns, no USER
    [InlineData("/run/user/1000", 0u, true, "alice", "/run/user/1000/nrunc", true)]
    [InlineData("/run/user/1000", 0u, true, "root", "/run/nrunc", false)]
    public void Xdg_rule(string? xdg, uint euid, bool inUserNs, string? user, string expected, bool fromXdg)
    {
        Assert.Equal((expected, fromXdg), RootDirectory.Default(xdg, euid, inUserNs, user));
    }

    [Fact]
    public void Host_facts_are_read_only_when_the_rule_needs_them()
    {
        var host = new HostFacts
        {
            GetEnv = _ => null,
            EffectiveUid = () => throw new InvalidOperationException("must not be read"),
            InUserNamespace = () => throw new InvalidOperationException("must not be read"),
        };
        Assert.Equal(("/run/nrunc", false), RootDirectory.Default(host));
    }

    [Fact]
    public void Given_root_is_used_as_is_even_with_xdg()
    {
        var host = TestHost.With(new() { ["XDG_RUNTIME_DIR"] = "/run/user/1000" }, euid: 1000);
        var r = CommandLine.Parse(["--root", "/var/run/x/", "state", "c1"], host);
        Assert.Equal("/var/run/x", r.Globals!.Root);
        Assert.False(r.Globals.RootFromXdg);
        Assert.Equal("/run/user/1000/nrunc", CommandLine.Parse(["state", "c1"], host).Globals!.Root);
    }

    [Theory]
    [InlineData("/a/b/../c", "/a/c")]
    [InlineData("/a//b/", "/a/b")]
    public void Revise_cleans_paths(string given, string expected) => Assert.Equal(expected, RootDirectory.Revise(given));

    [Fact]
    public void Current_host_facts_work_here()
    {
        // Whatever the machine, reading them must not throw.
        _ = HostFacts.Current.EffectiveUid();
        _ = HostFacts.Current.InUserNamespace();
    }
}
