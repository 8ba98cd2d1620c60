using System.Text;
using System.Text.Json.Nodes;
using Runc.Privileged.Tests.Infra;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runc.Privileged.Tests.Security;

/// <summary>
/// Issue 8 §11 (and CVE-2021-43784's lesson: hostile sizes must fail cleanly): a matrix of malformed or hostile
/// config.json files through `create`. No crash (no "Unhandled exception", no signal exit), rc 0 or 1; rc 1 with one
/// clear error record and nothing left under --root; an accepted config is deleted again.
/// </summary>
public sealed partial class HostileConfigTests(ITestOutputHelper output) : ScopedTest(output)
{
    static readonly string[] Paths =
    [
        "ociVersion", "process", "process.args", "process.args.0", "process.cwd", "process.env", "process.user",
        "process.user.uid", "process.capabilities", "process.rlimits", "root", "root.path", "mounts", "mounts.0",
        "mounts.0.destination", "mounts.0.options", "hostname", "linux", "linux.namespaces", "linux.namespaces.0.type",
        "linux.resources", "linux.maskedPaths", "hooks", "annotations",
        // null elements and null map values in nested lists and maps (found as NullReferenceException texts before)
        "process.capabilities.bounding", "mounts.0.options", "linux.resources.hugepageLimits", "linux.resources.blockIO.weightDevice",
        "linux.sysctl", "linux.netDevices", "hooks.prestart", "hooks.createRuntime", "linux.seccomp.syscalls",
    ];

    static JsonNode?[] Values() =>
    [
        null, JsonValue.Create(-1), JsonValue.Create(1.5), JsonValue.Create("not/absolute"), JsonValue.Create(true),
        new JsonArray(), new JsonObject(), new JsonArray((JsonNode?)null), JsonValue.Create(-9.99e300), JsonValue.Create("\u0001\u007f"),
        new JsonObject { ["x"] = null },
    ];

    static void Set(JsonNode root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = root;
        for (var i = 0; i < parts.Length - 1; i++)
            node = int.TryParse(parts[i], out var k) ? node!.AsArray()[k] : node![parts[i]] ??= new JsonObject();
        var last = parts[^1];
        if (int.TryParse(last, out var idx)) node!.AsArray()[idx] = value;
        else node![last] = value;
    }

    IEnumerable<(string Name, byte[] Bytes)> Variants(string baseJson)
    {
        foreach (var path in Paths)
        {
            var values = Values();
            for (var v = 0; v < values.Length; v++)
            {
                var c = JsonNode.Parse(baseJson)!;
                Set(c, path, values[v]);
                yield return ($"{path}={values[v]?.ToJsonString() ?? "null"}", Encoding.UTF8.GetBytes(c.ToJsonString()));
            }
        }
        var body = baseJson.TrimStart().TrimStart('{');
        yield return ("empty file", []);
        yield return ("null", "null"u8.ToArray());
        yield return ("array", "[]"u8.ToArray());
        yield return ("deep nesting 10000", Encoding.UTF8.GetBytes("{\"x\":" + new string('[', 10000) + new string(']', 10000) + "," + body));
        yield return ("deep object nesting 10000", Encoding.UTF8.GetBytes("{\"x\":" + string.Concat(Enumerable.Repeat("{\"a\":", 10000)) + "1" + new string('}', 10000) + "," + body));
        yield return ("duplicate ociVersion", Encoding.UTF8.GetBytes("{\"ociVersion\":\"1.0.2\",\"ociVersion\":7," + body));
        yield return ("duplicate process, second invalid", Encoding.UTF8.GetBytes("{" + body.TrimEnd().TrimEnd('}') + ",\"process\":{\"args\":[],\"cwd\":\"rel\"}}"));
        var utf = Encoding.UTF8.GetBytes("{\"hostname\":\"xx\"," + body).ToList();
        var at = utf.IndexOf((byte)'x');
        utf[at] = 0xff; utf[at + 1] = 0xfe;
        yield return ("invalid UTF-8 in a string", utf.ToArray());
        yield return ("invalid UTF-8 in a key", [.. Encoding.UTF8.GetBytes("{\""), 0xc3, 0x28, .. Encoding.UTF8.GetBytes("\":1," + body)]);
        yield return ("NUL byte in args", Encoding.UTF8.GetBytes(baseJson.Replace("\"sleep\"", "\"sl\\u0000eep\"")));
        yield return ("trailing garbage", Encoding.UTF8.GetBytes(baseJson + "}}}"));
        yield return ("64 MiB annotation", Encoding.UTF8.GetBytes("{\"annotations\":{\"big\":\"" + new string('a', 64 << 20) + "\"}," + body));
        yield return ("1M-entry env", Encoding.UTF8.GetBytes(baseJson.Replace("\"env\":[", "\"env\":[" + string.Concat(Enumerable.Repeat("\"A=1\",", 1 << 20)))));
        yield return ("huge uid", Encoding.UTF8.GetBytes(baseJson.Replace("\"uid\":0", "\"uid\":99999999999999999999")));
        yield return ("negative uid", Encoding.UTF8.GetBytes(baseJson.Replace("\"uid\":0", "\"uid\":-5")));
        yield return ("100k mounts", MountsBomb(baseJson));
    }

