using System.Text.Json.Serialization;

namespace Runc.Oci;

/// <summary>The container process (config.json <c>process</c>, or the whole <c>exec --process</c> file).</summary>
public sealed record Process
{
    [JsonPropertyName("terminal"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Terminal { get; set; }

    [JsonPropertyName("consoleSize")] public Box? ConsoleSize { get; set; }
    [JsonPropertyName("user")] public User User { get; set; } = new();
    [JsonPropertyName("args")] public List<string>? Args { get; set; }

    /// <summary>Windows only in the spec; kept so it round-trips.</summary>
    [JsonPropertyName("commandLine")] public string? CommandLine { get; set; }

    [JsonPropertyName("env")] public List<string>? Env { get; set; }

    [JsonPropertyName("cwd"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Cwd { get; set; } = "";

    [JsonPropertyName("capabilities")] public LinuxCapabilities? Capabilities { get; set; }
    [JsonPropertyName("rlimits")] public List<PosixRlimit>? Rlimits { get; set; }

    [JsonPropertyName("noNewPrivileges"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool NoNewPrivileges { get; set; }

    [JsonPropertyName("apparmorProfile")] public string? ApparmorProfile { get; set; }
    [JsonPropertyName("oomScoreAdj")] public int? OomScoreAdj { get; set; }
    [JsonPropertyName("selinuxLabel")] public string? SelinuxLabel { get; set; }
    [JsonPropertyName("ioPriority")] public LinuxIOPriority? IoPriority { get; set; }
    [JsonPropertyName("scheduler")] public LinuxScheduler? Scheduler { get; set; }
    [JsonPropertyName("execCPUAffinity")] public CpuAffinity? ExecCpuAffinity { get; set; }
}

/// <summary>Terminal size in characters.</summary>
public sealed record Box
{
    [JsonPropertyName("height")] public uint Height { get; set; }
    [JsonPropertyName("width")] public uint Width { get; set; }
}

/// <summary>The user the process runs as (numeric ids on Linux).</summary>
public sealed record User
{
    [JsonPropertyName("uid")] public uint Uid { get; set; }
    [JsonPropertyName("gid")] public uint Gid { get; set; }
    [JsonPropertyName("umask")] public uint? Umask { get; set; }
    [JsonPropertyName("additionalGids")] public List<uint>? AdditionalGids { get; set; }
    [JsonPropertyName("username")] public string? Username { get; set; }
}

/// <summary>Capability sets by name (<c>CAP_*</c>).</summary>
public sealed record LinuxCapabilities
{
    [JsonPropertyName("bounding")] public List<string>? Bounding { get; set; }
    [JsonPropertyName("effective")] public List<string>? Effective { get; set; }
    [JsonPropertyName("inheritable")] public List<string>? Inheritable { get; set; }
    [JsonPropertyName("permitted")] public List<string>? Permitted { get; set; }
    [JsonPropertyName("ambient")] public List<string>? Ambient { get; set; }
}

/// <summary>One setrlimit (type is <c>RLIMIT_*</c>).</summary>
public sealed record PosixRlimit
{
    [JsonPropertyName("type"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Type { get; set; } = "";

    [JsonPropertyName("hard")] public ulong Hard { get; set; }
    [JsonPropertyName("soft")] public ulong Soft { get; set; }
}

/// <summary>ioprio_set for the process (class is <c>IOPRIO_CLASS_RT|BE|IDLE</c>).</summary>
public sealed record LinuxIOPriority
{
    [JsonPropertyName("class"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Class { get; set; } = "";

    [JsonPropertyName("priority")] public int Priority { get; set; }
}

/// <summary>sched_setattr for the process (policy is <c>SCHED_*</c>).</summary>
public sealed record LinuxScheduler
{
    [JsonPropertyName("policy"), JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Policy { get; set; } = "";

    [JsonPropertyName("nice"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Nice { get; set; }

    [JsonPropertyName("priority"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Priority { get; set; }

    [JsonPropertyName("flags")] public List<string>? Flags { get; set; }

    [JsonPropertyName("runtime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Runtime { get; set; }

    [JsonPropertyName("deadline"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Deadline { get; set; }

    [JsonPropertyName("period"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Period { get; set; }
}

/// <summary>CPU lists (cpuset syntax) for an exec'd process: before and after it joins the cgroup.</summary>
public sealed record CpuAffinity
{
    [JsonPropertyName("initial")] public string? Initial { get; set; }
    [JsonPropertyName("final")] public string? Final { get; set; }
}
