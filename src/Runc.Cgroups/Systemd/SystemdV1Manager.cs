using Runc.Cgroups.Devices;
using Runc.Cgroups.Layout;
using Runc.Cgroups.Stats;
using Runc.Cgroups.V1;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Cgroups.Systemd;

/// <summary>
/// runc 1.1.5's systemd driver on cgroup v1 and hybrid hosts (libcontainer/cgroups/systemd/v1.go, legacyManager):
/// the container's init is put into a transient scope by systemd (StartTransientUnit with Delegate=yes and the pid),
/// joined into every v1 hierarchy at the scope's path by us, and its resources go to systemd with SetUnitProperties
/// (the container frozen meanwhile, since systemd rewrites device rules disruptively) and then into the cgroup files
/// through the fs driver. Stats, freezer, pids and signals are the fs driver's. Destroy stops the unit and removes
/// the directories. Until <see cref="AddProcess"/> gives it the init's pid the unit does not exist: Apply and
/// ApplyDevices before that only remember what to set.
/// </summary>
public sealed class SystemdV1Manager : ICgroupManager
{
    /// <summary>Hierarchies systemd places the scope's processes in itself (runc's joinCgroups skips them).</summary>
    static readonly HashSet<string> SystemdJoins = new(StringComparer.Ordinal) { "name=systemd", "" };

    private readonly V1Manager _fs;
    private readonly ISystemdBus _bus;
    private readonly SystemdUnitName? _name;
    private readonly Action<string> _warn;
    private LinuxResources? _pending;
    private IReadOnlyList<DeviceRule>? _devices;
    private bool _started;
    private bool _startAttempted;
    private int _version = int.MinValue;

    /// <summary>A unit still to be started (create).</summary>
    public SystemdV1Manager(V1Manager fs, SystemdUnitName name, ISystemdBus bus, Action<string> warn)
    {
        _fs = fs; _name = name; _bus = bus; _warn = warn;
        UnitName = name.UnitName;
    }

    /// <summary>The unit of an existing container (delete, update): it was started by create.</summary>
    public SystemdV1Manager(V1Manager fs, string unitName, ISystemdBus bus, Action<string> warn)
    {
        _fs = fs; _bus = bus; _warn = warn;
        UnitName = unitName;
        _started = _startAttempted = true;
    }

    public string UnitName { get; }

    /// <summary>The unit name of a saved container: the scope directory's name (systemd names it after the unit).</summary>
    public static string UnitNameFromPaths(IReadOnlyDictionary<string, string> paths)
    {
        string dir = paths.TryGetValue("devices", out string? d) ? d : paths.Values.First();
        return Path.GetFileName(dir.TrimEnd('/'));
    }

    public CgroupMode Mode => _fs.Mode;
    public IReadOnlyDictionary<string, string> Paths => _fs.Paths;

    /// <summary>Nothing to make yet: systemd makes the scope when it gets the pid.</summary>
    public void Create()
    {
        if (_fs.GetFreezerState() == FreezerState.Frozen)
            throw new RuncException("container's cgroup unexpectedly frozen: \"" + _fs.Paths["freezer"] + "\"");
    }

    public void AddProcess(int pid)
    {
        if (_started) { _fs.AddProcess(pid); return; }
        _startAttempted = true;
        // runc's wording: Apply's errors "unable to apply cgroup configuration", Set's "error setting cgroup config".
        try
        {
            _bus.StartUnit(UnitName, SystemdProperties.ForNewUnitV1(_name!, pid));
            _started = true;
            _fs.CreateAndJoin(pid, SystemdJoins);
        }
        catch (RuncException e)
        {
            if (e is SystemdUnreachableException) _startAttempted = false;
            throw new RuncException("unable to apply cgroup configuration: " + e.Message, e);
        }
        try { Set(_pending ?? new LinuxResources(), _devices ?? []); }
        catch (RuncException e) { throw new RuncException("error setting cgroup config for procHooks process: " + e.Message, e); }
    }

    public void Apply(LinuxResources resources)
    {
        if (!_started) { _pending = resources; return; }
        Set(resources, _devices ?? []);
    }

