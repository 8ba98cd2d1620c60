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
    public DateTime Created { get; set; }

    /// <summary>Left out when null or empty, like Go's omitempty on a map.</summary>
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Always "" in <c>state</c>; <c>list</c> fills the state dir owner's name.</summary>
    public string Owner { get; set; } = "";
}

/// <summary>
/// Go's time.Time JSON form: RFC 3339 in UTC with nanoseconds, trailing zeros of the fraction
/// trimmed (<c>2026-11-27T06:18:06.22514096Z</c>, or no fraction at all when it is zero).
/// .NET ticks are 100 ns, so the last two digits Go could print are always 0 here.
/// </summary>
public static class GoTime
{
    public static string Format(DateTime value) => Rfc3339.FormatNanoUtc(value);
}
