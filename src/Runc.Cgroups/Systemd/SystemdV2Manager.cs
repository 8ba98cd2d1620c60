using Runc.Cgroups.Devices;
using Runc.Cgroups.V2;
using Runc.Oci;

namespace Runc.Cgroups.Systemd;

/// <summary>
/// runc 1.1.5's systemd driver on a pure cgroup v2 host (libcontainer/cgroups/systemd/v2.go, unifiedManager): the
/// unit's cgroup is &lt;unified mount&gt;/&lt;expanded slice&gt;/&lt;unit&gt;; after systemd made it with the init inside, the
/// fs driver enables the controllers of its ancestors (fs2.CreateCgroupPath); resources go to systemd with
/// SetUnitProperties (runc 1.1.5 does not freeze on v2) and then into the files, devices as our eBPF program.
/// </summary>
public sealed class SystemdV2Manager : SystemdManager
{
    private readonly V2Manager _fs;

    /// <summary>A unit still to be started (create).</summary>
    public SystemdV2Manager(V2Manager fs, SystemdUnitName name, ISystemdBus bus, Action<string> warn) : base(fs, name, bus, warn) => _fs = fs;

    /// <summary>The unit of an existing container (delete, update): it was started by create.</summary>
    public SystemdV2Manager(V2Manager fs, string unitName, ISystemdBus bus, Action<string> warn) : base(fs, unitName, bus, warn) => _fs = fs;

    protected override List<SystemdProperty> NewUnitProperties(int pid) => SystemdProperties.ForNewUnitV2(Name!, pid);

    /// <summary>fs2.CreateCgroupPath: every ancestor delegates the controllers (the directory itself is systemd's).</summary>
    protected override void AfterStart(int pid) => _fs.Create();

    /// <summary>runc's `update` on v2: unifiedManager.Set with SkipDevices (no device properties, no eBPF program).</summary>
    public override void Update(LinuxResources request)
    {
        SetUnitPropertiesV2(SystemdProperties.ForResourcesV2(request, [], Version, Warn));
        _fs.Apply(request);
    }

    protected override void Set(LinuxResources r, IReadOnlyList<DeviceRule> devices)
    {
        SetUnitPropertiesV2(SystemdProperties.ForResourcesV2(r, devices, Version, Warn));
        _fs.Apply(r);
        if (devices.Count > 0) _fs.ApplyDevices(devices);
    }

    private void SetUnitPropertiesV2(IReadOnlyList<SystemdProperty> props)
    {
        try { SetUnitProperties(props, freeze: false); }
        catch (RuncException e) { throw new RuncException("unable to set unit properties: " + e.Message, e); }
    }
}