    public void ApplyDevices(IReadOnlyList<DeviceRule> rules)
    {
        if (!_started) { _devices = rules; return; }
        _fs.ApplyDevices(rules);
    }

    /// <summary>
    /// runc's `update`: legacyManager.Set with SkipDevices (runc update leaves devices alone), so no device properties,
    /// and no freeze when the unit's DevicePolicy is "auto" with an empty DeviceAllow; then the fs writes. runc's update
    /// config holds the request's limits (unset ones zero, a lone cpu quota or period with its saved partner), which is
    /// what <paramref name="request"/> must be.
    /// </summary>
    public void Update(LinuxResources request)
    {
        var props = SystemdProperties.ForResourcesV1(request, [], Version, _warn);
        bool freeze = !DevicesAllowAll() && _fs.GetFreezerState() != FreezerState.Frozen;
        SetUnitProperties(props, freeze);
        _fs.Apply(request);
    }

    /// <summary>runc's freezeBeforeSet with SkipDevices: the unit allows every device (errors count as "no").</summary>
    private bool DevicesAllowAll()
    {
        string type = UnitName.EndsWith(".slice", StringComparison.Ordinal) ? "Slice" : "Scope";
        try
        {
            return _bus.GetUnitTypeProperty(UnitName, type, "DevicePolicy") == "auto" &&
                _bus.GetUnitTypeProperty(UnitName, type, "DeviceAllow") == "0";
        }
        catch (RuncException) { return false; }
    }

    private void Set(LinuxResources r, IReadOnlyList<DeviceRule> devices)
    {
        if (r.Unified is { Count: > 0 }) throw new RuncException("invalid configuration: cannot use unified on cgroup v1");
        var props = SystemdProperties.ForResourcesV1(r, devices, Version, _warn);
        SetUnitProperties(props, _fs.GetFreezerState() != FreezerState.Frozen);
        _fs.Apply(r);
        if (devices.Count > 0) _fs.ApplyDevices(devices);
    }

    /// <summary>runc's setUnitProperties between a freeze and a thaw (systemd rewrites device rules disruptively).</summary>
    private void SetUnitProperties(IReadOnlyList<SystemdProperty> props, bool freeze)
    {
        if (freeze)
        {
            try { _fs.Freeze(); }
            catch (Exception e) when (e is RuncException or IOException) { _warn("freeze container before SetUnitProperties failed: " + e.Message); }
        }
        try { _bus.SetUnitProperties(UnitName, props); }
        finally
        {
            if (freeze)
            {
                try { _fs.Thaw(); }
                catch (Exception e) when (e is RuncException or IOException) { _warn("thaw container after SetUnitProperties failed: " + e.Message); }
            }
        }
    }

    private int Version()
    {
        if (_version == int.MinValue) _version = _bus.Version();
        return _version;
    }

    public bool Exists() => _fs.Exists();
    public IReadOnlyList<int> GetPids() => _fs.GetPids();
    public void Freeze() => _fs.Freeze();
    public void Thaw() => _fs.Thaw();
    public FreezerState GetFreezerState() => _fs.GetFreezerState();
    public void Signal(int signal) => _fs.Signal(signal);
    public CgroupStats GetStats() => _fs.GetStats();
    public SafeFd? OpenV2DirFd() => null;
    public OomMonitor? OpenOomMonitor() => _fs.OpenOomMonitor();

    /// <summary>runc's legacyManager.Destroy: stop the unit, then remove every directory whatever that said
    /// (some were made by us, not by systemd). A unit never asked for (the bus was unreachable) is not stopped.
    /// A failed stop is a warning once the directories are gone: systemd drops an empty scope by itself, and the
    /// container's state must still go (runc removes it too and only reports the error).</summary>
    public void Destroy()
    {
        RuncException? stopError = null;
        if (_startAttempted)
        {
            try { _bus.StopUnit(UnitName); }
            catch (RuncException e) { stopError = e; }
        }
        _fs.Destroy();
        if (stopError != null) _warn("stop systemd unit " + UnitName + ": " + stopError.Message);
    }
}
