using System.Text.Json.Serialization;

namespace Runc.Oci;

/// <summary>The runtime-spec state document, written to every hook's stdin.</summary>
public sealed record State
{
    [JsonPropertyName("ociVersion"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string OciVersion { get; set; } = "";

    [JsonPropertyName("id"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Id { get; set; } = "";

    /// <summary><c>creating</c>, <c>created</c>, <c>running</c>, <c>stopped</c> (runc adds <c>paused</c>).</summary>
    [JsonPropertyName("status"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Status { get; set; } = "";

    [JsonPropertyName("pid"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Pid { get; set; }

    [JsonPropertyName("bundle"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Bundle { get; set; } = "";

    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
}
