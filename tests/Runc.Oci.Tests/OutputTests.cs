using System.Text;
using System.Text.Json;
using Runc.Oci;
using Runc.Oci.Kernel;
using Xunit;

namespace Runc.Oci.Tests;

public class ContainerStateViewTests
{
    private static ContainerStateView Sample() => new()
    {
        Id = "c1",
        Pid = 2325,
        Status = "running",
        Bundle = "/srv/bundle",
        Rootfs = "/srv/bundle/rootfs",
        Created = new DateTime(2026, 11, 27, 6, 18, 6, DateTimeKind.Utc).AddTicks(2251409),
        Annotations = new() { ["org.example.key"] = "value", ["b"] = "c" },
    };

    [Fact]
    public void StateHasRuncsKeyOrderAndTwoSpaceIndent()
    {
        // runc@v1.1.5 state.go: json.MarshalIndent(..., "", "  "), no trailing newline.
        const string expected = """
            {
              "ociVersion": "1.0.2-dev",
              "id": "c1",
              "pid": 2325,
              "status": "running",
              "bundle": "/srv/bundle",
              "rootfs": "/srv/bundle/rootfs",
              "created": "2026-11-27T06:18:06.2251409Z",
              "annotations": {
                "b": "c",
                "org.example.key": "value"
              },
              "owner": ""
            }
            """;
        Assert.Equal(expected, StateViewJson.Indented(Sample()));
    }

    [Fact]
    public void MapsAreWrittenWithSortedKeysLikeGo()
    {
        var spec = new Spec
        {
            Annotations = new() { ["z"] = "1", ["a"] = "2", ["M"] = "3" },
            Linux = new Linux
            {
                Sysctl = new() { ["net.b"] = "1", ["net.a"] = "2" },
                TimeOffsets = new() { ["monotonic"] = new() { Secs = 1 }, ["boottime"] = new() { Secs = 2 } },
            },
        };
        Assert.Equal("""{"ociVersion":"","annotations":{"M":"3","a":"2","z":"1"},"linux":{"sysctl":{"net.a":"2","net.b":"1"},"timeOffsets":{"boottime":{"secs":2},"monotonic":{"secs":1}}}}""",
            Encoding.UTF8.GetString(OciJson.SerializeSpecCompact(spec)));
    }

    [Fact]
    public void EmptyAnnotationsAreOmittedAndStoppedPidIsZero()
    {
        var view = Sample() with { Pid = 0, Status = "stopped", Annotations = [] };
        string json = StateViewJson.Indented(view);
        Assert.DoesNotContain("annotations", json);
        Assert.Contains("\"pid\": 0,", json);
    }

    [Theory]
    [InlineData(0L, "2026-11-27T06:18:06Z")]
    [InlineData(1L, "2026-11-27T06:18:06.0000001Z")]
    [InlineData(5_000_000L, "2026-11-27T06:18:06.5Z")]
    [InlineData(2_251_409L, "2026-11-27T06:18:06.2251409Z")]
    public void CreatedIsGoRfc3339Nano(long ticks, string expected) =>
        Assert.Equal(expected, Rfc3339.FormatNanoUtc(new DateTime(2026, 11, 27, 6, 18, 6, DateTimeKind.Utc).AddTicks(ticks)));

    [Fact]
    public void ListJsonIsOneLineAndNullWhenEmpty()
    {
        Assert.Equal("null\n", StateViewJson.List([]));
        string line = StateViewJson.List([Sample() with { Owner = "root", Annotations = null }]);
        Assert.Equal("""[{"ociVersion":"1.0.2-dev","id":"c1","pid":2325,"status":"running","bundle":"/srv/bundle","rootfs":"/srv/bundle/rootfs","created":"2026-11-27T06:18:06.2251409Z","owner":"root"}]""" + "\n", line);
    }
}

public class HookStateTests
{
    [Fact]
    public void HookStateIsTheSpecShape()
    {
        var state = new State { OciVersion = SpecVersion.Runtime, Id = "c1", Status = "created", Pid = 42, Bundle = "/b", Annotations = new() { ["a"] = "b" } };
        Assert.Equal("""{"ociVersion":"1.0.2-dev","id":"c1","status":"created","pid":42,"bundle":"/b","annotations":{"a":"b"}}""",
            Encoding.UTF8.GetString(OciJson.SerializeHookState(state)));
    }

    [Fact]
    public void HookStateOmitsPidZero() =>
        Assert.Equal("""{"ociVersion":"1.0.2-dev","id":"c1","status":"stopped","bundle":"/b"}""",
            Encoding.UTF8.GetString(OciJson.SerializeHookState(new State { OciVersion = SpecVersion.Runtime, Id = "c1", Status = "stopped", Bundle = "/b" })));
}

