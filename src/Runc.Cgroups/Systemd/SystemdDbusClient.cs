using Tmds.DBus.Protocol;

namespace Runc.Cgroups.Systemd;

/// <summary>
/// org.freedesktop.systemd1.Manager over D-Bus with Tmds.DBus.Protocol, the calls runc's libcontainer/cgroups/systemd
/// makes through go-systemd. It is asynchronous and uses the thread pool, so nrunc runs it only in its short-lived
/// D-Bus helper process (<see cref="SystemdDbusHelper"/>), never in a process that still has to clone (DESIGN §3).
/// </summary>
public sealed class SystemdDbusClient : IDisposable
{
    public const string Service = "org.freedesktop.systemd1";
    public const string ObjectPath = "/org/freedesktop/systemd1";
    public const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    public const string DefaultSystemBus = "unix:path=/run/dbus/system_bus_socket";
    /// <summary>runc waits this long for a start or stop job.</summary>
    public static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(30);

    private readonly DBusConnection _conn;
    private readonly Lock _jobsLock = new();
    private readonly Dictionary<string, TaskCompletionSource<string>> _jobs = new(StringComparer.Ordinal);
    private IDisposable? _jobWatch;

    private SystemdDbusClient(DBusConnection conn) => _conn = conn;

    /// <summary>The system bus as go-systemd finds it: $DBUS_SYSTEM_BUS_ADDRESS, else the well-known socket.</summary>
    public static string SystemBusAddress() =>
        Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") is { Length: > 0 } a ? a : DefaultSystemBus;

    public static async Task<SystemdDbusClient> ConnectAsync(string address)
    {
        const string unixPath = "unix:path=";
        if (address.StartsWith(unixPath, StringComparison.Ordinal) && address.IndexOf(',') < 0 && !File.Exists(address[unixPath.Length..]))
            throw new SystemdUnreachableException(ConnectHint + "dial unix " + address[unixPath.Length..] + ": connect: no such file or directory");
        var conn = new DBusConnection(address);
        try
        {
            await conn.ConnectAsync().ConfigureAwait(false);
            var client = new SystemdDbusClient(conn);
            // Subscribe before any job exists: JobRemoved may arrive before the call that made the job returns.
            client._jobWatch = await conn.AddMatchAsync(
                new MatchRule { Type = MessageType.Signal, Interface = ManagerInterface, Member = "JobRemoved" },
                static (Message m, object? _) =>
                {
                    var r = m.GetBodyReader();
                    r.ReadUInt32();
                    string job = r.ReadObjectPathAsString();
                    r.ReadString();
                    return (job, r.ReadString());
                },
                (Notification<(string Job, string Result)> n) => { if (n.HasValue) client.JobDone(n.Value.Job, n.Value.Result); },
                emitOnCapturedContext: false).ConfigureAwait(false);
            return client;
        }
        catch (Exception e) when (e is DBusExceptionBase or IOException or System.Net.Sockets.SocketException or ArgumentException)
        {
            conn.Dispose();
            throw new SystemdUnreachableException(ConnectHint + DescribeConnectFailure(address, e));
        }
    }

    const string ConnectHint = "failed to connect to dbus (hint: for rootless containers, maybe you need to install dbus-user-session package, see https://github.com/opencontainers/runc/blob/master/docs/cgroup-v2.md): ";

    private static string DescribeConnectFailure(string address, Exception e)
    {
        for (var x = e; x != null; x = x.InnerException)
            if (x is System.Net.Sockets.SocketException se)
                return "dial " + address + ": " + se.Message.ToLowerInvariant();
        return e.Message;
    }

    public void Dispose()
    {
        _jobWatch?.Dispose();
        _conn.Dispose();
    }

    private void JobDone(string job, string result)
    {
        lock (_jobsLock) Job(job).TrySetResult(result);
    }

    private TaskCompletionSource<string> Job(string path)
    {
        if (!_jobs.TryGetValue(path, out var tcs))
            _jobs[path] = tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        return tcs;
    }

    /// <summary>Waits for JobRemoved of <paramref name="job"/>; null on timeout.</summary>
    public async Task<string?> WaitJobAsync(string job, TimeSpan timeout)
    {
        Task<string> t;
        lock (_jobsLock) t = Job(job).Task;
        var done = await Task.WhenAny(t, Task.Delay(timeout)).ConfigureAwait(false);
        return done == t ? await t.ConfigureAwait(false) : null;
    }

    /// <summary>StartTransientUnit; returns the job path.</summary>
    public Task<string> StartTransientUnitAsync(string unit, string mode, IReadOnlyList<SystemdProperty> props) =>
        _conn.CallMethodAsync(BuildStartTransientUnit(unit, mode, props), static (m, _) => m.GetBodyReader().ReadObjectPathAsString());

    public Task<string> StopUnitAsync(string unit, string mode) =>
        _conn.CallMethodAsync(BuildCall("StopUnit", "ss", unit, mode), static (m, _) => m.GetBodyReader().ReadObjectPathAsString());

    public Task ResetFailedUnitAsync(string unit) => _conn.CallMethodAsync(BuildCall("ResetFailedUnit", "s", unit, null));

    public Task SetUnitPropertiesAsync(string unit, bool runtime, IReadOnlyList<SystemdProperty> props) =>
        _conn.CallMethodAsync(BuildSetUnitProperties(unit, runtime, props));

