using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace FakeSystemd;

/// <summary>
/// systemd's private socket (/run/systemd/private) for the fake: a D-Bus peer that takes direct connections (SASL
/// EXTERNAL, no Hello) and passes each one's messages through its own connection to the private bus, where the fake
/// manager answers them and from which its JobRemoved signals come back. So a client that falls back to the private
/// socket, as go-systemd does when the system bus is unreachable, talks to the same fake without a bus of its own.
/// </summary>
public sealed class PrivateSocket(string path, string busAddress) : IDisposable
{
    readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public void Start()
    {
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        new Thread(() =>
        {
            while (true)
            {
                Socket client;
                try { client = _listener.Accept(); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
                new Thread(() => Serve(client)) { IsBackground = true }.Start();
            }
        }) { IsBackground = true }.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        File.Delete(path);
    }

    void Serve(Socket client)
    {
        using var c = client;
        try
        {
            var fromClient = new List<byte>();
            // The server's side of SASL: EXTERNAL only, no unix fd passing.
            if (Read(c, fromClient, 1)[0] != 0) return;
            while (true)
            {
                string line = Line(c, fromClient);
                if (line.StartsWith("AUTH EXTERNAL", StringComparison.Ordinal)) c.Send("OK 0123456789abcdef0123456789abcdef\r\n"u8);
                else if (line == "BEGIN") break;
                else if (line.StartsWith("AUTH", StringComparison.Ordinal)) c.Send("REJECTED EXTERNAL\r\n"u8);
                else c.Send("ERROR\r\n"u8);
            }
            using var bus = Connect(busAddress);
            var t = new Thread(() => Pump(bus, c)) { IsBackground = true };
            t.Start();
            if (fromClient.Count > 0) bus.Send(fromClient.ToArray());
            Pump(c, bus);
            t.Join();
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException) { }
    }

    static void Pump(Socket from, Socket to)
    {
        var buf = new byte[65536];
        try
        {
            int n;
            while ((n = from.Receive(buf)) > 0) to.Send(buf.AsSpan(0, n));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        try { to.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    /// <summary>A client connection to the bus that has said Hello, with the Hello reply and the NameAcquired signal
    /// read (the relayed client never said Hello).</summary>
    static Socket Connect(string address)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(address["unix:path=".Length..]));
        var rx = new List<byte>();
        string uid = Geteuid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        s.Send(Encoding.ASCII.GetBytes("\0AUTH EXTERNAL " + Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid)) + "\r\n"));
        if (!Line(s, rx).StartsWith("OK ", StringComparison.Ordinal)) throw new IOException("bus refused authentication");
        s.Send("BEGIN\r\n"u8);
        // Hello: a method call to org.freedesktop.DBus with serial 1 and no body.
        var hello = new List<byte> { (byte)'l', 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0 };
        var fields = new List<byte>();
        void Field(byte code, char type, string value)
        {
            while (fields.Count % 8 != 0) fields.Add(0);
            fields.AddRange([code, 1, (byte)type, 0]);
            var v = Encoding.ASCII.GetBytes(value);
            fields.AddRange(BitConverter.GetBytes(v.Length));
            fields.AddRange(v);
            fields.Add(0);
        }
        Field(1, 'o', "/org/freedesktop/DBus");
        Field(2, 's', "org.freedesktop.DBus");
        Field(3, 's', "Hello");
        Field(6, 's', "org.freedesktop.DBus");
        hello.AddRange(BitConverter.GetBytes(fields.Count));
        hello.AddRange(fields);
        while (hello.Count % 8 != 0) hello.Add(0);
        s.Send(hello.ToArray());
        Message(s, rx); // the reply (our unique name)
        Message(s, rx); // NameAcquired
        if (rx.Count > 0) throw new IOException("unexpected bytes from the bus after Hello");
        return s;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    static extern uint Geteuid();

    static void Message(Socket s, List<byte> rx)
    {
        var head = Read(s, rx, 16);
        if (head[0] != 'l') throw new IOException("big-endian bus message");
        int body = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(4));
        int fields = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(12));
        Read(s, rx, (fields + 7) / 8 * 8 + body);
    }

    static byte[] Read(Socket s, List<byte> rx, int n)
    {
        var chunk = new byte[4096];
        while (rx.Count < n)
        {
            int got = s.Receive(chunk);
            if (got == 0) throw new IOException("connection closed");
            rx.AddRange(chunk.AsSpan(0, got));
        }
        var r = rx.GetRange(0, n).ToArray();
        rx.RemoveRange(0, n);
        return r;
    }

    static string Line(Socket s, List<byte> rx)
    {
        var chunk = new byte[4096];
        while (true)
        {
            for (int i = 0; i + 1 < rx.Count; i++)
                if (rx[i] == '\r' && rx[i + 1] == '\n')
                {
                    string line = Encoding.ASCII.GetString(rx.GetRange(0, i).ToArray());
                    rx.RemoveRange(0, i + 2);
                    return line;
                }
            int got = s.Receive(chunk);
            if (got == 0) throw new IOException("connection closed");
            rx.AddRange(chunk.AsSpan(0, got));
        }
    }
}
