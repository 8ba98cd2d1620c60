using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;

namespace Runc.Privileged.Tests;

/// <summary>
/// runc 1.1.5's way to systemd when the system bus is gone (go-systemd's NewWithContext: as root, systemd's private
/// socket /run/systemd/private, a direct connection without Hello) and its `org.systemd.property.*` annotations, with
/// runc and nrunc side by side against the fake (which serves the private socket too when asked:
/// tools/fake-systemd/PrivateSocket.cs; the wrappers link /run/systemd/private to it in their own /run).
/// </summary>
public sealed partial class SystemdDriverTests
{
    const string NoBusAtAll = "failed to connect to dbus (hint: for rootless containers, maybe you need to install dbus-user-session package, see https://github.com/opencontainers/runc/blob/master/docs/cgroup-v2.md): dial unix /run/systemd/private: connect: no such file or directory";

    [PrivilegedFact]
    public void Without_a_system_bus_root_uses_systemds_private_socket_like_runc() => RunsLikeRunc(viaPrivateSocket: true);

    [PrivilegedFact]
    public void Without_a_system_bus_or_private_socket_create_fails_like_runc_and_leaves_nothing()
    {
        var s = new TestScope(output);
        var fake = new FakeSystemdBus(s);
        try
        {
            string missing = "unix:path=" + Path.Combine(s.NewDir("nobus"), "bus.sock");
            BothRefuse(s, fake, missing, id => SystemdBundle(s, fake, id), NoBusAtAll);
        }
        finally
        {
            try { s.Dispose(); } finally { fake.Dispose(); }
        }
        Assert.Empty(fake.SliceLeftovers());
    }

    /// <summary>runc and nrunc both fail `run -d` of the bundle with <paramref name="error"/> on stderr, leave nothing
    /// behind and ask the fake nothing.</summary>
    static void BothRefuse(TestScope s, FakeSystemdBus fake, string? address, Func<string, Bundle> bundle, string error)
    {
        foreach (var (bin, name) in new[] { (Env.OracleBin, "oracle"), (Env.RuntimeBin!, "nrunc") })
        {
            var rt = s.Custom(fake.Wrapper(bin, name + "-refused", address), name);
            string id = s.NewId("sdrefused");
            var r = rt.Run("--systemd-cgroup", "run", "-d", "--bundle", bundle(id).Dir, id);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains(error, r.Stderr);
            Assert.Empty(rt.DirsUnderRoot());
            Assert.Empty(Leftovers.Eventually(() => Leftovers.Cgroups(id)));
            Assert.Empty(Leftovers.Eventually(() => Leftovers.ProcessesMentioning(id).Select(p => p.ToString()).ToList()));
        }
        Assert.Empty(fake.Calls());
    }

    static readonly Dictionary<string, string> UnitAnnotations = new()
    {
        ["org.systemd.property.TimeoutStopSec"] = "10",
        ["org.systemd.property.CollectMode"] = "'inactive-or-failed'",
        ["org.systemd.property.SendSIGHUP"] = "true",
        ["org.systemd.property.RuntimeMaxUSec"] = "uint64 3600000000",
        ["org.systemd.property.Documentation"] = "['man:nrunc(8)', \"https://example.com/x\"]",
        ["org.example.not-a-property"] = "ignored",
    };

    static Bundle Annotated(Bundle b, IReadOnlyDictionary<string, string> annotations) => b.Edit(c =>
    {
        var a = new JsonObject();
        foreach (var (k, v) in annotations) a[k] = v;
        c["annotations"] = a;
    });

    /// <summary>The property lines of the first StartTransientUnit from line <paramref name="from"/> on.</summary>
    static List<string> StartProperties(FakeSystemdBus fake, int from, string id) =>
        Normalise(fake.Calls(), from, id).SkipWhile(l => !l.StartsWith("call\tStartTransientUnit", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("prop\t", StringComparison.Ordinal)).ToList();

    [PrivilegedFact]
    public void Unit_property_annotations_reach_start_transient_unit_as_runc_sends_them()
    {
        var s = new TestScope(output);
        var fake = new FakeSystemdBus(s);
        try
        {
            var seen = new List<List<string>>();
            foreach (var (bin, name) in new[] { (Env.OracleBin, "oracle"), (Env.RuntimeBin!, "nrunc") })
            {
                var rt = s.Custom(fake.Wrapper(bin, name), name);
                string id = s.NewId("sdprop");
                var b = Annotated(SystemdBundle(s, fake, id), UnitAnnotations);
                int from = fake.Calls().Length;
                Check.Ok(rt.Run("--systemd-cgroup", "run", "-d", "--bundle", b.Dir, id));
                Check.Ok(rt.Run("--systemd-cgroup", "delete", "-f", id));
                Assert.Empty(Leftovers.Eventually(() => Leftovers.Cgroups(id)));
                seen.Add(StartProperties(fake, from, id));
            }
            output.WriteLine("runc's StartTransientUnit properties:\n" + string.Join("\n", seen[0]));
            // runc's own properties come first, in its order; then the annotations' in Go's random map order.
            const int Own = 9;
            Assert.Equal("prop\tDefaultDependencies\tb\tfalse", seen[0][Own - 1]);
            Assert.Equal(seen[0].Take(Own), seen[1].Take(Own));
            Assert.Equal(
                ["prop\tCollectMode\ts\t\"inactive-or-failed\"", "prop\tDocumentation\tas\t[\"man:nrunc(8)\", \"https://example.com/x\"]",
                 "prop\tRuntimeMaxUSec\tt\t3600000000", "prop\tSendSIGHUP\tb\ttrue", "prop\tTimeoutStopUSec\tt\t10000000"],
                seen[0].Skip(Own).Order(StringComparer.Ordinal));
            Assert.Equal(seen[0].Skip(Own).Order(StringComparer.Ordinal), seen[1].Skip(Own).Order(StringComparer.Ordinal));
        }
        finally
        {
            try { s.Dispose(); } finally { fake.Dispose(); }
        }
        Assert.Empty(fake.SliceLeftovers());
    }

    [PrivilegedTheory]
    [InlineData("org.systemd.property.Timeout1", "1", "annotation org.systemd.property.Timeout1 name incorrect: contains non-alphabetic character")]
    [InlineData("org.systemd.property.TimeoutStopSec", "'x'", "annotation org.systemd.property.TimeoutStopSec='x' value parse error: not a number")]
    [InlineData("org.systemd.property.CPUWeight", "uint64 -1", "annotation org.systemd.property.CPUWeight=uint64 -1 value parse error: strconv.ParseUint: parsing \\\"-1\\\": invalid syntax")]
    public void A_refused_unit_property_annotation_fails_like_runc_and_leaves_nothing(string key, string value, string error)
    {
        var s = new TestScope(output);
        var fake = new FakeSystemdBus(s);
        try
        {
            BothRefuse(s, fake, null, id => Annotated(SystemdBundle(s, fake, id), new Dictionary<string, string> { [key] = value }), error);
        }
        finally
        {
            try { s.Dispose(); } finally { fake.Dispose(); }
        }
        Assert.Empty(fake.SliceLeftovers());
    }
}
