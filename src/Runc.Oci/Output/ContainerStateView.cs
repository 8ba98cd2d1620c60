using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runc.Oci;

/// <summary>
/// One container as <c>nrunc state</c> and <c>nrunc list --format json</c> print it: runc's
/// containerState (runc@v1.1.5:list.go) with its exact key order. Not the spec's <see cref="State"/>:
/// runc adds rootfs, created and owner and always writes pid.
/// </summary>
public sealed record ContainerStateView
{
    [JsonPropertyName("ociVersion"), JsonPropertyOrder(0)] public string OciVersion { get; set; } = SpecVersion.Runtime;
    [JsonPropertyName("id"), JsonPropertyOrder(1)] public string Id { get; set; } = "";

    /// <summary>Host pid of init; 0 once stopped.</summary>
    [JsonPropertyName("pid"), JsonPropertyOrder(2)] public int Pid { get; set; }

    [JsonPropertyName("status"), JsonPropertyOrder(3)] public string Status { get; set; } = "";
    [JsonPropertyName("bundle"), JsonPropertyOrder(4)] public string Bundle { get; set; } = "";
    [JsonPropertyName("rootfs"), JsonPropertyOrder(5)] public string Rootfs { get; set; } = "";

    [JsonPropertyName("created"), JsonPropertyOrder(6), JsonConverter(typeof(GoTimeConverter))]
    public DateTime Created { get; set; }

    /// <summary>Omitted when null or empty, like Go's omitempty on a map (an empty map reads back as null).</summary>
    [JsonPropertyName("annotations"), JsonPropertyOrder(7)]
    public Dictionary<string, string>? Annotations
    {
        get => _annotations is { Count: > 0 } ? _annotations : null;
        set => _annotations = value;
    }

    private Dictionary<string, string>? _annotations;

    /// <summary>Always "" in <c>state</c>; <c>list</c> fills the state dir owner's name.</summary>
    [JsonPropertyName("owner"), JsonPropertyOrder(8)] public string Owner { get; set; } = "";
}

/// <summary>
/// Go's time.Time JSON form: RFC 3339 in UTC with nanoseconds, trailing zeros of the fraction
/// trimmed (<c>2026-11-27T06:18:06.22514096Z</c>, or no fraction at all when it is zero).
/// .NET ticks are 100 ns, so the last two digits Go could print are always 0 here.
/// </summary>
public sealed class GoTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string s = reader.GetString() ?? throw new JsonException("time must be a string");
        return Rfc3339.TryParseUtc(s, out DateTime utc) ? utc : throw new JsonException("time must be RFC 3339: " + s);
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTime value) => Rfc3339.FormatNanoUtc(value);
}
