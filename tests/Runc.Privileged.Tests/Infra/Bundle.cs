using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runc.Privileged.Tests.Infra;

/// <summary>
/// An OCI bundle in a test's temp dir: a private copy of the cached busybox rootfs (see
/// <see cref="RootfsCache.CopyTo"/>) and a config.json from
/// `NRUNC_BIN spec`, with terminal off and the given args. Tests edit the config as JSON through <see cref="Edit"/>
/// (which saves).
/// </summary>
public sealed class Bundle
{
    internal Bundle(string dir, IReadOnlyList<string> args)
    {
        Dir = dir;
        RootfsCache.CopyTo(RootfsDir);
        Config = JsonNode.Parse(RootfsCache.Spec)!.AsObject();
        Edit(c =>
        {
            c["process"]!["terminal"] = false;
            c["process"]!["args"] = Strings(args);
        });
    }

    public string Dir { get; }
    public string ConfigPath => Path.Combine(Dir, "config.json");
    public string RootfsDir => Path.Combine(Dir, "rootfs");
    public JsonObject Config { get; private set; }

    public JsonObject Process => Config["process"]!.AsObject();
    public JsonObject Linux => Config["linux"]!.AsObject();
    public JsonArray Namespaces => Linux["namespaces"]!.AsArray();
    public JsonArray Mounts => Config["mounts"]!.AsArray();

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public Bundle Edit(Action<JsonObject> change)
    {
        change(Config);
        File.WriteAllText(ConfigPath, Config.ToJsonString(Indented));
        return this;
    }

    public Bundle Args(params string[] args) => Edit(c => c["process"]!["args"] = Strings(args));

    /// <summary>Runs `sh -c SCRIPT` as the container process.</summary>
    public Bundle Shell(string script) => Args("sh", "-c", script);

    public Bundle RemoveNamespace(string type) => Edit(_ =>
    {
        var ns = Namespaces;
        for (var i = ns.Count - 1; i >= 0; i--)
            if (ns[i]!["type"]!.GetValue<string>() == type) ns.RemoveAt(i);
    });

    public Bundle AddNamespace(string type, string? path = null) => Edit(_ =>
    {
        var o = new JsonObject { ["type"] = type };
        if (path is not null) o["path"] = path;
        Namespaces.Add(o);
    });

    public Bundle AddMount(string destination, string type, string source, params string[] options) => Edit(_ =>
        Mounts.Add(new JsonObject
        {
            ["destination"] = destination, ["type"] = type, ["source"] = source, ["options"] = Strings(options),
        }));

    /// <summary>Replaces config.json by raw text (for broken configs).</summary>
    public void WriteRawConfig(string text) => File.WriteAllText(ConfigPath, text);

    public static JsonArray Strings(IEnumerable<string> items) => new(items.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
}
