using System.Linq;
using Runc.Cgroups.Systemd.DBus;

namespace Runc.Cgroups.Systemd;

/// <summary>
/// <see cref="ISystemdBus"/> over nrunc's own synchronous D-Bus connection (<see cref="DBusConnection"/>): the
/// org.freedesktop.systemd1.Manager calls runc 1.1.5's libcontainer/cgroups/systemd makes through go-systemd, with
/// its error wording. The connection is made on the first call (with a JobRemoved match, as go-systemd subscribes
/// before it starts jobs) and kept for the process; everything runs on the calling thread (DESIGN §3).
/// </summary>
public sealed class SystemdDbusClient(Action<string> warn, string? address = null) : ISystemdBus, IDisposable
{
    public const string Service = "org.freedesktop.systemd1";
    public const string ObjectPath = "/org/freedesktop/systemd1";
    public const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    public const string DefaultSystemBus = "unix:path=/run/dbus/system_bus_socket";
    /// <summary>runc waits this long for a start or stop job; nrunc also bounds each call by it.</summary>
    public static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(30);

    const string ConnectHint = "failed to connect to dbus (hint: for rootless containers, maybe you need to install dbus-user-session package, see https://github.com/opencontainers/runc/blob/master/docs/cgroup-v2.md): ";

    private DBusConnection? _conn;
    private readonly Dictionary<string, string> _jobs = new(StringComparer.Ordinal);

    /// <summary>The system bus as go-systemd finds it: $DBUS_SYSTEM_BUS_ADDRESS, else the well-known socket.</summary>
    public static string SystemBusAddress() =>
        Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") is { Length: > 0 } a ? a : DefaultSystemBus;

    public void Dispose()
    {
        _conn?.Dispose();
        _conn = null;
    }

    private DBusConnection Connection()
    {
        if (_conn != null) return _conn;
        DBusConnection conn;
        try { conn = DBusConnection.Connect(address ?? SystemBusAddress(), JobTimeout); }
        catch (SystemdUnreachableException e) { throw new SystemdUnreachableException(ConnectHint + e.Message); }
        conn.SignalReceived = OnSignal;
        try
        {
            // Subscribe before any job exists: JobRemoved may arrive before the call that made the job returns.
            conn.Call(DBusMessage.MethodCall(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusName, "AddMatch", "s",
                "type='signal',interface='" + ManagerInterface + "',member='JobRemoved'"), JobTimeout);
        }
        catch (RuncException e)
        {
            conn.Dispose();
            throw new SystemdUnreachableException(ConnectHint + e.Message);
        }
        return _conn = conn;
    }

    private void OnSignal(DBusMessage m)
    {
        if (m.Interface != ManagerInterface || m.Member != "JobRemoved" || m.Signature != "uoss") return;
        var args = m.Arguments();
        _jobs[(string)args[1]] = (string)args[3];
    }

    private DBusMessage Call(string member, string signature, params object[] args) =>
        Connection().Call(DBusMessage.MethodCall(Service, ObjectPath, ManagerInterface, member, signature, args), JobTimeout);

    /// <summary>The result of the job's JobRemoved signal; null when none came within runc's 30 s.</summary>
    private string? WaitJob(string job) =>
        Connection().WaitFor(() => _jobs.ContainsKey(job), JobTimeout) ? _jobs[job] : null;

    private static string JobPath(DBusMessage reply) => reply.Arguments() is [string job] && reply.Signature == "o"
        ? job
        : throw new RuncException("dbus: unexpected reply signature \"" + reply.Signature + "\", expected \"o\"");

    /// <summary>a(sv) of the properties, each value in its variant signature (<see cref="SystemdPropertyCodec.Signature"/>).</summary>
    public static object[] PropertyArray(IReadOnlyList<SystemdProperty> props) =>
        props.Select(p => (object)new object[] { p.Name, new DBusVariant(SystemdPropertyCodec.Signature(p.Value), p.Value) }).ToArray();

