using System.Net.Sockets;
using System.Text;
using Runc.Cgroups.Systemd;
using Runc.Cgroups.Systemd.DBus;
using Xunit;

namespace Runc.Cgroups.Tests;

/// <summary>
/// <see cref="SystemdDbusClient"/> and <see cref="DBusConnection"/> against a scripted bus on a unix socket in a temp
/// dir: the SASL exchange, Hello, the JobRemoved match, a signal that arrives before its call's reply, and error replies
/// in runc's wording.
/// </summary>
public sealed class DBusConnectionTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nrunc-dbus-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A bus that answers each method call with <paramref name="answer"/> (the messages to send back).</summary>
    (string Address, Task<List<DBusMessage>> Calls) Bus(Func<DBusMessage, IEnumerable<DBusMessage>> answer, string name = "bus.sock")
    {
        string path = Path.Combine(_dir, name);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var task = Task.Run(() =>
        {
            using var l = listener;
            using var s = l.Accept();
            var calls = new List<DBusMessage>();
            var buf = new List<byte>();
            byte[] chunk = new byte[4096];
            bool More()
            {
                int n = s.Receive(chunk);
                buf.AddRange(chunk.AsSpan(0, n));
                return n > 0;
            }
            string Line()
            {
                while (true)
                {
                    int i = Encoding.ASCII.GetString(buf.ToArray()).IndexOf("\r\n", StringComparison.Ordinal);
                    if (i >= 0) { string line = Encoding.ASCII.GetString(buf.ToArray(), 0, i); buf.RemoveRange(0, i + 2); return line; }
                    if (!More()) throw new IOException("eof");
                }
            }
            string uid = Runc.Linux.Interop.Libc.Geteuid().ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("\0AUTH EXTERNAL " + Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid)), Line());
            s.Send("OK 0123456789abcdef0123456789abcdef\r\n"u8);
            Assert.Equal("BEGIN", Line());
            uint serial = 100;
            while (true)
            {
                while (buf.Count < 16) if (!More()) return calls;
                int total = DBusMessage.TotalLength(buf.ToArray());
                while (buf.Count < total) if (!More()) return calls;
                var m = DBusMessage.Decode(buf.GetRange(0, total).ToArray());
                buf.RemoveRange(0, total);
                calls.Add(m);
                foreach (var reply in answer(m))
                {
                    reply.Serial = ++serial;
                    s.Send(reply.Encode());
                }
            }
        });
        return ("unix:path=" + path, task);
    }

    static DBusMessage Return(DBusMessage call, string signature = "", params object[] args)
    {
        var w = new DBusWriter();
        if (signature.Length > 0) w.Write(signature, args.Length == 1 ? args[0] : args);
        return new DBusMessage { Type = DBusMessageType.MethodReturn, ReplySerial = call.Serial, Signature = signature, Body = w.ToArray() };
    }

    static DBusMessage Error(DBusMessage call, string name, string text)
    {
        var w = new DBusWriter();
        w.Write("s", text);
        return new DBusMessage { Type = DBusMessageType.Error, ReplySerial = call.Serial, ErrorName = name, Signature = "s", Body = w.ToArray() };
    }

    static DBusMessage JobRemoved(string job, string unit, string result)
    {
        var w = new DBusWriter();
        w.Write("uoss", new object[] { 7u, job, unit, result });
        return new DBusMessage
        {
            Type = DBusMessageType.Signal, Path = SystemdDbusClient.ObjectPath, Interface = SystemdDbusClient.ManagerInterface,
            Member = "JobRemoved", Signature = "uoss", Body = w.ToArray(),
        };
    }

    [Fact]
    public async Task The_client_authenticates_subscribes_and_makes_runcs_calls()
    {
        const string job = "/org/freedesktop/systemd1/job/7";
        var (address, calls) = Bus(m => m.Member switch
        {
            "Hello" => [Return(m, "s", ":1.9")],
            "AddMatch" => [Return(m)],
            // The job ends before the call's reply arrives: the signal must not be lost.
            "StopUnit" => [JobRemoved(job, "a.scope", "done"), Return(m, "o", job)],
            "StartTransientUnit" => [Error(m, "org.freedesktop.systemd1.UnitExists", "Unit a.scope already exists.")],
            "SetUnitProperties" => [Error(m, "org.freedesktop.DBus.Error.InvalidArgs", "nope")],
            "Get" => [Return(m, "v", new DBusVariant("s", "252.1-1"))],
            _ => [Error(m, "org.freedesktop.DBus.Error.UnknownMethod", "no " + m.Member)],
        });
        var warnings = new List<string>();
        using (var client = new SystemdDbusClient(warnings.Add, address))
        {
            client.StopUnit("a.scope");
            client.StartUnit("a.scope", [new("Delegate", true)]);
            var e = Assert.Throws<RuncException>(() => client.SetUnitProperties("a.scope", [new("MemoryLimit", 1UL)]));
            Assert.Equal("SetUnitProperties a.scope: org.freedesktop.DBus.Error.InvalidArgs: nope", e.Message);
            Assert.Equal(252, client.Version());
            client.ResetFailedUnit("a.scope");
        }
        var seen = await calls.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(["Hello", "AddMatch", "StopUnit", "StartTransientUnit", "SetUnitProperties", "Get", "ResetFailedUnit"],
            seen.Select(m => m.Member));
        Assert.Equal(["unable to reset failed unit: ResetFailedUnit a.scope: org.freedesktop.DBus.Error.UnknownMethod: no ResetFailedUnit"], warnings);
        var add = seen[1];
        Assert.Equal(["type='signal',interface='org.freedesktop.systemd1.Manager',member='JobRemoved'"], add.Arguments());
        var start = seen[3];
        Assert.Equal(("ssa(sv)a(sa(sv))", "org.freedesktop.systemd1"), (start.Signature, start.Destination));
        Assert.Equal(["a.scope", "replace"], start.Arguments().Take(2));
    }

    [Fact]
    public void A_missing_socket_is_an_unreachable_bus_in_runcs_words()
    {
        // As root the error is the private socket's, which go-systemd tries last (the system bus's is dropped).
        string sock = Path.Combine(_dir, "none.sock");
        string priv = Path.Combine(_dir, "private.sock");
        bool root = Runc.Linux.Interop.Libc.Geteuid() == 0;
        var e = Assert.Throws<SystemdUnreachableException>(() => new SystemdDbusClient(_ => { }, "unix:path=" + sock, "unix:path=" + priv).StopUnit("a.scope"));
        Assert.StartsWith("failed to connect to dbus (hint: ", e.Message);
        Assert.EndsWith("dial unix " + (root ? priv : sock) + ": connect: no such file or directory", e.Message);
        var tcp = Assert.Throws<SystemdUnreachableException>(() => new SystemdDbusClient(_ => { }, "tcp:host=localhost,port=1", "tcp:host=localhost,port=2").StopUnit("a.scope"));
        Assert.EndsWith("unsupported dbus address \"tcp:host=localhost,port=" + (root ? "2" : "1") + "\"", tcp.Message);
    }

    [RootFact]
    public async Task Root_without_a_system_bus_talks_to_systemds_private_socket_without_hello()
    {
        const string job = "/org/freedesktop/systemd1/job/7";
        // systemd refuses the bus's AddMatch on a direct connection (it sends its signals there unasked): no failure.
        var (address, calls) = Bus(m => m.Member switch
        {
            "StartTransientUnit" => [JobRemoved(job, "a.scope", "done"), Return(m, "o", job)],
            _ => [Error(m, "org.freedesktop.DBus.Error.UnknownObject", "Unknown object '" + m.Path + "'.")],
        }, "private.sock");
        using (var client = new SystemdDbusClient(_ => { }, "unix:path=" + Path.Combine(_dir, "none.sock"), address))
            client.StartUnit("a.scope", [new("Delegate", true)]);
        var seen = await calls.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(["AddMatch", "StartTransientUnit"], seen.Select(m => m.Member));
    }

    [RootFact]
    public async Task A_reachable_system_bus_is_used_and_the_private_socket_left_alone()
    {
        var (address, calls) = Bus(m => m.Member switch
        {
            "Hello" => [Return(m, "s", ":1.9")],
            "AddMatch" => [Return(m)],
            _ => [Return(m)],
        });
        using (var client = new SystemdDbusClient(_ => { }, address, "unix:path=" + Path.Combine(_dir, "none.sock")))
            client.SetUnitProperties("a.scope", [new("CPUShares", 2UL)]);
        var seen = await calls.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(["Hello", "AddMatch", "SetUnitProperties"], seen.Select(m => m.Member));
    }
}
