using System.Text.Json.Serialization;

namespace Runc.Oci;

// The runtime-spec features document (specs-go/features), printed by `nrunc features`.
// Every field is optional there; booleans are pointers so "unknown" (null) differs from false.

public sealed record Features
{
    [JsonPropertyName("ociVersionMin")] public string? OciVersionMin { get; set; }
    [JsonPropertyName("ociVersionMax")] public string? OciVersionMax { get; set; }
    [JsonPropertyName("hooks")] public List<string>? Hooks { get; set; }
    [JsonPropertyName("mountOptions")] public List<string>? MountOptions { get; set; }
    [JsonPropertyName("linux")] public FeaturesLinux? Linux { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("potentiallyUnsafeConfigAnnotations")] public List<string>? PotentiallyUnsafeConfigAnnotations { get; set; }
}

public sealed record FeaturesLinux
{
    [JsonPropertyName("namespaces")] public List<string>? Namespaces { get; set; }
    [JsonPropertyName("capabilities")] public List<string>? Capabilities { get; set; }
    [JsonPropertyName("cgroup")] public FeaturesCgroup? Cgroup { get; set; }
    [JsonPropertyName("seccomp")] public FeaturesSeccomp? Seccomp { get; set; }
    [JsonPropertyName("apparmor")] public FeaturesEnabled? Apparmor { get; set; }
    [JsonPropertyName("selinux")] public FeaturesEnabled? Selinux { get; set; }
    [JsonPropertyName("intelRdt")] public FeaturesIntelRdt? IntelRdt { get; set; }
    [JsonPropertyName("memoryPolicy")] public FeaturesMemoryPolicy? MemoryPolicy { get; set; }
    [JsonPropertyName("mountExtensions")] public FeaturesMountExtensions? MountExtensions { get; set; }
    [JsonPropertyName("netDevices")] public FeaturesEnabled? NetDevices { get; set; }
}

public sealed record FeaturesCgroup
{
    [JsonPropertyName("v1")] public bool? V1 { get; set; }
    [JsonPropertyName("v2")] public bool? V2 { get; set; }
    [JsonPropertyName("systemd")] public bool? Systemd { get; set; }
    [JsonPropertyName("systemdUser")] public bool? SystemdUser { get; set; }
    [JsonPropertyName("rdma")] public bool? Rdma { get; set; }
}

public sealed record FeaturesSeccomp
{
    [JsonPropertyName("enabled")] public bool? Enabled { get; set; }
    [JsonPropertyName("actions")] public List<string>? Actions { get; set; }
    [JsonPropertyName("operators")] public List<string>? Operators { get; set; }
    [JsonPropertyName("archs")] public List<string>? Archs { get; set; }
    [JsonPropertyName("knownFlags")] public List<string>? KnownFlags { get; set; }
    [JsonPropertyName("supportedFlags")] public List<string>? SupportedFlags { get; set; }
}

/// <summary>The common <c>{"enabled": bool}</c> shape (apparmor, selinux, netDevices, idmap).</summary>
public sealed record FeaturesEnabled
{
    [JsonPropertyName("enabled")] public bool? Enabled { get; set; }
}

public sealed record FeaturesIntelRdt
{
    [JsonPropertyName("enabled")] public bool? Enabled { get; set; }
    [JsonPropertyName("schemata")] public bool? Schemata { get; set; }
    [JsonPropertyName("monitoring")] public bool? Monitoring { get; set; }
}

public sealed record FeaturesMemoryPolicy
{
    [JsonPropertyName("modes")] public List<string>? Modes { get; set; }
    [JsonPropertyName("flags")] public List<string>? Flags { get; set; }
}

public sealed record FeaturesMountExtensions
{
    [JsonPropertyName("idmap")] public FeaturesEnabled? Idmap { get; set; }
}
