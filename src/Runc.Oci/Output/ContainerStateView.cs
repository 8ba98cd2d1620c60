namespace Runc.Oci;

/// <summary>
/// One container as <c>nrunc state</c> and <c>nrunc list --format json</c> print it (<see cref="StateViewJson"/>):
/// runc's containerState (runc@v1.1.5:list.go). Not the spec's <see cref="State"/>: runc adds rootfs, created and
/// owner and always writes pid.
/// </summary>
public sealed record ContainerStateView
{
    public string OciVersion { get; set; } = SpecVersion.Runtime;
    public string Id { get; set; } = "";

    /// <summary>Host pid of init; 0 once stopped.</summary>
    public int Pid { get; set; }

    public string Status { get; set; } = "";
    public string Bundle { get; set; } = "";
    public string Rootfs { get; set; } = "";
    /// <summary>Written in Go's time.Time JSON form (<see cref="Rfc3339.FormatNanoUtc"/>).</summary>
    public DateTime Created { get; set; }

    /// <summary>Left out when null or empty, like Go's omitempty on a map.</summary>
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Always "" in <c>state</c>; <c>list</c> fills the state dir owner's name.</summary>
    public string Owner { get; set; } = "";
}
