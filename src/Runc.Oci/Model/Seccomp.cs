using System.Text.Json.Serialization;

namespace Runc.Oci;

/// <summary>config.json <c>linux.seccomp</c>; compiled to BPF by Runc.Seccomp.</summary>
public sealed record LinuxSeccomp
{
    /// <summary><c>SCMP_ACT_*</c>.</summary>
    [JsonPropertyName("defaultAction"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string DefaultAction { get; set; } = "";

    [JsonPropertyName("defaultErrnoRet")] public uint? DefaultErrnoRet { get; set; }

    /// <summary><c>SCMP_ARCH_*</c>.</summary>
    [JsonPropertyName("architectures")] public List<string>? Architectures { get; set; }

    /// <summary><c>SECCOMP_FILTER_FLAG_*</c>.</summary>
    [JsonPropertyName("flags")] public List<string>? Flags { get; set; }

    [JsonPropertyName("listenerPath")] public string? ListenerPath { get; set; }
    [JsonPropertyName("listenerMetadata")] public string? ListenerMetadata { get; set; }
    [JsonPropertyName("syscalls")] public List<LinuxSyscall>? Syscalls { get; set; }
}

/// <summary>A rule: these syscall names (optionally with argument conditions) get this action.</summary>
public sealed record LinuxSyscall
{
    [JsonPropertyName("names")] public List<string>? Names { get; set; }

    [JsonPropertyName("action"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Action { get; set; } = "";

    [JsonPropertyName("errnoRet")] public uint? ErrnoRet { get; set; }
    [JsonPropertyName("args")] public List<LinuxSeccompArg>? Args { get; set; }
}

/// <summary>A condition on one syscall argument.</summary>
public sealed record LinuxSeccompArg
{
    [JsonPropertyName("index")] public uint Index { get; set; }
    [JsonPropertyName("value")] public ulong Value { get; set; }

    [JsonPropertyName("valueTwo"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ValueTwo { get; set; }

    /// <summary><c>SCMP_CMP_*</c>.</summary>
    [JsonPropertyName("op"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Op { get; set; } = "";
}
