using Runc.Privileged.Tests.Infra;
using Xunit;

namespace Runc.Privileged.Tests;

/// <summary>
/// runc 1.1.5's way to systemd when the system bus is gone (go-systemd's NewWithContext: as root, systemd's private
/// socket /run/systemd/private, a direct connection without Hello), with runc and nrunc side by side against the fake
/// (which serves the private socket too when asked: tools/fake-systemd/PrivateSocket.cs; the wrappers link
/// /run/systemd/private to it in their own /run).
/// </summary>
public sealed partial class SystemdDriverTests
{
    const string NoBusAtAll = "failed to connect to dbus (hint: for rootless containers, maybe you need to install dbus-user-session package, see https://github.com/opencontainers/runc/blob/master/docs/cgroup-v2.md): dial unix /run/systemd/private: connect: no such file or directory";

    [PrivilegedFact]
    public void Without_a_system_bus_root_uses_systemds_private_socket_like_runc()
    {
        var s = new TestScope(output);
        var fake = new FakeSystemdBus(s, privateSocket: true);
        try
        {
            string missing = "unix:path=" + Path.Combine(s.NewDir("nobus"), "bus.sock");
            var oracle = Exercise(s, fake, s.Custom(fake.Wrapper(Env.OracleBin, "runc-private", missing, linkPrivate: true), "oracle"));
            var nrunc = Exercise(s, fake, s.Custom(fake.Wrapper(Env.RuntimeBin!, "nrunc-private", missing, linkPrivate: true), "nrunc"));
            output.WriteLine("runc's calls:\n" + string.Join("\n", oracle.Calls));
            Assert.Equal(["StartTransientUnit", "Get", "SetUnitProperties", "Get", "Get", "SetUnitProperties", "StopUnit"],
                oracle.Calls.Where(l => l.StartsWith("call\t", StringComparison.Ordinal)).Select(l => l.Split('\t')[1]).ToList());
            Assert.Equal(oracle.Calls, nrunc.Calls);
            Assert.Equal(oracle.Files, nrunc.Files);
            Assert.Equal(oracle.Updated, nrunc.Updated);
        }
        finally
        {
            try { s.Dispose(); } finally { fake.Dispose(); }
        }
        Assert.Empty(fake.SliceLeftovers());
    }

    [PrivilegedFact]
    public void Without_a_system_bus_or_private_socket_create_fails_like_runc_and_leaves_nothing()
    {
        var s = new TestScope(output);
        var fake = new FakeSystemdBus(s);
        try
        {
            string missing = "unix:path=" + Path.Combine(s.NewDir("nobus"), "bus.sock");
            foreach (var (bin, name) in new[] { (Env.OracleBin, "oracle"), (Env.RuntimeBin!, "nrunc") })
            {
                var rt = s.Custom(fake.Wrapper(bin, name + "-nobus", missing), name);
                string id = s.NewId("sdnobus");
                var r = rt.Run("--systemd-cgroup", "run", "-d", "--bundle", SystemdBundle(s, fake, id).Dir, id);
                Assert.NotEqual(0, r.ExitCode);
                Assert.Contains(NoBusAtAll, r.Stderr);
                Assert.Empty(rt.DirsUnderRoot());
                Assert.Empty(Leftovers.Eventually(() => Leftovers.Cgroups(id)));
                Assert.Empty(Leftovers.Eventually(() => Leftovers.ProcessesMentioning(id).Select(p => p.ToString()).ToList()));
            }
            Assert.Empty(fake.Calls());
        }
        finally
        {
            try { s.Dispose(); } finally { fake.Dispose(); }
        }
        Assert.Empty(fake.SliceLeftovers());
    }
}
