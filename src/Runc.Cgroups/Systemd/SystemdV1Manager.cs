using Runc.Cgroups.Devices;
using Runc.Cgroups.V1;
using Runc.Oci;

namespace Runc.Cgroups.Systemd;

/// <summary>
/// runc 1.1.5's systemd driver on cgroup v1 and hybrid hosts (libcontainer/cgroups/systemd/v1.go, legacyManager):
/// the init is joined into every v1 hierarchy at the scope's path by us (systemd places it in name=systemd and the
/// unified tree), and its resources go to systemd with SetUnitProperties while the container is frozen (systemd
/// rewrites device rules disruptively), then into the cgroup files through the fs driver.
/// </summary>
public sealed class SystemdV1Manager : SystemdManager
{
    /// <summary>Hierarchies systemd places the scope's processes in itself (runc's joinCgroups skips them).</summary>
    static readonly HashSet<string> SystemdJoins = new(StringComparer.Ordinal) { "name=systemd", "" };

    private readonly V1Manager _fs;

    /// <summary>A unit still to be started (create).</summary>
    public SystemdV1Manager(V1Manager fs, SystemdUnitName name, ISystemdBus bus, Action<string> warn) : base(fs, name, bus, warn) => _fs = fs;

    /// <summary>The unit of an existing container (delete, update): it was started by create.</summary>
    public SystemdV1Manager(V1Manager fs, string unitName, ISystemdBus bus, Action<string> warn) : base(fs, unitName, bus, warn) => _fs = fs;

    protected override List<SystemdProperty> NewUnitProperties(int pid) => SystemdProperties.ForNewUnitV1(Name!, pid);

    protected override void AfterStart(int pid) => _fs.CreateAndJoin(pid, SystemdJoins);

    /// <summary>
    /// runc's `update`: legacyManager.Set with SkipDevices (runc update leaves devices alone), so no device properties,
    /// and no freeze when the unit's DevicePolicy is "auto" with an empty DeviceAllow; then the fs writes.
    /// </summary>
    public override void Update(LinuxResources request)
    {
        var props = SystemdProperties.ForResourcesV1(request, [], Version, Warn);
        bool freeze = !DevicesAllowAll() && _fs.GetFreezerState() != FreezerState.Frozen;
        SetUnitProperties(props, freeze);
        _fs.Apply(request);
    }

    protected override void Set(LinuxResources r, IReadOnlyList<DeviceRule> devices)
    {
        if (r.Unified is { Count: > 0 }) throw new RuncException("invalid configuration: cannot use unified on cgroup v1");
        var props = SystemdProperties.ForResourcesV1(r, devices, Version, Warn);
        SetUnitProperties(props, _fs.GetFreezerState() != FreezerState.Frozen);
        _fs.Apply(r);
        if (devices.Count > 0) _fs.ApplyDevices(devices);
    }
}
