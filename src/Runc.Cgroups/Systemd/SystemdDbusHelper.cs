using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.DBus.Protocol;

namespace Runc.Cgroups.Systemd;

/// <summary>
/// The process that talks D-Bus for nrunc (`nrunc __systemd-dbus`, started by the CLI through its clone point).
/// Tmds.DBus.Protocol is asynchronous and starts thread-pool threads; the CLI must stay single-threaded until its
/// last clone (hooks run after the unit is made, DESIGN §3), so the conversation happens here and the CLI only
/// reads the answer.
/// Request on stdin: the operation (start, set, stop, reset, version, unitprop), the unit name, then property lines
/// (<see cref="SystemdPropertyCodec"/>; for unitprop the unit type and the property name). Answer on stdout:
/// "warn\tMSG", "version\tN", "value\tV" or "error\tMSG" lines, "unreachable" when the bus could not be reached;
/// exit status 0 on success.
/// </summary>
public static class SystemdDbusHelper
{
    public const string Command = "__systemd-dbus";

    /// <summary>An upper bound for a whole request (connect, call, job wait), so a wedged bus cannot hang nrunc.</summary>
    static readonly TimeSpan RequestTimeout = SystemdDbusClient.JobTimeout + TimeSpan.FromSeconds(30);

    public static string Request(string op, string unit, IEnumerable<SystemdProperty>? props = null, IEnumerable<string>? args = null)
    {
        var sb = new StringBuilder(op).Append('\n').Append(SystemdPropertyCodec.Escape(unit)).Append('\n');
        foreach (var p in props ?? []) sb.Append(SystemdPropertyCodec.Encode(p)).Append('\n');
        foreach (string a in args ?? []) sb.Append(SystemdPropertyCodec.Escape(a)).Append('\n');
        return sb.ToString();
    }

    public static int Main()
    {
        string request;
        using (var stdin = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read))
        using (var reader = new StreamReader(stdin, Encoding.UTF8))
            request = reader.ReadToEnd();
        var output = new StringBuilder();
        int rc = 0;
        try
        {
            var work = RunAsync(request, output);
            if (!work.Wait(RequestTimeout)) throw new RuncException("timed out talking to systemd over dbus");
        }
        catch (Exception e)
        {
            var inner = e is AggregateException { InnerException: { } i } ? i : e;
            if (inner is SystemdUnreachableException) output.Append("unreachable\t\n");
            output.Append("error\t").Append(SystemdPropertyCodec.Escape(inner.Message)).Append('\n');
            rc = 1;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(output.ToString());
        using (var stdout = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write))
            stdout.Write(bytes);
        return rc;
    }

    static async Task RunAsync(string request, StringBuilder output)
    {
        string[] lines = request.Split('\n');
        if (lines.Length < 2) throw new RuncException("malformed systemd dbus request");
        string op = lines[0];
        string unit = SystemdPropertyCodec.Unescape(lines[1]);
        var rest = lines.Skip(2).Where(l => l.Length > 0).ToList();
        var props = op == "unitprop" ? [] : rest.Select(SystemdPropertyCodec.Decode).ToList();
        void Warn(string m) => output.Append("warn\t").Append(SystemdPropertyCodec.Escape(m)).Append('\n');

        using var client = await SystemdDbusClient.ConnectAsync(SystemdDbusClient.SystemBusAddress()).ConfigureAwait(false);
        switch (op)
        {
            case "start": await StartAsync(client, unit, props, Warn).ConfigureAwait(false); break;
            case "set":
                await Call(() => client.SetUnitPropertiesAsync(unit, true, props), "SetUnitProperties " + unit).ConfigureAwait(false);
                break;
            case "stop": await StopAsync(client, unit, Warn).ConfigureAwait(false); break;
            case "reset": await ResetFailedAsync(client, unit, Warn).ConfigureAwait(false); break;
            case "version":
            {
                string v = await Call(() => client.GetManagerStringPropertyAsync("Version"), "get systemd Version").ConfigureAwait(false);
                output.Append("version\t").Append(SystemdProperties.ParseVersion(v)).Append('\n');
                break;
            }
            case "unitprop" when rest.Count == 2:
            {
                string v = await Call(() => client.GetUnitTypePropertyAsync(unit, rest[0], rest[1]), "get " + unit + " " + rest[1]).ConfigureAwait(false);
                output.Append("value\t").Append(SystemdPropertyCodec.Escape(v)).Append('\n');
                break;
            }
            default: throw new RuncException("unknown systemd dbus operation \"" + op + "\"");
        }
    }

    /// <summary>runc 1.1.5 startUnit: an existing unit is fine; a job that is not "done", or no answer in 30 s,
    /// resets the failed unit and fails.</summary>
    static async Task StartAsync(SystemdDbusClient client, string unit, List<SystemdProperty> props, Action<string> warn)
    {
        string job;
        try { job = await client.StartTransientUnitAsync(unit, "replace", props).ConfigureAwait(false); }
        catch (DBusErrorReplyException e) when (e.ErrorName.Contains("org.freedesktop.systemd1.UnitExists", StringComparison.Ordinal))
        {
            return;
        }
        catch (DBusErrorReplyException e) { throw new RuncException(Describe("StartTransientUnit " + unit, e)); }
        string? result = await client.WaitJobAsync(job, SystemdDbusClient.JobTimeout).ConfigureAwait(false);
        if (result == "done") return;
        await ResetFailedAsync(client, unit, warn).ConfigureAwait(false);
        if (result == null) throw new RuncException("Timeout waiting for systemd to create " + unit);
        throw new RuncException("error creating systemd unit `" + unit + "`: got `" + result + "`");
    }

    static async Task StopAsync(SystemdDbusClient client, string unit, Action<string> warn)
    {
        string job;
        try { job = await client.StopUnitAsync(unit, "replace").ConfigureAwait(false); }
        catch (DBusErrorReplyException e) { throw new RuncException(Describe("StopUnit " + unit, e)); }
        string? result = await client.WaitJobAsync(job, SystemdDbusClient.JobTimeout).ConfigureAwait(false);
        if (result == null) throw new RuncException("Timed out while waiting for systemd to remove " + unit);
        if (result != "done") warn("error removing unit `" + unit + "`: got `" + result + "`. Continuing...");
    }

    static async Task ResetFailedAsync(SystemdDbusClient client, string unit, Action<string> warn)
    {
        try { await client.ResetFailedUnitAsync(unit).ConfigureAwait(false); }
        catch (DBusErrorReplyException e) { warn("unable to reset failed unit: " + Describe("ResetFailedUnit " + unit, e)); }
    }

    static async Task<T> Call<T>(Func<Task<T>> call, string what)
    {
        try { return await call().ConfigureAwait(false); }
        catch (DBusErrorReplyException e) { throw new RuncException(Describe(what, e)); }
    }

    static async Task Call(Func<Task> call, string what)
    {
        try { await call().ConfigureAwait(false); }
        catch (DBusErrorReplyException e) { throw new RuncException(Describe(what, e)); }
    }

    static string Describe(string what, DBusErrorReplyException e) => what + ": " + e.ErrorName + ": " + e.ErrorMessage;
}