    static byte[] MountsBomb(string baseJson)
    {
        var c = JsonNode.Parse(baseJson)!;
        var m = c["mounts"]!.AsArray();
        for (var i = 0; i < 100_000; i++) m.Add(new JsonObject { ["destination"] = "/tmp/m" + i, ["type"] = "tmpfs", ["source"] = "tmpfs" });
        return Encoding.UTF8.GetBytes(c.ToJsonString());
    }

    /// <summary>What a .NET fault looks like once it reaches the error line: an exception type name, or a NativeAOT
    /// resource key ("Arg_NullReferenceException", "ArgumentNull_Generic") when the message text was trimmed.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"Exception\b|\b(Arg|Argument[A-Za-z]*|InvalidOperation|IndexOutOfRange)_[A-Za-z]+")]
    private static partial System.Text.RegularExpressions.Regex FaultText();

    [PrivilegedFact]
    public void HostileConfigs_NeverCrash_FailCleanly_LeaveNothing()
    {
        var rt = _s.Runtime();
        var b = _s.Bundle("sleep", "10");
        var baseJson = File.ReadAllText(b.ConfigPath);
        var problems = new List<string>();
        int count = 0, accepted = 0;
        foreach (var (name, bytes) in Variants(baseJson))
        {
            count++;
            File.WriteAllBytes(b.ConfigPath, bytes);
            var id = _s.NewId("bad");
            var r = rt.Run(["create", "--bundle", b.Dir, id], timeout: TimeSpan.FromSeconds(120));
            if (r.Stderr.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase) || r.Stderr.Contains("   at ", StringComparison.Ordinal))
                problems.Add($"{name}: crash\n{r.Describe()}");
            else if (FaultText().IsMatch(r.Stderr))
                problems.Add($"{name}: a runtime fault instead of a validation error\n{r.Describe()}");
            if (r.ExitCode == 0)
            {
                accepted++;
                var del = rt.Run("delete", "-f", id);
                if (del.ExitCode != 0 || Directory.Exists(Path.Combine(rt.Root, id)))
                    problems.Add($"{name}: accepted, but delete -f did not remove it\n{del.Describe()}");
                continue;
            }
            if (r.ExitCode != 1) problems.Add($"{name}: rc {r.ExitCode} (signal or unexpected status)\n{r.Describe()}");
            if (!r.Stderr.Contains("level=error")) problems.Add($"{name}: no error record\n{r.Describe()}");
            if (Directory.Exists(Path.Combine(rt.Root, id))) problems.Add($"{name}: left its state dir under --root");
        }
        _s.Log($"{count} variants, {accepted} accepted (then deleted), {count - accepted} refused");
        Assert.True(count >= 100, $"only {count} variants");
        if (problems.Count > 0) throw new XunitException($"{problems.Count} of {count} hostile configs misbehaved:\n" + string.Join("\n", problems.Take(20)));
    }
}
