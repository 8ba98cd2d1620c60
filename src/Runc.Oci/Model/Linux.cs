using System.Text.Json.Serialization;

namespace Runc.Oci;

/// <summary>config.json <c>linux</c>: everything Linux-specific.</summary>
public sealed record Linux
{
    [JsonPropertyName("uidMappings")] public List<LinuxIdMapping>? UidMappings { get; set; }
    [JsonPropertyName("gidMappings")] public List<LinuxIdMapping>? GidMappings { get; set; }
    [JsonPropertyName("sysctl")] public Dictionary<string, string>? Sysctl { get; set; }
    [JsonPropertyName("resources")] public LinuxResources? Resources { get; set; }
    [JsonPropertyName("cgroupsPath")] public string? CgroupsPath { get; set; }
    [JsonPropertyName("namespaces")] public List<LinuxNamespace>? Namespaces { get; set; }
    [JsonPropertyName("devices")] public List<LinuxDevice>? Devices { get; set; }
    [JsonPropertyName("seccomp")] public LinuxSeccomp? Seccomp { get; set; }
    [JsonPropertyName("rootfsPropagation")] public string? RootfsPropagation { get; set; }
    [JsonPropertyName("maskedPaths")] public List<string>? MaskedPaths { get; set; }
    [JsonPropertyName("readonlyPaths")] public List<string>? ReadonlyPaths { get; set; }
    [JsonPropertyName("mountLabel")] public string? MountLabel { get; set; }
    [JsonPropertyName("intelRdt")] public LinuxIntelRdt? IntelRdt { get; set; }
    [JsonPropertyName("personality")] public LinuxPersonality? Personality { get; set; }
    [JsonPropertyName("timeOffsets")] public Dictionary<string, LinuxTimeOffset>? TimeOffsets { get; set; }
    [JsonPropertyName("netDevices")] public Dictionary<string, LinuxNetDevice>? NetDevices { get; set; }
    [JsonPropertyName("memoryPolicy")] public LinuxMemoryPolicy? MemoryPolicy { get; set; }
}

/// <summary>One line of a uid_map/gid_map.</summary>
public sealed record LinuxIdMapping
{
    [JsonPropertyName("containerID")] public uint ContainerId { get; set; }
    [JsonPropertyName("hostID")] public uint HostId { get; set; }
    [JsonPropertyName("size")] public uint Size { get; set; }
}

/// <summary>A namespace to create (no path) or join (path).</summary>
public sealed record LinuxNamespace
{
    [JsonPropertyName("type"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Type { get; set; } = "";

    [JsonPropertyName("path")] public string? Path { get; set; }
}

/// <summary>A device node to create in the container's /dev.</summary>
public sealed record LinuxDevice
{
    [JsonPropertyName("path"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Path { get; set; } = "";

    /// <summary><c>c</c>, <c>b</c>, <c>u</c> or <c>p</c>.</summary>
    [JsonPropertyName("type"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Type { get; set; } = "";

    [JsonPropertyName("major")] public long Major { get; set; }
    [JsonPropertyName("minor")] public long Minor { get; set; }
    [JsonPropertyName("fileMode")] public uint? FileMode { get; set; }
    [JsonPropertyName("uid")] public uint? Uid { get; set; }
    [JsonPropertyName("gid")] public uint? Gid { get; set; }
}

/// <summary>Intel RDT (resctrl) settings.</summary>
public sealed record LinuxIntelRdt
{
    [JsonPropertyName("closID")] public string? ClosId { get; set; }
    [JsonPropertyName("l3CacheSchema")] public string? L3CacheSchema { get; set; }
    [JsonPropertyName("memBwSchema")] public string? MemBwSchema { get; set; }
    [JsonPropertyName("schemata")] public List<string>? Schemata { get; set; }

    [JsonPropertyName("enableMonitoring"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool EnableMonitoring { get; set; }
}

/// <summary>personality(2) execution domain.</summary>
public sealed record LinuxPersonality
{
    /// <summary><c>LINUX</c> or <c>LINUX32</c>.</summary>
    [JsonPropertyName("domain"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Domain { get; set; } = "";

    [JsonPropertyName("flags")] public List<string>? Flags { get; set; }
}

/// <summary>Offset of one clock (<c>monotonic</c>/<c>boottime</c>) in a time namespace.</summary>
public sealed record LinuxTimeOffset
{
    [JsonPropertyName("secs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Secs { get; set; }

    [JsonPropertyName("nanosecs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public uint Nanosecs { get; set; }
}

/// <summary>A host network device moved into the container (key of the map is the host name).</summary>
public sealed record LinuxNetDevice
{
    [JsonPropertyName("name")] public string? Name { get; set; }
}

/// <summary>set_mempolicy for the container process.</summary>
public sealed record LinuxMemoryPolicy
{
    [JsonPropertyName("mode"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Mode { get; set; } = "";

    [JsonPropertyName("nodes"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Nodes { get; set; } = "";

    [JsonPropertyName("flags")] public List<string>? Flags { get; set; }
}
