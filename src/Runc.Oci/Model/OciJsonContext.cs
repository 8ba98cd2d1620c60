using System.Text.Json.Serialization;

namespace Runc.Oci;

/// <summary>
/// The one source-generated JSON context for every spec document nrunc reads or writes.
/// Lenient like Go's encoding/json: keys match case-insensitively and unknown keys are ignored.
/// Indentation differs per output (spec: tabs, state: 2 spaces, features: 4), so writers derive
/// options from <see cref="OciJson"/> rather than from these defaults.
/// </summary>
[JsonSourceGenerationOptions(
    // Metadata only: the fast-path serializers duplicate every writer for no measurable gain here (binary size, issue 10).
    GenerationMode = JsonSourceGenerationMode.Metadata,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    // Go writes every map with sorted keys; these make ours identical.
    Converters =
    [
        typeof(SortedKeysDictionaryConverter<string>),
        typeof(SortedKeysDictionaryConverter<LinuxTimeOffset>),
        typeof(SortedKeysDictionaryConverter<LinuxNetDevice>),
        typeof(SortedKeysDictionaryConverter<LinuxRdma>),
    ])]
[JsonSerializable(typeof(Spec))]
[JsonSerializable(typeof(Process))]
[JsonSerializable(typeof(LinuxResources))]
[JsonSerializable(typeof(State))]
[JsonSerializable(typeof(ContainerProcessState))]
[JsonSerializable(typeof(Features))]
[JsonSerializable(typeof(LinuxSeccomp))]
[JsonSerializable(typeof(List<LinuxDevice>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class OciJsonContext : JsonSerializerContext;