    /// <summary>org.freedesktop.DBus.Properties.Get(Manager, name) of a string property (go-systemd's GetManagerProperty).</summary>
    public Task<string> GetManagerStringPropertyAsync(string name) =>
        _conn.CallMethodAsync(BuildPropertiesGet(name), static (m, _) =>
        {
            var r = m.GetBodyReader();
            string sig = r.ReadSignatureAsString();
            if (sig != "s") throw new RuncException("systemd manager property has signature \"" + sig + "\", expected \"s\"");
            return r.ReadString();
        });

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

    /// <summary>Properties.Get(org.freedesktop.systemd1.TYPE, name) on the unit's object: strings as they are, arrays as
    /// their length.</summary>
    public Task<string> GetUnitTypePropertyAsync(string unit, string unitType, string name) =>
        _conn.CallMethodAsync(BuildGet(UnitObjectPath(unit), "org.freedesktop.systemd1." + unitType, name), static (m, _) =>
        {
            var r = m.GetBodyReader();
            string sig = r.ReadSignatureAsString();
            if (sig == "s") return r.ReadString();
            if (sig.StartsWith('a'))
            {
                var end = r.ReadArrayStart(sig[1] == '(' ? DBusType.Struct : DBusType.String);
                int n = 0;
                while (r.HasNext(end))
                {
                    if (sig == "a(ss)") { r.AlignStruct(); r.ReadString(); r.ReadString(); }
                    else if (sig == "as") r.ReadString();
                    else throw new RuncException("unexpected unit property signature \"" + sig + "\"");
                    n++;
                }
                return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            throw new RuncException("unexpected unit property signature \"" + sig + "\"");
        });

    private MessageBuffer BuildGet(string path, string iface, string name)
    {
        using var w = _conn.GetMessageWriter();
        w.WriteMethodCallHeader(destination: Service, path: path, @interface: "org.freedesktop.DBus.Properties", member: "Get", signature: "ss");
        w.WriteString(iface);
        w.WriteString(name);
        return w.CreateMessage();
    }

    private MessageBuffer BuildCall(string member, string signature, string a, string? b)
    {
        using var w = _conn.GetMessageWriter();
        w.WriteMethodCallHeader(destination: Service, path: ObjectPath, @interface: ManagerInterface, member: member, signature: signature);
        w.WriteString(a);
        if (b != null) w.WriteString(b);
        return w.CreateMessage();
    }

    private MessageBuffer BuildStartTransientUnit(string unit, string mode, IReadOnlyList<SystemdProperty> props)
    {
        var w = _conn.GetMessageWriter();
        w.WriteMethodCallHeader(destination: Service, path: ObjectPath, @interface: ManagerInterface,
            member: "StartTransientUnit", signature: "ssa(sv)a(sa(sv))");
        w.WriteString(unit);
        w.WriteString(mode);
        WriteProperties(ref w, props);
        var aux = w.WriteArrayStart(DBusType.Struct); // no auxiliary units, as go-systemd sends
        w.WriteArrayEnd(aux);
        var m = w.CreateMessage();
        w.Dispose();
        return m;
    }

    private MessageBuffer BuildSetUnitProperties(string unit, bool runtime, IReadOnlyList<SystemdProperty> props)
    {
        var w = _conn.GetMessageWriter();
        w.WriteMethodCallHeader(destination: Service, path: ObjectPath, @interface: ManagerInterface,
            member: "SetUnitProperties", signature: "sba(sv)");
        w.WriteString(unit);
        w.WriteBool(runtime);
        WriteProperties(ref w, props);
        var m = w.CreateMessage();
        w.Dispose();
        return m;
    }

    private MessageBuffer BuildPropertiesGet(string name) => BuildGet(ObjectPath, ManagerInterface, name);

    /// <summary>a(sv) with each value in its signature (<see cref="SystemdPropertyCodec.Signature"/>).</summary>
    public static void WriteProperties(ref MessageWriter w, IReadOnlyList<SystemdProperty> props)
    {
        var array = w.WriteArrayStart(DBusType.Struct);
        foreach (var p in props)
        {
            w.WriteStructureStart();
            w.WriteString(p.Name);
            w.WriteSignature(SystemdPropertyCodec.Signature(p.Value));
            switch (p.Value)
            {
                case ulong t: w.WriteUInt64(t); break;
                case bool b: w.WriteBool(b); break;
                case string s: w.WriteString(s); break;
                case byte[] ay:
                {
                    var a = w.WriteArrayStart(DBusType.Byte);
                    foreach (byte x in ay) w.WriteByte(x);
                    w.WriteArrayEnd(a);
                    break;
                }
                case uint[] au:
                {
                    var a = w.WriteArrayStart(DBusType.UInt32);
                    foreach (uint x in au) w.WriteUInt32(x);
                    w.WriteArrayEnd(a);
                    break;
                }
                case IReadOnlyList<(string, string)> pairs:
                {
                    var a = w.WriteArrayStart(DBusType.Struct);
                    foreach (var (x, y) in pairs)
                    {
                        w.WriteStructureStart();
                        w.WriteString(x);
                        w.WriteString(y);
                    }
                    w.WriteArrayEnd(a);
                    break;
                }
            }
        }
        w.WriteArrayEnd(array);
    }
}
