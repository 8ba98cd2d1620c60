using System.Text.Json.Serialization;

namespace Runc.Oci;

// The OCI runtime-spec model (specs-go/config.go), one record per Go type.
// Conventions, so the JSON we write matches what Go writes:
// - a Go field with `omitempty` that is a pointer/slice/map/string is a nullable C# property
//   (null is never written: OciJsonContext uses WhenWritingNull);
// - a Go `omitempty` bool/number that is not a pointer carries WhenWritingDefault;
// - a required Go string is a non-null C# string defaulting to "" (a JSON null reads as "", like Go).

/// <summary>The bundle's config.json.</summary>
public sealed record Spec
{
    [JsonPropertyName("ociVersion"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string OciVersion { get; set; } = "";

    [JsonPropertyName("process")] public Process? Process { get; set; }
    [JsonPropertyName("root")] public Root? Root { get; set; }
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("domainname")] public string? Domainname { get; set; }
    [JsonPropertyName("mounts")] public List<Mount>? Mounts { get; set; }
    [JsonPropertyName("hooks")] public Hooks? Hooks { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("linux")] public Linux? Linux { get; set; }
}

/// <summary>The container's root filesystem.</summary>
public sealed record Root
{
    [JsonPropertyName("path"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Path { get; set; } = "";

    [JsonPropertyName("readonly"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Readonly { get; set; }
}

/// <summary>One entry of <c>mounts</c>.</summary>
public sealed record Mount
{
    [JsonPropertyName("destination"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Destination { get; set; } = "";

    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("source")] public string? Source { get; set; }
    [JsonPropertyName("options")] public List<string>? Options { get; set; }
    [JsonPropertyName("uidMappings")] public List<LinuxIdMapping>? UidMappings { get; set; }
    [JsonPropertyName("gidMappings")] public List<LinuxIdMapping>? GidMappings { get; set; }
}

/// <summary>The lifecycle hooks, by phase.</summary>
public sealed record Hooks
{
    /// <summary>Deprecated in the spec, still honoured by runc (runs with createRuntime).</summary>
    [JsonPropertyName("prestart")] public List<Hook>? Prestart { get; set; }
    [JsonPropertyName("createRuntime")] public List<Hook>? CreateRuntime { get; set; }
    [JsonPropertyName("createContainer")] public List<Hook>? CreateContainer { get; set; }
    [JsonPropertyName("startContainer")] public List<Hook>? StartContainer { get; set; }
    [JsonPropertyName("poststart")] public List<Hook>? Poststart { get; set; }
    [JsonPropertyName("poststop")] public List<Hook>? Poststop { get; set; }
}

/// <summary>One hook command; it receives the <see cref="State"/> JSON on stdin.</summary>
public sealed record Hook
{
    [JsonPropertyName("path"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Path { get; set; } = "";

    [JsonPropertyName("args")] public List<string>? Args { get; set; }
    [JsonPropertyName("env")] public List<string>? Env { get; set; }

    /// <summary>Seconds; the spec requires it to be greater than zero when present.</summary>
    [JsonPropertyName("timeout")] public int? Timeout { get; set; }
}