    /// <summary>runc 1.1.5 startUnit: an existing unit is fine; a job that is not "done", or no answer in 30 s,
    /// resets the failed unit and fails.</summary>
    public void StartUnit(string unit, IReadOnlyList<SystemdProperty> props)
    {
        string job;
        try { job = JobPath(Call("StartTransientUnit", "ssa(sv)a(sa(sv))", unit, "replace", PropertyArray(props), Array.Empty<object>())); }
        catch (DBusErrorException e) when (e.ErrorName.Contains("org.freedesktop.systemd1.UnitExists", StringComparison.Ordinal))
        {
            return;
        }
        catch (DBusErrorException e) { throw new RuncException(Describe("StartTransientUnit " + unit, e)); }
        string? result = WaitJob(job);
        if (result == "done") return;
        ResetFailedUnit(unit);
        if (result == null) throw new RuncException("Timeout waiting for systemd to create " + unit);
        throw new RuncException("error creating systemd unit `" + unit + "`: got `" + result + "`");
    }

    public void SetUnitProperties(string unit, IReadOnlyList<SystemdProperty> props)
    {
        try { Call("SetUnitProperties", "sba(sv)", unit, true, PropertyArray(props)); }
        catch (DBusErrorException e) { throw new RuncException(Describe("SetUnitProperties " + unit, e)); }
    }

    public void StopUnit(string unit)
    {
        string job;
        try { job = JobPath(Call("StopUnit", "ss", unit, "replace")); }
        catch (DBusErrorException e) { throw new RuncException(Describe("StopUnit " + unit, e)); }
        string? result = WaitJob(job);
        if (result == null) throw new RuncException("Timed out while waiting for systemd to remove " + unit);
        if (result != "done") warn("error removing unit `" + unit + "`: got `" + result + "`. Continuing...");
    }

    public void ResetFailedUnit(string unit)
    {
        try { Call("ResetFailedUnit", "s", unit); }
        catch (DBusErrorException e) { warn("unable to reset failed unit: " + Describe("ResetFailedUnit " + unit, e)); }
        catch (RuncException e) { warn("unable to reset failed unit: " + e.Message); }
    }

    /// <summary>-1 when the version cannot be read (runc logs the error and goes on as with an old systemd).</summary>
    public int Version()
    {
        try { return SystemdProperties.ParseVersion(GetString(ObjectPath, ManagerInterface, "Version", "get systemd Version")); }
        catch (RuncException e)
        {
            warn("unable to get systemd version: " + e.Message);
            return -1;
        }
    }

    private string GetString(string path, string iface, string name, string what)
    {
        var v = Get(path, iface, name, what);
        return v.Signature == "s" ? (string)v.Value
            : throw new RuncException(what + ": property has signature \"" + v.Signature + "\", expected \"s\"");
    }

    /// <summary>org.freedesktop.DBus.Properties.Get(iface, name) on <paramref name="path"/>.</summary>
    private DBusVariant Get(string path, string iface, string name, string what)
    {
        try
        {
            var reply = Connection().Call(
                DBusMessage.MethodCall(Service, path, "org.freedesktop.DBus.Properties", "Get", "ss", iface, name), JobTimeout);
            return reply.Signature == "v" && reply.Arguments() is [DBusVariant v]
                ? v
                : throw new RuncException(what + ": unexpected reply signature \"" + reply.Signature + "\"");
        }
        catch (DBusErrorException e) { throw new RuncException(Describe(what, e)); }
    }

    /// <summary>go-systemd's unit object path: /org/freedesktop/systemd1/unit/ + the name with every byte that is not
    /// an ASCII letter or digit written as _XX.</summary>
    public static string UnitObjectPath(string unit)
    {
        var sb = new System.Text.StringBuilder(ObjectPath + "/unit/");
        if (unit.Length == 0) return sb.Append('_').ToString();
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(unit))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9') sb.Append((char)b);
            else sb.Append('_').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Properties.Get(org.freedesktop.systemd1.TYPE, name) on the unit's object (go-systemd's
    /// GetUnitTypeProperty): strings as they are, as and a(ss) lists as their length.</summary>
    public string GetUnitTypeProperty(string unit, string unitType, string name)
    {
        string what = "get " + unit + " " + name;
        var v = Get(UnitObjectPath(unit), "org.freedesktop.systemd1." + unitType, name, what);
        return v.Signature switch
        {
            "s" => (string)v.Value,
            "as" or "a(ss)" => ((List<object>)v.Value).Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new RuncException("unexpected unit property signature \"" + v.Signature + "\""),
        };
    }

    static string Describe(string what, DBusErrorException e) => what + ": " + e.ErrorName + ": " + e.ErrorMessage;
}