public class FeaturesDocumentTests
{
    [Fact]
    public void FeaturesUseFourSpacesAndANewline()
    {
        var features = new Features
        {
            OciVersionMin = SpecVersion.Minimum,
            OciVersionMax = SpecVersion.Runtime,
            Hooks = ["prestart"],
            Linux = new FeaturesLinux
            {
                Namespaces = ["pid"],
                Cgroup = new FeaturesCgroup { V1 = true, V2 = true },
                MountExtensions = new FeaturesMountExtensions { Idmap = new FeaturesEnabled { Enabled = true } },
            },
        };
        const string expected = """
            {
                "ociVersionMin": "1.0.0",
                "ociVersionMax": "1.0.2-dev",
                "hooks": [
                    "prestart"
                ],
                "linux": {
                    "namespaces": [
                        "pid"
                    ],
                    "cgroup": {
                        "v1": true,
                        "v2": true
                    },
                    "mountExtensions": {
                        "idmap": {
                            "enabled": true
                        }
                    }
                }
            }

            """;
        Assert.Equal(expected, OciJson.SerializeFeatures(features));
    }

    [Fact]
    public void RuncFeaturesDocumentParses()
    {
        // Shape of `runc features` (1.1.5) output, trimmed.
        var f = JsonSerializer.Deserialize("""
            {"ociVersionMin":"1.0.0","ociVersionMax":"1.0.2-dev","hooks":["prestart","createRuntime"],"mountOptions":["acl","rro"],
             "linux":{"namespaces":["cgroup","ipc"],"capabilities":["CAP_CHOWN"],"cgroup":{"v1":true,"v2":true,"systemd":true,"systemdUser":true},
             "seccomp":{"enabled":true,"actions":["SCMP_ACT_ALLOW"],"operators":["SCMP_CMP_EQ"],"archs":["SCMP_ARCH_X86_64"]},
             "apparmor":{"enabled":true},"selinux":{"enabled":true}},
             "annotations":{"org.opencontainers.runc.version":"1.1.5"}}
            """, OciJsonContext.Default.Features)!;
        Assert.True(f.Linux!.Cgroup!.SystemdUser);
        Assert.True(f.Linux.Apparmor!.Enabled);
        Assert.Equal("1.1.5", f.Annotations!["org.opencontainers.runc.version"]);
    }

    [Fact]
    public void MountOptionNamesAreRuncsPlusIdmap()
    {
        // `runc features` (Debian 1.1.5) mountOptions, sorted.
        string[] runc115 =
        [
            "acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime", "loud",
            "mand", "noacl", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
            "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime", "remount",
            "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow",
            "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable",
            "rw", "shared", "silent", "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup", "unbindable",
        ];
        Assert.Equal(runc115, MountOptions.KnownNames.Where(n => n is not ("idmap" or "ridmap")));
    }
}

public class ContainerProcessStateTests
{
    /// <summary>Byte for byte what Debian's runc 1.1.5 sent to a seccomp agent for `create` (captured with
    /// tools/seccomp-agent), and the same without metadata or annotations, which Go omits when empty.</summary>
    [Fact]
    public void SerializesLikeRunc()
    {
        var state = new ContainerProcessState
        {
            OciVersion = "1.0.2-dev",
            Fds = [ContainerProcessState.SeccompFdName],
            Pid = 15004,
            Metadata = "meta1",
            State = new State
            {
                OciVersion = "1.0.2-dev", Id = "t1", Status = "creating", Pid = 15004, Bundle = "/tmp/notify-Cfrb/b",
                Annotations = new() { ["a.b"] = "c" },
            },
        };
        Assert.Equal("""{"ociVersion":"1.0.2-dev","fds":["seccompFd"],"pid":15004,"metadata":"meta1","state":{"ociVersion":"1.0.2-dev","id":"t1","status":"creating","pid":15004,"bundle":"/tmp/notify-Cfrb/b","annotations":{"a.b":"c"}}}""",
            Encoding.UTF8.GetString(OciJson.SerializeContainerProcessState(state)));
        state.Metadata = null;
        state.State.Annotations = null;
        Assert.Equal("""{"ociVersion":"1.0.2-dev","fds":["seccompFd"],"pid":15004,"state":{"ociVersion":"1.0.2-dev","id":"t1","status":"creating","pid":15004,"bundle":"/tmp/notify-Cfrb/b"}}""",
            Encoding.UTF8.GetString(OciJson.SerializeContainerProcessState(state)));
    }
}
