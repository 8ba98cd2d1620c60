using System.Text.Json.Serialization;

namespace Runc.Runtime.State;

/// <summary>
/// nrunc's own record of a container, kept in ROOT/ID/state.json. Not runc's format: clients only see the
/// `state` command's output. The bundle's config is copied beside it (config.json) when the container is
/// created, because exec, update and delete must act on the config the container was made with.
/// </summary>
public sealed class ContainerState
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("initPid")] public int InitPid { get; set; }
    /// <summary>Start time of the init (field 22 of /proc/PID/stat): a reused pid has another one.</summary>
    [JsonPropertyName("initStartTime")] public ulong InitStartTime { get; set; }
    [JsonPropertyName("bundle")] public string Bundle { get; set; } = "";
    [JsonPropertyName("rootfs")] public string Rootfs { get; set; } = "";
    [JsonPropertyName("created")] public DateTime Created { get; set; }
    [JsonPropertyName("owner")] public string Owner { get; set; } = "";
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("cgroupPaths")] public Dictionary<string, string>? CgroupPaths { get; set; }
    [JsonPropertyName("rootless")] public bool Rootless { get; set; }
    [JsonPropertyName("systemdCgroup")] public bool SystemdCgroup { get; set; }
    /// <summary>Namespaces the container made itself (joined ones are someone else's and are not waited for).</summary>
    [JsonPropertyName("ownPidNamespace")] public bool OwnPidNamespace { get; set; }
    /// <summary>The container's resctrl group, or null.</summary>
    [JsonPropertyName("intelRdtPath")] public string? IntelRdtPath { get; set; }
    /// <summary>nrunc made the group (so delete removes it); false for a pre-existing closID.</summary>
    [JsonPropertyName("intelRdtCreated")] public bool IntelRdtCreated { get; set; }
    /// <summary>linux.netDevices moved in: host name → name inside, to give them back on delete.</summary>
    [JsonPropertyName("netDevices")] public Dictionary<string, string>? NetDevices { get; set; }
}

[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata, WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerState))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
