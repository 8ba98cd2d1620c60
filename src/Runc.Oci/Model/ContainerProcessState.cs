using System.Text.Json.Serialization;

namespace Runc.Oci;

/// <summary>
/// The runtime-spec's <c>ContainerProcessState</c> (config-linux.md, "Seccomp" → listenerPath): what the runtime sends
/// to a seccomp agent in one message over the unix socket at <c>linux.seccomp.listenerPath</c>, with the listener fds
/// in SCM_RIGHTS in the order <see cref="Fds"/> names them. Field order and omissions follow runc's Go struct.
/// </summary>
public sealed record ContainerProcessState
{
    /// <summary>The name of the seccomp notify fd in <see cref="Fds"/> (specs-go SeccompFdName).</summary>
    public const string SeccompFdName = "seccompFd";

    [JsonPropertyName("ociVersion")] public string OciVersion { get; set; } = "";

    [JsonPropertyName("fds")] public List<string> Fds { get; set; } = [];

    /// <summary>The process the listener belongs to, as the runtime sees it (host pid).</summary>
    [JsonPropertyName("pid")] public int Pid { get; set; }

    [JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string? Metadata { get; set; }

    [JsonPropertyName("state")] public State State { get; set; } = new();
}
