using Runc.Cgroups.Devices;
using Runc.Cgroups.Layout;
using Runc.Cgroups.Stats;
using Runc.Linux;
using Runc.Oci;

namespace Runc.Cgroups.Systemd;

/// <summary>
/// What runc 1.1.5's two systemd drivers (legacyManager on v1/hybrid, unifiedManager on v2) share: the container's
/// init is put into a transient unit by systemd (StartTransientUnit with the pid), the cgroup directories are then
/// completed by the fs driver (<see cref="AfterStart"/>), resources go to systemd with SetUnitProperties and then into
/// the cgroup files (<see cref="Set"/>), and Destroy stops the unit and removes the directories. Stats, freezer, pids
/// and signals are the fs driver's. Until <see cref="AddProcess"/> gives it the init's pid the unit does not exist:
/// Apply and ApplyDevices before that only remember what to set.
/// </summary>
public abstract class SystemdManager : ICgroupManager
{
    private readonly ICgroupManager _fs;
    protected readonly ISystemdBus Bus;
    protected readonly SystemdUnitName? Name;
    protected readonly Action<string> Warn;
    private LinuxResources? _pending;
    private IReadOnlyList<DeviceRule>? _devices;
    private bool _started;
    private bool _startAttempted;
    private int _version = int.MinValue;

    /// <summary>A unit still to be started (create).</summary>
    protected SystemdManager(ICgroupManager fs, SystemdUnitName name, ISystemdBus bus, Action<string> warn)
    {
        _fs = fs; Name = name; Bus = bus; Warn = warn;
        UnitName = name.UnitName;
    }

    /// <summary>The unit of an existing container (delete, update): it was started by create.</summary>
    protected SystemdManager(ICgroupManager fs, string unitName, ISystemdBus bus, Action<string> warn)
    {
        _fs = fs; Bus = bus; Warn = warn;
        UnitName = unitName;
        _started = _startAttempted = true;
    }

    public string UnitName { get; }

    /// <summary>Properties StartTransientUnit sends after runc's own (the `org.systemd.property.*` annotations,
    /// <see cref="SystemdAnnotations"/>), as runc appends its SystemdProps.</summary>
    public IReadOnlyList<SystemdProperty> ExtraUnitProperties { get; set; } = [];

    /// <summary>The unit name of a saved container: the scope directory's name (systemd names it after the unit).</summary>
    public static string UnitNameFromPaths(IReadOnlyDictionary<string, string> paths)
    {
        if (!paths.TryGetValue("devices", out string? dir))
        {
            using var values = paths.Values.GetEnumerator();
            dir = values.MoveNext() ? values.Current : throw new InvalidOperationException("no cgroup paths");
        }
        return Path.GetFileName(dir.TrimEnd('/'));
    }

    public CgroupMode Mode => _fs.Mode;
    public IReadOnlyDictionary<string, string> Paths => _fs.Paths;

    /// <summary>Nothing to make yet: systemd makes the unit's cgroup when it gets the pid. A frozen leftover is refused.</summary>
    public void Create()
    {
        if (_fs.Exists() && _fs.GetFreezerState() == FreezerState.Frozen)
            throw new RuncException("container's cgroup unexpectedly frozen: \"" +
                (Paths.TryGetValue("freezer", out string? f) ? f : Paths[""]) + "\"");
    }

    /// <summary>StartTransientUnit's properties (no resources: they follow with SetUnitProperties).</summary>
    protected abstract List<SystemdProperty> NewUnitProperties(int pid);

    /// <summary>Completes the cgroup directories once systemd made the unit (v1: join the other hierarchies;
    /// v2: the controllers of the ancestors).</summary>
    protected abstract void AfterStart(int pid);

    /// <summary>runc's Set: SetUnitProperties, then the files; <paramref name="devices"/> empty = leave devices alone.</summary>
    protected abstract void Set(LinuxResources r, IReadOnlyList<DeviceRule> devices);

    /// <summary>runc's `update` (its Set with SkipDevices). runc's update config holds the request's limits (unset ones
    /// zero, a lone cpu quota or period with its saved partner), which is what <paramref name="request"/> must be.</summary>
    public abstract void Update(LinuxResources request);

    public void AddProcess(int pid)
    {
        if (_started) { _fs.AddProcess(pid); return; }
        _startAttempted = true;
        // runc's wording: Apply's errors "unable to apply cgroup configuration", Set's "error setting cgroup config".
        try
        {
            var props = NewUnitProperties(pid);
            props.AddRange(ExtraUnitProperties);
            Bus.StartUnit(UnitName, props);
            _started = true;
            AfterStart(pid);
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

    /// <summary>runc's freezeBeforeSet with SkipDevices: the unit allows every device (errors count as "no").</summary>
    protected bool DevicesAllowAll()
    {
        string type = UnitName.EndsWith(".slice", StringComparison.Ordinal) ? "Slice" : "Scope";
        try
        {
            return Bus.GetUnitTypeProperty(UnitName, type, "DevicePolicy") == "auto" &&
                Bus.GetUnitTypeProperty(UnitName, type, "DeviceAllow") == "0";
        }
        catch (RuncException) { return false; }
    }

    /// <summary>runc's setUnitProperties, between a freeze and a thaw when asked (v1: systemd rewrites device rules
    /// disruptively).</summary>
    protected void SetUnitProperties(IReadOnlyList<SystemdProperty> props, bool freeze)
    {
        if (freeze)
        {
            try { _fs.Freeze(); }
            catch (Exception e) when (e is RuncException or IOException) { Warn("freeze container before SetUnitProperties failed: " + e.Message); }
        }
        try { Bus.SetUnitProperties(UnitName, props); }
        finally
        {
            if (freeze)
            {
                try { _fs.Thaw(); }
                catch (Exception e) when (e is RuncException or IOException) { Warn("thaw container after SetUnitProperties failed: " + e.Message); }
            }
        }
    }

    protected int Version()
    {
        if (_version == int.MinValue) _version = Bus.Version();
        return _version;
    }

    public bool Exists() => _fs.Exists();
    public IReadOnlyList<int> GetPids() => _fs.GetPids();
    public void Freeze() => _fs.Freeze();
    public void Thaw() => _fs.Thaw();
    public FreezerState GetFreezerState() => _fs.GetFreezerState();
    public void Signal(int signal) => _fs.Signal(signal);
    public CgroupStats GetStats() => _fs.GetStats();
    /// <summary>None: the unit's cgroup does not exist before the clone (systemd puts the init there).</summary>
    public CgroupJoin? OpenJoin() => null;
    public OomMonitor? OpenOomMonitor() => _fs.OpenOomMonitor();

    /// <summary>runc's Destroy: stop the unit, then remove every directory whatever that said (some were made by us,
    /// not by systemd). A unit never asked for (the bus was unreachable) is not stopped. A failed stop is a warning
    /// once the directories are gone: systemd drops an empty scope by itself, and the container's state must still go
    /// (runc removes it too and only reports the error).</summary>
    public void Destroy()
    {
        RuncException? stopError = null;
        if (_startAttempted)
        {
            try { Bus.StopUnit(UnitName); }
            catch (RuncException e) { stopError = e; }
        }
        _fs.Destroy();
        if (stopError != null) Warn("stop systemd unit " + UnitName + ": " + stopError.Message);
    }
}
