namespace Runc.Runtime.State;

/// <summary>
/// nrunc's own record of a container, kept in ROOT/ID/state.json (read and written by <see cref="ContainerStateJson"/>,
/// keys are these names in camelCase). Not runc's format: clients only see the `state` command's output. The bundle's
/// config is copied beside it (config.json) when the container is created, because exec, update and delete must act
/// on the config the container was made with.
/// </summary>
public sealed class ContainerState
{
    public string Id { get; set; } = "";
    public int InitPid { get; set; }
    /// <summary>Start time of the init (field 22 of /proc/PID/stat): a reused pid has another one.</summary>
    public ulong InitStartTime { get; set; }
    public string Bundle { get; set; } = "";
    public string Rootfs { get; set; } = "";
    public DateTime Created { get; set; }
    public string Owner { get; set; } = "";
    public Dictionary<string, string>? Annotations { get; set; }
    public Dictionary<string, string>? CgroupPaths { get; set; }
    public bool Rootless { get; set; }
    public bool SystemdCgroup { get; set; }
    /// <summary>Namespaces the container made itself (joined ones are someone else's and are not waited for).</summary>
    public bool OwnPidNamespace { get; set; }
    /// <summary>The container's resctrl group, or null.</summary>
    public string? IntelRdtPath { get; set; }
    /// <summary>nrunc made the group (so delete removes it); false for a pre-existing closID.</summary>
    public bool IntelRdtCreated { get; set; }
    /// <summary>linux.netDevices moved in: host name → name inside, to give them back on delete.</summary>
    public Dictionary<string, string>? NetDevices { get; set; }
}
