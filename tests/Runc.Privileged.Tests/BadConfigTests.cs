using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests;

/// <summary>
/// Broken config.json files through the CLI: `create` exits 1 with an error on stderr and leaves nothing: the state
/// root is empty or absent, no process, no cgroup. Every case fails the same way under runc 1.1.5 (verified), except
/// the ones in <see cref="StrongerCases"/>.
/// </summary>
public sealed class BadConfigTests(ITestOutputHelper output) : ScopedTest(output)
{
    public static TheoryData<string> Cases => new()
    {
        "config.json missing", "config.json empty", "config is the JSON string \"null\"",
        "truncated JSON", "JSON array", "JSON number", "config.json is a directory",
        "args empty", "args is a string", "args missing", "cwd relative", "cwd empty",
        "process missing", "process null", "root missing", "rootfs missing", "rootfs is a symlink",
        "duplicate namespaces", "unknown namespace type", "namespace path missing",
        "mount without destination", "mount of unknown fs type", "bind mount with missing source", "mount with bad tmpfs option",
        "unknown rlimit", "rlimit soft above hard", "hostname without uts namespace", "user namespace without mappings",
        "terminal without console socket", "uid is a string", "uid negative", "seccomp unknown action",
        "sysctl unknown", "sysctl not namespaced", "oomScoreAdj out of range", "createRuntime hook fails",
        "prestart hook missing", "missing binary", "binary is a directory", "env entry without =", "device with unknown type",
    };

    /// <summary>Broken configs runc 1.1.5 does not reject cleanly: `null` makes it panic (rc 2); trailing garbage is
    /// ignored (Go's json.Decoder reads one value) and the container is created.</summary>
    public static TheoryData<string> StrongerCases => new() { "null", "trailing garbage after the object" };

    [PrivilegedTheory]
    [MemberData(nameof(Cases))]
    public void Create_WithABrokenConfig_FailsWithRc1_AndLeavesNothing(string @case) => Verify(@case);

    [PrivilegedTheory(StrongerThanRunc = true)]
    [MemberData(nameof(StrongerCases))]
    public void Create_WithABrokenConfig_FailsWithRc1_AndLeavesNothing_WhereRuncDoesNot(string @case) => Verify(@case);

    void Verify(string @case)
    {
        var b = _s.Bundle("true");
        Break(b, @case);
        var rt = _s.Runtime();
        var id = _s.NewId("bad");
        var r = rt.Run("create", "--bundle", b.Dir, id);
        if (r.ExitCode != 1 || r.Stderr.Trim().Length == 0)
            throw new XunitException($"{@case}: expected rc 1 and an error on stderr\n{r.Describe()}");
        var left = rt.DirsUnderRoot();
        if (left.Count > 0) throw new XunitException($"{@case}: the state root is not empty: {string.Join(", ", left)}\n{r.Describe()}");
        Check.NoLeftovers(_s.LeftoversFor(rt, id), @case);
    }

    static void Break(Bundle b, string @case)
    {
        switch (@case)
        {
            case "config.json missing": File.Delete(b.ConfigPath); break;
            case "config.json empty": b.WriteRawConfig(""); break;
            case "config is the JSON string \"null\"": b.WriteRawConfig("\"null\""); break;
            case "null": b.WriteRawConfig("null"); break;
            case "trailing garbage after the object": b.WriteRawConfig(b.Config.ToJsonString() + "xyz"); break;
            case "truncated JSON": var t = b.Config.ToJsonString(); b.WriteRawConfig(t[..(t.Length - 10)]); break;
            case "JSON array": b.WriteRawConfig("[]"); break;
            case "JSON number": b.WriteRawConfig("42"); break;
            case "config.json is a directory": File.Delete(b.ConfigPath); Directory.CreateDirectory(b.ConfigPath); break;
            case "args empty": b.Edit(c => c["process"]!["args"] = new JsonArray()); break;
            case "args is a string": b.Edit(c => c["process"]!["args"] = "true"); break;
            case "args missing": b.Edit(c => c["process"]!.AsObject().Remove("args")); break;
            case "cwd relative": b.Edit(c => c["process"]!["cwd"] = "tmp"); break;
            case "cwd empty": b.Edit(c => c["process"]!["cwd"] = ""); break;
            case "process missing": b.Edit(c => c.Remove("process")); break;
            case "process null": b.Edit(c => c["process"] = null); break;
            case "root missing": b.Edit(c => c.Remove("root")); break;
            case "rootfs missing": b.Edit(c => c["root"]!["path"] = "nope"); break;
            case "rootfs is a symlink":
                File.CreateSymbolicLink(Path.Combine(b.Dir, "rootlink"), b.RootfsDir);
                b.Edit(c => c["root"]!["path"] = "rootlink");
                break;
            case "duplicate namespaces": b.AddNamespace("pid"); break;
            case "unknown namespace type": b.AddNamespace("bogus"); break;
            case "namespace path missing": b.RemoveNamespace("network").AddNamespace("network", "/nonexistent/ns/net"); break;
            case "mount without destination":
                b.Edit(c => c["mounts"]!.AsArray().Add((JsonNode)new JsonObject { ["type"] = "tmpfs", ["source"] = "tmpfs" }));
                break;
            case "mount of unknown fs type": b.AddMount("/mnt", "nosuchfs", "x"); break;
            case "bind mount with missing source": b.AddMount("/mnt", "bind", "/nonexistent/src", "rbind"); break;
            case "mount with bad tmpfs option": b.AddMount("/mnt", "tmpfs", "tmpfs", "size=banana"); break;
            case "unknown rlimit": b.Edit(c => c["process"]!["rlimits"]!.AsArray().Add((JsonNode)Rlimit("RLIMIT_BOGUS", 1, 1))); break;
            case "rlimit soft above hard": b.Edit(c => c["process"]!["rlimits"] = new JsonArray(Rlimit("RLIMIT_NOFILE", 200, 100))); break;
            case "hostname without uts namespace": b.RemoveNamespace("uts"); break; // the spec sets hostname "runc"
            case "user namespace without mappings": b.AddNamespace("user"); break;
            case "terminal without console socket": b.Edit(c => c["process"]!["terminal"] = true); break;
            case "uid is a string": b.Edit(c => c["process"]!["user"]!["uid"] = "root"); break;
            case "uid negative": b.Edit(c => c["process"]!["user"]!["uid"] = -1); break;
            case "seccomp unknown action": b.Edit(c => c["linux"]!["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_BOGUS" }); break;
            case "sysctl unknown": b.Edit(c => c["linux"]!["sysctl"] = new JsonObject { ["kernel.bogus_key"] = "1" }); break;
            case "sysctl not namespaced": b.Edit(c => c["linux"]!["sysctl"] = new JsonObject { ["vm.swappiness"] = "10" }); break;
            case "oomScoreAdj out of range": b.Edit(c => c["process"]!["oomScoreAdj"] = 5000); break;
            case "createRuntime hook fails": b.Edit(c => c["hooks"] = Hook("createRuntime", "/bin/false")); break;
            case "prestart hook missing": b.Edit(c => c["hooks"] = Hook("prestart", "/nonexistent/hook")); break;
            case "missing binary": b.Args("/notfound"); break;
            case "binary is a directory": b.Args("/tmp"); break;
            case "env entry without =": b.Edit(c => c["process"]!["env"]!.AsArray().Add((JsonNode)"NOEQUALS")); break;
            case "device with unknown type":
                b.Edit(c => c["linux"]!["devices"] = new JsonArray(new JsonObject { ["path"] = "/dev/foo", ["type"] = "x", ["major"] = 1, ["minor"] = 3 }));
                break;
            default: throw new ArgumentOutOfRangeException(nameof(@case), @case);
        }
    }

    static JsonObject Rlimit(string type, ulong soft, ulong hard) => new() { ["type"] = type, ["soft"] = soft, ["hard"] = hard };

    static JsonObject Hook(string kind, string path) =>
        new() { [kind] = new JsonArray(new JsonObject { ["path"] = path, ["args"] = new JsonArray((JsonNode)Path.GetFileName(path)) }) };
}
